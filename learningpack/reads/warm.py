"""The totals across all schools, read when a gunicorn worker starts (``post_worker_init`` in
deploy/gunicorn.conf.py), before it takes a request.

A worker keeps those totals (reads/totals_cache) and reads them whole only once, at its first
use: 127–220 ms at 10,000 schools, paid by the first PUF request after every start, and workers
restart every few thousand requests (``max_requests``). Read here, the cost moves off the
requests: the district list, the overview's totals without filters, and the API's count and
summary without filters. Other filter combinations are still read at their first use.
"""

from __future__ import annotations

import time

from flask import Flask

from learningpack.content import default_package
from learningpack.extensions import db
from learningpack.reads.overview import Filters
from learningpack.reads.overview_query import build_overview
from learningpack.reads.progress import progress_page, summary


def warm_totals() -> None:
    """Read the unfiltered totals into this app's keep (in an app context)."""
    build_overview(default_package(), Filters())  # with the district list
    progress_page(None, None, None, 1, 1)
    summary(None)


def warm_worker(app: Flask) -> None:
    """``warm_totals`` for a starting worker: logged, and never in the way of the start (a
    database that does not answer yet is read at the first request instead)."""
    started = time.perf_counter()
    with app.app_context():
        try:
            warm_totals()
        except Exception:  # the worker starts all the same
            app.logger.warning("The totals were not read at start", exc_info=True)
            return
        finally:
            db.session.remove()
        seconds = time.perf_counter() - started
        app.logger.info("Totals across all schools read at start in %.0f ms", seconds * 1000)
