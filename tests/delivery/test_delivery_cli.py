"""``svexcel delivery …`` on the command line: help with examples, the template, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from project import guides_text

from svexcel.cli.delivery import delivery
from svexcel.cli.main import main
from svexcel.core.paths import SAMPLES
from svexcel.delivery.reader import read_delivery
from svexcel.framework.model import Framework


@pytest.mark.parametrize("command", sorted(delivery.commands))
def test_every_delivery_command_has_an_example_and_is_documented(command: str) -> None:
    result = CliRunner().invoke(main, ["delivery", command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and f"svexcel delivery {command}" in result.output
    assert re.search(rf"svexcel delivery {command}\b", guides_text()), f"no guide in docs/ shows 'delivery {command}'"


def test_template_from_the_winning_return(tmp_path: Path, framework: Framework) -> None:
    out = tmp_path / "d.xlsx"
    result = CliRunner().invoke(main, ["delivery", "template", str(SAMPLES / "hillside-community-trust.xlsx"), "--start", "2026-04-01",
                                       "--periods-per-year", "12", "--reference", "HC-2026-077", "--from-period", "SH2.2=13", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out} for Hillside Community Trust, contract HC-2026-077: 24 commitments over 36 periods from 2026-04-01.\n"
    read = read_delivery(out, framework)
    assert (read.contract_reference, read.periods, read.commitments["SH2.2"].starts) == ("HC-2026-077", 36, 13)


@pytest.mark.parametrize(("args", "message"), [
    (["--from-period", "SH2.2"], "--from-period takes MEASURE=PERIOD"),
    (["--from-period", "XX1=2"], "Measure 'XX1'"),
    (["--from-period", "SH2.2=13"], "cannot start in period 13: the contract has periods 1 to 12"),
    (["--years", "2.1"], "not a whole number of periods"),
])
def test_template_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["delivery", "template", str(SAMPLES / "hillside-community-trust.xlsx"), "--start", "2026-04-01", *args, "-o", str(tmp_path / "d.xlsx")])
    assert result.exit_code == 2 and message in result.output and not (tmp_path / "d.xlsx").exists()


def test_template_refuses_a_rejected_winning_return(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    result = CliRunner().invoke(main, ["delivery", "template", str(broken), "--start", "2026-04-01", "-o", str(tmp_path / "d.xlsx")])
    assert result.exit_code == 1 and "not-xlsx" in result.output and not (tmp_path / "d.xlsx").exists()


def test_demo_monitors_delivery_and_prints_each_rating(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines() if line.strip().startswith("HC-2026-0")]
    assert [(words[0], words[-5]) for words in lines] == [("HC-2026-014", "Good"), ("HC-2026-021", "Inadequate"), ("HC-2026-033", "Good")]
    assert sorted(p.name for p in (tmp_path / "demo" / "delivery" / "reports").iterdir()) == ["HC-2026-014.docx", "HC-2026-021.docx", "HC-2026-033.docx"]
    # issue 15: the demo shows a level measure, a KPI not yet due and a verification round (one claim rejected), then draws the next
    contracts = {c["contract_reference"]: c for c in json.loads((tmp_path / "demo" / "delivery" / "delivery.json").read_text())["contracts"]
                 if c["status"] == "scored"}
    summary = load_workbook(tmp_path / "demo" / "delivery" / "delivery-summary.xlsx", read_only=True)["Measures"]
    assert any(row[4] == "level" for row in summary.iter_rows(min_row=2, values_only=True))
    assert any(k["due"] is False and k["rating"] is None for k in contracts["HC-2026-021"]["kpis"])
    assert contracts["HC-2026-033"]["sv_validated"] < contracts["HC-2026-033"]["sv_delivered"]
    assert re.search(r"Drew 10 of \d+ claims from 3 contract\(s\) with seed 2027", result.output)
    drawn = load_workbook(tmp_path / "demo" / "verification.xlsx", read_only=True)
    claims = [r for r in drawn["Verification"].iter_rows(values_only=True) if r[0] and str(r[0]).startswith("C") and str(r[0])[1:].isdigit()]
    assert len(claims) == 10 and all(r[13] is None for r in claims)  # drawn, not yet checked: Status blank
