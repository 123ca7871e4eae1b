"""Shared fixtures: the shipped framework, samples, and fresh returns built in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from libreoffice import current_test

from svexcel.core.paths import DEFAULT_FRAMEWORK, SAMPLE_QUALITY, SAMPLES
from svexcel.framework.model import Framework, load_framework
from svexcel.tender.return_template import write_return_template


@pytest.fixture(scope="session")
def framework() -> Framework:
    """The shipped CCIN framework."""
    return load_framework(DEFAULT_FRAMEWORK)


@pytest.fixture(scope="session")
def blank_return(framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A blank return template written once per session (copy it before editing)."""
    return write_return_template(framework, tmp_path_factory.mktemp("template") / "blank.xlsx")


@pytest.fixture
def samples_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped sample returns."""
    target = tmp_path / "returns"
    shutil.copytree(SAMPLES, target)
    return target


@pytest.fixture(scope="session")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every kind of file svexcel writes, made once by the commands themselves (tests/written.py)."""
    from written import write_all  # loads the cli, which the engine tests run in Pyodide do not install

    return write_all(tmp_path_factory.mktemp("written"))


@pytest.fixture
def sample_quality() -> Path:
    """The officers' sample quality scores."""
    return SAMPLE_QUALITY


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> object:
    """Know which test is running (fixtures included), so one that drives LibreOffice must carry its marker."""
    current_test.append(item)
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> object:
    """The test is over once torn down."""
    try:
        return (yield)
    finally:
        current_test.clear()
