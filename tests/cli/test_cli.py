"""The command line: help with examples, exit codes, JSON output, and docs that match."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from builders import make_return
from click.testing import CliRunner
from project import guides_text

from svexcel import __version__
from svexcel.cli.main import main
from svexcel.core.paths import DEFAULT_FRAMEWORK
from svexcel.framework.model import Framework


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def test_version(cli: CliRunner) -> None:
    result = cli.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_with_an_example_and_is_documented(cli: CliRunner, command: str) -> None:
    result = cli.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and f"svexcel {command}" in result.output
    assert re.search(rf"svexcel {command}\b", guides_text()), f"no guide in docs/ shows '{command}'"


def test_template_writes_a_return_that_validates(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "return.xlsx"
    result = cli.invoke(main, ["template", "-o", str(out)])
    assert result.exit_code == 0 and out.exists() and "24 measures" in result.output
    check = cli.invoke(main, ["validate", str(out)])
    assert check.exit_code == 0 and "OK" in check.output and "(0 errors, 29 warnings" in check.output
    assert "… and 21 more [unanswered] at Commitments!F" in check.output  # long runs are shortened


def test_validate_exit_codes_and_messages(cli: CliRunner, tmp_path: Path, blank_return: Path, framework: Framework) -> None:
    good = make_return(blank_return, tmp_path / "good.xlsx", framework)
    bad = make_return(blank_return, tmp_path / "bad.xlsx", framework, quantities={"EQ1.1": "5k"})
    assert cli.invoke(main, ["validate", str(good)]).exit_code == 0
    result = cli.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "REJECTED" in result.output and "bad.xlsx!Commitments!F6" in result.output and "'5k'" in result.output
    assert cli.invoke(main, ["validate", str(tmp_path / "missing.xlsx")]).exit_code == 2


def test_validate_json(cli: CliRunner, tmp_path: Path, blank_return: Path, framework: Framework) -> None:
    bad = make_return(blank_return, tmp_path / "bad.xlsx", framework, quantities={"EQ1.1": -3})
    result = cli.invoke(main, ["validate", str(bad), "--json"])
    documents = json.loads(result.output)
    assert isinstance(documents, list) and len(documents) == 1  # a list, also for one file
    document = documents[0]
    assert result.exit_code == 1 and document["status"] == "rejected"
    assert document["findings"][0] | {"message": ""} == {
        "type": "negative-quantity", "severity": "error", "message": "", "file": "bad.xlsx", "sheet": "Commitments", "cell": "F6"}


def test_broken_framework_is_a_usage_error(cli: CliRunner, tmp_path: Path, blank_return: Path) -> None:
    from openpyxl import load_workbook

    framework = tmp_path / "framework.xlsx"
    shutil.copy(DEFAULT_FRAMEWORK, framework)
    wb = load_workbook(framework)
    wb["Measures"]["E2"] = "monetized"
    wb.save(framework)
    result = cli.invoke(main, ["validate", str(blank_return), "--framework", str(framework)])
    assert result.exit_code == 2
    assert "framework.xlsx!Measures!E2" in result.output and "unknown-kind" in result.output


def test_batch_on_an_empty_folder_is_a_usage_error(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    result = cli.invoke(main, ["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "No files found" in result.output
