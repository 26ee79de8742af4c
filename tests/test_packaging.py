"""A wheel carries everything the installed app reads (issue 9: ``pip install .`` must serve).

Built from a copy of the sources without compiled catalogues, so the build compiles them. The
install-and-serve check (a new venv, ``/login`` from outside the checkout) is ``make
install-check``, run by CI: with the dependencies it takes longer than this suite should.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (
    "pyproject.toml",
    "setup.py",
    "README.md",
    "learningpack",
    "templates",
    "migrations",
    "content",
)


def build_command(out: Path) -> list[str]:
    uv = shutil.which("uv")
    if uv is not None:
        return [uv, "build", "--wheel", "--quiet", "--out-dir", str(out)]
    return [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--quiet",
        "--wheel-dir",
        str(out),
        ".",
    ]


def source_files(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(ROOT))
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc", ".mo"}
    )


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(
                path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
            )
        else:
            shutil.copy2(path, source / name)
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        build_command(out), cwd=source, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = out.glob("learningpack-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_carries_every_module_and_data_file(wheel_files: set[str]) -> None:
    expected = {
        name
        for name in source_files(ROOT / "learningpack")
        if not name.startswith("learningpack/translations/") or name.endswith(".po")
    }
    expected |= {f"learningpack/{name}" for name in source_files(ROOT / "templates")}
    expected |= {f"learningpack/{name}" for name in source_files(ROOT / "migrations")}
    expected |= {
        "learningpack/content/data/" + name.removeprefix("content/")
        for name in source_files(ROOT / "content")
    }
    missing = sorted(expected - wheel_files)
    assert not missing, "Not in the wheel:\n" + "\n".join(missing)


def test_the_build_compiles_the_catalogues(wheel_files: set[str]) -> None:
    languages = [p.name for p in (ROOT / "learningpack" / "translations").iterdir() if p.is_dir()]
    assert languages
    for language in languages:
        assert f"learningpack/translations/{language}/LC_MESSAGES/messages.mo" in wheel_files


def test_the_wheel_carries_no_tests_or_checkout_files(wheel_files: set[str]) -> None:
    strays = sorted(
        name
        for name in wheel_files
        if not name.startswith(("learningpack/", "learningpack-")) or "__pycache__" in name
    )
    assert not strays, strays
