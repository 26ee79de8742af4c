"""`make bench`, PUF's reporting: the snapshot commands and the half-yearly report's timings.

Run by bench/run.py on the national data set after it is seeded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any


def snapshot_commands(flask_cli: Callable[..., str], env: dict[str, str]) -> dict[str, str]:
    """Seconds for the history backfill, today's snapshot, and the same snapshot again."""
    found = {}
    for name, args in (
        ("snapshot_backfill_seconds", ("snapshot", "backfill")),
        ("snapshot_take_seconds", ("snapshot", "take")),
        ("snapshot_take_again_seconds", ("snapshot", "take")),
    ):
        started = time.perf_counter()
        output = flask_cli(env, *args)
        found[name] = f"{time.perf_counter() - started:.1f}"
        found[name.replace("_seconds", "_output")] = output.strip()
    return found


def report_timings(
    app: Any, client: Any, api: Any, engine: Any, measure: Callable[..., Any], repeat: int
) -> dict[str, Any]:
    """The report's page, its Word and PDF downloads, the progress page and the API, for the
    last half-year and all areas (queries, median ms)."""
    from sqlalchemy import func, select

    from learningpack.domain.reports import save_draft
    from learningpack.extensions import db
    from learningpack.models import ProgressSnapshot, User
    from learningpack.reads.snapshots import local_today

    with app.app_context():
        puf = db.session.scalar(select(User).where(User.email == "puf@demo.dk"))
        today = local_today()
        draft = save_draft(
            None,
            period_from=today - timedelta(days=182),
            period_to=today,
            district="",
            name_stalled=False,
            actor=puf,
        )
        db.session.commit()
        draft_id = draft.id
        rows = db.session.scalar(select(func.count()).select_from(ProgressSnapshot))
        db.session.remove()
    few = max(1, repeat // 3)
    return {
        "snapshot_rows": rows,
        "report_page": measure(client, engine, f"/puf/rapporter/{draft_id}", few),
        "report_docx": measure(client, engine, f"/puf/rapporter/{draft_id}/rapport.docx", few),
        "report_pdf": measure(client, engine, f"/puf/rapporter/{draft_id}/rapport.pdf", few),
        "progress_page": measure(client, engine, "/puf/udvikling", few),
        "api_report": measure(api, engine, "/api/v1/report", few),
    }
