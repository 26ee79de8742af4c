"""The layout's rules, checked on the source (no app, no database).

DESIGN §7: no area package imports another; ``domain/`` never reads the request; every module
under the line budget; test modules share helpers only through conftest/factories/helpers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "learningpack"
AREAS = ("admin", "api", "auth", "bank", "main", "puf", "school", "teacher")
LINE_BUDGET = 400
# What the request-free domain must not reach for, as (module, name) pairs.
REQUEST_STATE = {
    ("flask", "request"),
    ("flask", "session"),
    ("flask", "g"),
    ("flask_login", "current_user"),
}


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if ".venv" not in p.parts)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path) -> Iterator[tuple[int, str, str | None]]:
    """Every import in the file, also inside functions: (line, module, imported name or None).

    Relative imports are resolved against the file's package.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, module] if module else base)
            for alias in node.names:
                yield node.lineno, module, alias.name


def area_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "learningpack" and parts[1] in AREAS:
        return parts[1]
    return None


def report(offenders: list[str] | dict[str, None], heading: str) -> None:
    """Fail with one line per offender (no long assertion rewrite)."""
    if offenders:
        pytest.fail(heading + "\n" + "\n".join(offenders), pytrace=False)


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_no_area_package_imports_another() -> None:
    offenders = []
    for path in python_files(PACKAGE):
        own = area_of(module_name(path))
        if own is None:
            continue
        for line, module, name in imported_names(path):
            # ``from learningpack import puf`` names the area as the imported name.
            target = area_of(f"{module}.{name}" if module == "learningpack" and name else module)
            if target is not None and target != own:
                offenders.append(f"{where(path, line)}: {own} imports {target}")
    report(offenders, "Area packages import each other (share through domain/, reads/, web/):")


def test_domain_never_reads_the_request() -> None:
    offenders = []
    for path in python_files(PACKAGE / "domain"):
        for line, module, name in imported_names(path):
            if (module, name) in REQUEST_STATE:
                offenders.append(f"{where(path, line)}: from {module} import {name}")
            elif name is None and module in {"flask", "flask_login"}:
                offenders.append(f"{where(path, line)}: import {module} (reaches request state)")
    report(offenders, "domain/ reads request state (take what it needs as arguments):")


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_over_the_line_budget() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {line_count(path)} lines"
        for folder in (PACKAGE, ROOT / "bench")
        for path in python_files(folder)
        if line_count(path) > LINE_BUDGET
    ]
    report(offenders, f"Modules over {LINE_BUDGET} lines (split them):")


def test_test_modules_share_only_through_helper_modules() -> None:
    tests = ROOT / "tests"
    test_modules = {module_name(p) for p in python_files(tests) if p.name.startswith("test_")}
    offenders: dict[str, None] = {}  # ordered, one entry per import statement and module
    for path in python_files(tests):
        for line, module, name in imported_names(path):
            targets = {module, f"{module}.{name}"} if name else {module}
            for target in sorted(targets & test_modules):
                offenders[f"{where(path, line)}: imports {target}"] = None
    report(
        offenders,
        "Test modules import from other test modules (move the helper to conftest.py, "
        "factories.py or a helpers module):",
    )
