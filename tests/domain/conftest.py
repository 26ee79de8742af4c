"""Fixtures of the domain tests."""

from __future__ import annotations

import pytest

from learningpack.content import Package
from tests.world import (
    World,
    make_world,
)


@pytest.fixture
def world(package: Package) -> World:
    """A school with a leader, a teacher in a team, PUF, and a run just started."""
    return make_world(package)
