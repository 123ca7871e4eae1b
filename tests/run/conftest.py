"""Fixtures for SPEC §8's shared behaviours: each command that reads a folder, run as a real subprocess."""

from __future__ import annotations

import pytest
from commands import COMMANDS, Command


@pytest.fixture(params=COMMANDS, ids=str)
def command(request: pytest.FixtureRequest) -> Command:
    """Each command that reads a folder."""
    return request.param  # type: ignore[no-any-return]
