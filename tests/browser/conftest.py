"""Browser tests: a live server with the demo data, Playwright on Debian's Chromium, axe-core."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import (
    AXE_SOURCE,
    COLLECTED,
    LiveServer,
    demo_server,
    html_errors,
    validator_missing,
)

REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if not AXE_SOURCE.exists():
        return "axe-core not installed (npm ci)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _browser_missing()
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if reason and not REQUIRE_BROWSER:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    reason = _browser_missing()
    if reason:
        if REQUIRE_BROWSER:
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen"}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app (migrations, CSRF on) with the demo municipality, served on a free port.

    One per test module, on a freshly seeded database: what one module's journey changes (a run
    started, an account invited) cannot make another module pass or fail.
    """
    with demo_server(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="session", autouse=True)
def valid_html(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every page the browser tests check for accessibility is also valid HTML: saved as the
    tests go, validated with the Nu validator once at the end (per test worker)."""
    COLLECTED.folder = tmp_path_factory.mktemp("pages")
    yield
    if not COLLECTED.pages:
        return
    reason = validator_missing()
    if reason:
        if REQUIRE_BROWSER:
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        return  # the pages were checked with axe; the HTML check needs Java
    errors = html_errors(COLLECTED.pages)
    assert not errors, "The Nu HTML validator found errors:\n" + "\n".join(errors)
