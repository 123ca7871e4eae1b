"""Fixtures for the tender tests: a filled return made on demand."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_return

from svexcel.framework.model import Framework


@pytest.fixture
def build(blank_return: Path, framework: Framework, tmp_path: Path):
    """Make a filled return in tmp_path: build(name, quantities=..., edit=...)."""
    def _build(name: str = "acme.xlsx", **kwargs) -> Path:
        return make_return(blank_return, tmp_path / name, framework, **kwargs)
    return _build
