"""A school's data as a ZIP of CSV files (DESIGN.md §6): everything the school recorded.

The files are written by ``tables.csv_bytes`` (``;``, UTF-8 with a byte-order mark, formulas
defused), as every CSV of the app. Every query is limited to the one school; no password hashes
or other secrets.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import Response
from sqlalchemy import select

from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    FollowUp,
    LogEntry,
    Meeting,
    Reflection,
    Resource,
    Run,
    School,
    Team,
    TeamQuestion,
    User,
    action_owner,
    team_member,
)
from learningpack.models.audit import record
from learningpack.output.labels import ascii_slug
from learningpack.output.tables import csv_bytes


def export_file_name(school: School, today: date | None = None) -> str:
    slug = ascii_slug(school.name, fallback="skole")
    return f"laeringspakken-{slug}-{(today or date.today()).isoformat()}.zip"


def _tables(school: School) -> dict[str, tuple[list[str], list[Sequence[Any]]]]:
    sid = school.id
    s = db.session
    runs = select(Run.id).where(Run.school_id == sid)
    cycles = select(Cycle.id).where(Cycle.run_id.in_(runs))
    actions = select(Action.id).where(Action.cycle_id.in_(cycles))
    return {
        "skole.csv": (
            ["id", "navn", "omraade", "oprettet"],
            [(school.id, school.name, school.district, school.created_at)],
        ),
        "personale.csv": (
            ["id", "navn", "email", "rolle", "aktiv", "sprog", "oprettet", "sidst_logget_ind"],
            list(
                s.execute(
                    select(
                        User.id,
                        User.name,
                        User.email,
                        User.role,
                        User.active,
                        User.locale,
                        User.created_at,
                        User.last_login_at,
                    )
                    .where(User.school_id == sid)
                    .order_by(User.id)
                )
            ),
        ),
        "teams.csv": (
            ["id", "navn"],
            list(s.execute(select(Team.id, Team.name).where(Team.school_id == sid))),
        ),
        "teammedlemmer.csv": (
            ["team_id", "bruger_id"],
            list(
                s.execute(
                    select(team_member.c.team_id, team_member.c.user_id)
                    .join(Team, Team.id == team_member.c.team_id)
                    .where(Team.school_id == sid)
                )
            ),
        ),
        "forloeb.csv": (
            ["id", "pakke", "navn", "startet", "startet_af_id", "gennemfoert"],
            list(
                s.execute(
                    select(
                        Run.id,
                        Run.package_slug,
                        Run.year_label,
                        Run.started_at,
                        Run.started_by_id,
                        Run.completed_at,
                    )
                    .where(Run.school_id == sid)
                    .order_by(Run.id)
                )
            ),
        ),
        "moduler.csv": (
            [
                "id",
                "forloeb_id",
                "modul",
                "nummer",
                "tilstand",
                "aabnet",
                "afsluttet",
                "seneste_aktivitet",
                "lokale_noter",
                "lokale_spoergsmaal",
                "laert",
                "fastholder",
                "naeste_skridt",
            ],
            list(
                s.execute(
                    select(
                        Cycle.id,
                        Cycle.run_id,
                        Cycle.module_slug,
                        Cycle.position,
                        Cycle.state,
                        Cycle.opened_at,
                        Cycle.completed_at,
                        Cycle.last_activity_at,
                        Cycle.local_notes,
                        Cycle.local_questions,
                        Cycle.summary_learned,
                        Cycle.summary_keep,
                        Cycle.summary_next,
                    )
                    .where(Cycle.run_id.in_(runs))
                    .order_by(Cycle.run_id, Cycle.position)
                )
            ),
        ),
        "moeder.csv": (
            [
                "id",
                "modul_id",
                "dato",
                "slags",
                "facilitator_id",
                "deltagere",
                "noter",
                "beslutninger",
            ],
            list(
                s.execute(
                    select(
                        Meeting.id,
                        Meeting.cycle_id,
                        Meeting.held_on,
                        Meeting.kind,
                        Meeting.facilitator_id,
                        Meeting.participants,
                        Meeting.notes,
                        Meeting.decisions,
                    )
                    .where(Meeting.cycle_id.in_(cycles))
                    .order_by(Meeting.id)
                )
            ),
        ),
        "aktioner.csv": (
            [
                "id",
                "modul_id",
                "team_id",
                "titel",
                "hvad",
                "hvorfor",
                "hvordan_opdager_vi",
                "fra",
                "til",
                "status",
                "oprettet",
                "observatoer_id",
                "observationsfokus",
                "refleksionens_beslutning",
                "anden_runde_af_id",
            ],
            list(
                s.execute(
                    select(
                        Action.id,
                        Action.cycle_id,
                        Action.team_id,
                        Action.title,
                        Action.what,
                        Action.expectation,
                        Action.how_notice,
                        Action.period_start,
                        Action.period_end,
                        Action.status,
                        Action.created_at,
                        Action.observer_id,
                        Action.observation_focus,
                        Action.reflection_decision,
                        Action.parent_action_id,
                    )
                    .where(Action.id.in_(actions))
                    .order_by(Action.id)
                )
            ),
        ),
        "ansvarlige.csv": (
            ["aktion_id", "bruger_id"],
            list(
                s.execute(
                    select(action_owner.c.action_id, action_owner.c.user_id).where(
                        action_owner.c.action_id.in_(actions)
                    )
                )
            ),
        ),
        "logninger.csv": (
            [
                "id",
                "aktion_id",
                "forfatter_id",
                "dato",
                "tekst",
                "observation",
                "oprettet",
                "slags",
            ],
            list(
                s.execute(
                    select(
                        LogEntry.id,
                        LogEntry.action_id,
                        LogEntry.author_id,
                        LogEntry.happened_on,
                        LogEntry.text,
                        LogEntry.observation,
                        LogEntry.created_at,
                        LogEntry.kind,
                    )
                    .where(LogEntry.action_id.in_(actions))
                    .order_by(LogEntry.id)
                )
            ),
        ),
        "opsamlinger.csv": (
            [
                "id",
                "aktion_id",
                "udfald",
                "laering",
                "registreret_af_id",
                "registreret",
                "forventet_og_set",
            ],
            list(
                s.execute(
                    select(
                        FollowUp.id,
                        FollowUp.action_id,
                        FollowUp.outcome,
                        FollowUp.learning,
                        FollowUp.recorded_by_id,
                        FollowUp.recorded_at,
                        FollowUp.fit,
                    )
                    .where(FollowUp.action_id.in_(actions))
                    .order_by(FollowUp.id)
                )
            ),
        ),
        "undringer.csv": (
            ["id", "modul_id", "team_id", "undring", "det_ser_vi_nu", "registreret"],
            list(
                s.execute(
                    select(
                        TeamQuestion.id,
                        TeamQuestion.cycle_id,
                        TeamQuestion.team_id,
                        TeamQuestion.question,
                        TeamQuestion.baseline,
                        TeamQuestion.recorded_at,
                    )
                    .where(TeamQuestion.cycle_id.in_(cycles))
                    .order_by(TeamQuestion.id)
                )
            ),
        ),
        "refleksioner.csv": (
            [
                "id",
                "modul_id",
                "team_id",
                "dato",
                "deltagere",
                "set",
                "forventet_og_set",
                "det_aendrer_vi",
            ],
            list(
                s.execute(
                    select(
                        Reflection.id,
                        Reflection.cycle_id,
                        Reflection.team_id,
                        Reflection.held_on,
                        Reflection.participants,
                        Reflection.seen,
                        Reflection.fit,
                        Reflection.change,
                    )
                    .where(Reflection.cycle_id.in_(cycles))
                    .order_by(Reflection.id)
                )
            ),
        ),
        "videndelingsbank.csv": (
            [
                "id",
                "titel",
                "kategori",
                "status",
                "beskrivelse",
                "link",
                "fil",
                "afvisningsgrund",
                "foreslaaet_af_id",
                "oprettet",
                "udgivet",
                "brugt",
            ],
            list(
                s.execute(
                    select(
                        Resource.id,
                        Resource.title,
                        Resource.category,
                        Resource.status,
                        Resource.body,
                        Resource.link,
                        Resource.file_name,
                        Resource.rejection_reason,
                        Resource.proposed_by_id,
                        Resource.created_at,
                        Resource.published_at,
                        Resource.use_count,
                    )
                    .where(Resource.source_school_id == sid)
                    .order_by(Resource.id)
                )
            ),
        ),
    }


def export_school(school: School) -> bytes:
    """The school's data as the bytes of a ZIP file of CSVs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in _tables(school).items():
            archive.writestr(name, csv_bytes(header, rows))
    return buffer.getvalue()


def download_response(school: School, actor: Any) -> Response:
    """The school's ZIP as a download; the export is audited (the caller commits)."""
    data = export_school(school)
    record("school_exported", actor=actor, obj=school, school_id=school.id, size=len(data))
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{export_file_name(school)}"'
    return response
