"""A starting worker reads the unfiltered totals (reads/warm.py), so the first requests do not;
a database that does not answer does not stop the start."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from learningpack import create_app
from learningpack.extensions import db
from learningpack.reads.overview import Filters
from learningpack.reads.overview_query import build_overview
from learningpack.reads.progress import progress_page, summary
from learningpack.reads.warm import warm_worker
from tests.helpers import count_queries, forget_totals
from tests.world import make_world

pytestmark = pytest.mark.both_backends


def test_after_the_warm_up_the_first_requests_read_no_totals(app: Flask, package: Any) -> None:
    make_world(package)
    db.session.commit()
    forget_totals()
    warm_worker(app)
    with count_queries() as seen:
        overview = build_overview(package, Filters())
        page = progress_page(None, None, None, 1, 10)
        summary(None)
    assert overview.total == 2 and page.total == len(package.modules)
    assert not [s for s in seen if "GROUP BY" in s], seen


def test_a_database_that_does_not_answer_does_not_stop_the_start(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    broken = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/db.sqlite", "TESTING": True}
    )
    warm_worker(broken)  # no exception
    assert "The totals were not read at start" in caplog.text
