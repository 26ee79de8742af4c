"""Build step pyproject.toml cannot say: compile the message catalogues into the wheel.

The .mo files are build output (``make translations`` for a checkout); a wheel built from a clean
checkout gets them here, from the .po files it ships.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    """build_py, then each translations/<lang>/LC_MESSAGES/messages.po → messages.mo."""

    def run(self) -> None:
        super().run()
        for po_path in Path(self.build_lib, "learningpack", "translations").glob(
            "*/LC_MESSAGES/*.po"
        ):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog)


setup(cmdclass={"build_py": BuildWithCatalogues})
