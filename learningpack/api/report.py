"""The half-yearly report's numbers as JSON (``/api/v1/report``) and their OpenAPI schema."""

from __future__ import annotations

from typing import Any

from learningpack.reads.report import ReportFigures

COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
CHANGE: dict[str, Any] = {"type": "integer", "description": "Change since the previous period."}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


REPORT_SCHEMAS: dict[str, Any] = {
    "ReportModule": _object(
        {
            "module": {"type": "string"},
            "position": {"type": "integer", "minimum": 1},
            "title": {"type": "string"},
            "in_progress": COUNT,
            "in_progress_change": CHANGE,
            "completed": COUNT,
            "completed_change": CHANGE,
            "actions_agreed": COUNT,
            "followed_up": COUNT,
            "keep": COUNT,
            "adjust": COUNT,
            "stop": COUNT,
        }
    ),
    "Report": _object(
        {
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "previous_to": {
                "type": "string",
                "format": "date",
                "description": "The end of the previous period of the same length; changes "
                "are counted from it.",
            },
            "district": {"type": ["string", "null"]},
            "schools": COUNT,
            "schools_started": COUNT,
            "schools_started_in_period": {"type": "integer"},
            "schools_stalled": COUNT,
            "snapshot_date": {
                "type": ["string", "null"],
                "format": "date",
                "description": "The day of the newest change the daily snapshots hold up to "
                "`to` (null: no snapshot yet).",
            },
            "modules": {"type": "array", "items": {"$ref": "#/components/schemas/ReportModule"}},
        }
    ),
}

DATE_PARAMETER = {
    "in": "query",
    "required": False,
    "schema": {"type": "string", "format": "date", "pattern": "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"},
}
REPORT_PARAMETERS: dict[str, Any] = {
    "from": {
        "name": "from",
        **DATE_PARAMETER,
        "description": "The period's first day (default: half a year before `to`).",
    },
    "to": {
        "name": "to",
        **DATE_PARAMETER,
        "description": "The period's last day (default: today).",
    },
}


def report_body(figures: ReportFigures) -> dict[str, Any]:
    return {
        "from": figures.period_from.isoformat(),
        "to": figures.period_to.isoformat(),
        "previous_to": figures.previous_to.isoformat(),
        "district": figures.district or None,
        "schools": figures.schools,
        "schools_started": figures.started,
        "schools_started_in_period": figures.started_in_period,
        "schools_stalled": figures.stalled,
        "snapshot_date": figures.snapshot_day.isoformat() if figures.snapshot_day else None,
        "modules": [
            {
                "module": m.slug,
                "position": m.position,
                "title": m.title,
                "in_progress": m.in_progress,
                "in_progress_change": m.in_progress_change,
                "completed": m.completed,
                "completed_change": m.completed_change,
                "actions_agreed": m.actions,
                "followed_up": m.followed_up,
                "keep": m.keep,
                "adjust": m.adjust,
                "stop": m.stop,
            }
            for m in figures.modules
        ],
    }
