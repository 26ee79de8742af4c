"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/v1/openapi.json``.

Kept by hand beside the views; ``tests/test_api.py`` validates every endpoint's real responses
against it, and a property-based test (schemathesis) calls the API with generated input.
"""

from __future__ import annotations

import copy
from typing import Any

from learningpack.api.report import REPORT_PARAMETERS, REPORT_SCHEMAS
from learningpack.reads.progress import PHASES, STATES

NULLABLE_TIME: dict[str, Any] = {"type": ["string", "null"], "format": "date-time"}
COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


def _page_of(item: str) -> dict[str, Any]:
    return _object(
        {
            "items": {"type": "array", "items": _ref(item)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 500},
            "total": COUNT,
            "pages": {"type": "integer", "minimum": 1},
        }
    )


MODULE_PROGRESS = {
    "module": {"type": "string", "description": "The module's slug."},
    "position": {"type": "integer", "minimum": 1},
    "title": {"type": "string"},
    "state": {"type": "string", "enum": list(STATES)},
    "phase": {
        "type": ["string", "null"],
        "enum": [*PHASES, None],
        "description": (
            "The step an active module has reached (input, question, actions, trying, "
            "reflection, follow_up, or ready to complete); null unless active."
        ),
    },
    "session_count": COUNT,
    "action_count": COUNT,
    "done_action_count": {
        **COUNT,
        "description": "Actions followed up (not stopped); derived from the records.",
    },
    "log_entry_count": {
        **COUNT,
        "description": "Log entries: the owners' (what we did) and the observers' together.",
    },
    "follow_up_count": COUNT,
    "opened_at": NULLABLE_TIME,
    "completed_at": NULLABLE_TIME,
    "last_activity_at": NULLABLE_TIME,
    "days_in_module": {"type": ["integer", "null"], "minimum": 0},
}

MODULE_COUNTS = {
    "module": {"type": "string"},
    "position": {"type": "integer", "minimum": 0},
    "title": {"type": "string"},
    "locked": COUNT,
    "active": _object(dict.fromkeys(PHASES, COUNT)),
    "completed": COUNT,
    "actions_agreed": COUNT,
    "actions_done": COUNT,
}

SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "status": {"type": "integer"},
            "error": {"type": "string"},
            "message": {"type": "string"},
        }
    ),
    "School": _object(
        {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "district": {"type": "string"},
        }
    ),
    "SchoolPage": _page_of("School"),
    "ModuleProgress": _object(MODULE_PROGRESS),
    "SchoolProgress": _object(
        {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "district": {"type": "string"},
            "run": {
                "oneOf": [
                    {"type": "null"},
                    _object({"package": {"type": "string"}, "year_label": {"type": "string"}}),
                ],
                "description": (
                    "The school's newest run of the package (the latest started: the run "
                    "PUF's overview shows); null when it has not started."
                ),
            },
            "modules": {"type": "array", "items": _ref("ModuleProgress")},
        }
    ),
    "ProgressRow": _object(
        {
            "school_id": {"type": "integer"},
            "school_name": {"type": "string"},
            "district": {"type": "string"},
            "year_label": {"type": "string"},
            **MODULE_PROGRESS,
        }
    ),
    "ProgressPage": _page_of("ProgressRow"),
    "ModuleCounts": _object(MODULE_COUNTS),
    "DistrictCounts": _object(
        {
            "district": {"type": "string"},
            "schools": COUNT,
            "schools_started": COUNT,
            "actions_agreed": COUNT,
            "actions_done": COUNT,
            "modules": {"type": "array", "items": _ref("ModuleCounts")},
        }
    ),
    "Summary": _object(
        {
            "district": {"type": ["string", "null"]},
            "schools": COUNT,
            "schools_started": COUNT,
            "modules": {"type": "array", "items": _ref("ModuleCounts")},
            "districts": {"type": "array", "items": _ref("DistrictCounts")},
        }
    ),
}

ERROR = _ref("Error")
# A query parameter with a control character is refused (400) before any view (web/inputs.py).
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
PARAMETERS: dict[str, Any] = {
    "district": {
        "name": "district",
        "in": "query",
        "required": False,
        "description": "Only schools in this district (exact name; no control characters).",
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": 120,
            "pattern": NO_CONTROL_CHARACTERS,
        },
    },
    "page": {
        "name": "page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1},
    },
    "per_page": {
        "name": "per_page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
    },
    "state": {
        "name": "state",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": list(STATES)},
    },
    "module": {
        "name": "module",
        "in": "query",
        "required": False,
        "description": "A module's slug, e.g. faellesskab.",
        "schema": {"type": "string", "pattern": NO_CONTROL_CHARACTERS},
    },
}


def _errors(*codes: int) -> dict[str, Any]:
    descriptions = {
        400: "A query parameter is not valid.",
        401: "No API key, or a key that is unknown, expired or revoked.",
        404: "Not found.",
        405: "Only GET is allowed.",
        429: "Too many requests; try again later.",
    }
    responses = {str(code): _json(ERROR, descriptions[code]) for code in codes}
    if 401 in codes:
        responses["401"]["headers"] = {
            "WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}
        }
    return responses


def _get(summary: str, ok: str, *, params: tuple[str, ...] = (), codes: tuple[int, ...]) -> Any:
    return {
        "get": {
            "summary": summary,
            "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in params],
            "responses": {"200": _json(_ref(ok), "OK"), **_errors(*codes)},
        }
    }


def openapi_document(module_slugs: list[str] | None = None) -> dict[str, Any]:
    """The description as a fresh dict; with the content's module slugs as the module filter's
    allowed values when given (the app serves it so)."""
    document = copy.deepcopy(_document())
    if module_slugs is not None:
        document["components"]["parameters"]["module"]["schema"]["enum"] = module_slugs
    return document


def _document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Læringspakken API",
            "version": "1.0.0",
            "description": "Read-only progress of every school's run of the learning package, "
            "for the municipality's reporting tools. Create an API key on the page "
            "/puf/api-noegler and send it as `Authorization: Bearer <key>`.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/schools": _get(
                "Schools in Danish alphabetical order",
                "SchoolPage",
                params=("district", "page", "per_page"),
                codes=(400, 401, 429),
            ),
            "/schools/{school_id}": {
                "get": {
                    "summary": "One school's progress per module",
                    "parameters": [
                        {
                            "name": "school_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 0},
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("SchoolProgress"), "OK"),
                        **_errors(401, 404, 429),
                    },
                }
            },
            "/progress": _get(
                "Progress of every school in every module",
                "ProgressPage",
                params=("district", "module", "state", "page", "per_page"),
                codes=(400, 401, 429),
            ),
            "/summary": _get(
                "Counts per module and per district",
                "Summary",
                params=("district",),
                codes=(400, 401, 429),
            ),
            "/report": _get(
                "The half-yearly report's numbers for a period, read from the daily snapshots",
                "Report",
                params=("from", "to", "district"),
                codes=(400, 401, 429),
            ),
            "/openapi.json": {
                "get": {
                    "summary": "This description",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "lp_…"}
            },
            "parameters": {**PARAMETERS, **REPORT_PARAMETERS},
            "schemas": {**SCHEMAS, **REPORT_SCHEMAS},
        },
    }
