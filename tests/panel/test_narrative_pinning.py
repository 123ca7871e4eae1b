"""Marks belong to what was read (SPEC §7 v3): evaluator and moderation workbooks keep the SHA-256 of each response as
scored, and every surface that takes marks refuses a return whose response has changed since (``narrative-changed``,
naming the return and theme): ``batch`` (with or without assessment summaries), ``build``, the live workbook's
``make_reports``, and ``moderate`` for an evaluator who scored another text. Tried as a bidder would: the return
replaced after moderation by one whose every response reads "We will do our best"."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from builders import quality_of
from commands import svexcel
from excel_book import Book
from openpyxl import load_workbook
from panel_builders import GOOD, agreed_panel, fill_scores

from svexcel.core.paths import SAMPLE_OTHER_CRITERIA, SAMPLES
from svexcel.framework.model import Framework
from svexcel.panel.evaluator import read_evaluator_workbook
from svexcel.panel.make_panel import make_panel
from svexcel.panel.moderate import gather
from svexcel.tender.live.macros import Host, make_reports
from svexcel.tender.live.workbook import build_from_folder
from svexcel.tender.pins import RESPONSES, response_digest
from svexcel.tender.return_layout import NARRATIVE
from svexcel.tender.return_reader import read_return

HILLSIDE = "hillside-community-trust.xlsx"
EMPTY_PROMISE = "We will do our best"
CHANGED = re.compile(r"(\S+): The (\w+) response of (\S+) is not the one the panel scored.*\[narrative-changed\]")
THEMES = ("CC", "EQ", "PA", "SH", "WB")


def replace_narrative(path: Path, text: str = EMPTY_PROMISE) -> None:
    """What the bidder's replacement file says for every theme."""
    wb = load_workbook(path)
    ws = wb[NARRATIVE]
    for row in ws.iter_rows():
        if row[0].value in THEMES:
            row[2].value = text
    wb.save(path)


@pytest.fixture
def moderated(tmp_path: Path, framework: Framework, samples_dir: Path) -> Path:
    """A moderation workbook whose consensus the panel agreed for the sample returns in ``samples_dir``."""
    return agreed_panel(tmp_path, framework, samples_dir)


def changed_in(output: str) -> list[tuple[str, str, str]]:
    """(quality file, theme, return) of every narrative-changed finding printed."""
    return sorted(m.groups() for m in CHANGED.finditer(output))  # type: ignore[misc]


def test_the_digests_are_kept_hidden_and_fingerprinted(tmp_path: Path, framework: Framework, samples_dir: Path, moderated: Path) -> None:
    wb = load_workbook(tmp_path / "panel" / "A.xlsx")
    assert wb[RESPONSES].sheet_state == "hidden" and wb[RESPONSES].protection.sheet
    digests = {(r[0], r[1]): r[2] for r in wb[RESPONSES].iter_rows(min_row=2, values_only=True)}
    hillside = read_return(samples_dir / HILLSIDE, framework)
    assert digests[(HILLSIDE, "EQ")] == response_digest(hillside.narrative["EQ"]) and len(digests) == 6 * len(framework.themes)
    mod = load_workbook(moderated)[RESPONSES]
    assert mod.sheet_state == "hidden" and {(r[0], r[1]): r[2] for r in mod.iter_rows(min_row=2, values_only=True)} == digests
    wb[RESPONSES]["C2"] = response_digest(EMPTY_PROMISE)  # someone rewrites a digest to match a new text
    wb.save(tmp_path / "panel" / "A.xlsx")
    assert [f.type for f in read_evaluator_workbook(tmp_path / "panel" / "A.xlsx", framework).findings] == ["evaluator-file-edited"]


def test_batch_refuses_marks_for_a_replaced_return(tmp_path: Path, samples_dir: Path, moderated: Path) -> None:
    replace_narrative(samples_dir / HILLSIDE)
    run = svexcel(["batch", str(samples_dir), "--quality", str(moderated), "--out", str(tmp_path / "out")], tmp_path)
    assert run.returncode == 2 and not (tmp_path / "out").exists(), run.stderr
    assert changed_in(run.stderr) == [("moderation.xlsx", t, HILLSIDE) for t in THEMES]
    assert "were given for responses that have changed since" in run.stderr
    summaries = svexcel(["batch", str(samples_dir), "--quality", str(moderated), "--out", str(tmp_path / "out"),
                         "--assessment-summaries", "--other-criteria", str(SAMPLE_OTHER_CRITERIA)], tmp_path)
    assert summaries.returncode == 2 and not (tmp_path / "out").exists() and len(changed_in(summaries.stderr)) == 5


def test_one_changed_response_names_its_theme_and_the_rest_still_match(tmp_path: Path, samples_dir: Path, moderated: Path) -> None:
    wb = load_workbook(samples_dir / HILLSIDE)
    row = next(r for r in wb[NARRATIVE].iter_rows(min_row=2) if r[0].value == "CC")
    row[2].value = f"{row[2].value} We will also do our best."
    wb.save(samples_dir / HILLSIDE)
    run = svexcel(["batch", str(samples_dir), "--quality", str(moderated), "--out", str(tmp_path / "out")], tmp_path)
    assert run.returncode == 2 and changed_in(run.stderr) == [("moderation.xlsx", "CC", HILLSIDE)]
    shutil.copy(SAMPLES / HILLSIDE, samples_dir / HILLSIDE)  # the return the panel read, restored
    run = svexcel(["batch", str(samples_dir), "--quality", str(moderated), "--out", str(tmp_path / "out")], tmp_path)
    assert run.returncode == 0, run.stderr


def test_a_rejected_return_takes_no_mark_so_nothing_is_compared(tmp_path: Path, samples_dir: Path, moderated: Path) -> None:
    (samples_dir / HILLSIDE).write_bytes(b"PK\x03\x04 cut short")
    run = svexcel(["batch", str(samples_dir), "--quality", str(moderated), "--out", str(tmp_path / "out")], tmp_path)
    assert run.returncode == 1 and "narrative-changed" not in run.stderr and f"Rejected {HILLSIDE}" in run.stderr


def test_build_refuses_and_the_live_workbook_keeps_the_digests(tmp_path: Path, samples_dir: Path, moderated: Path) -> None:
    live = tmp_path / "live.xlsm"
    built = svexcel(["build", "--returns", str(samples_dir), "-q", str(moderated), "-o", str(live)], tmp_path)
    assert built.returncode == 0, built.stderr
    kept = {(r[0], r[1]) for r in load_workbook(live, keep_vba=True)[RESPONSES].iter_rows(min_row=2, values_only=True)}
    assert len(kept) == 6 * 5 and (HILLSIDE, "EQ") in kept
    replace_narrative(samples_dir / HILLSIDE)
    again = svexcel(["build", "--returns", str(samples_dir), "-q", str(moderated), "-o", str(tmp_path / "again.xlsm")], tmp_path)
    assert again.returncode == 2 and not (tmp_path / "again.xlsm").exists() and len(changed_in(again.stderr)) == 5
    kept_marks = svexcel(["build", "--returns", str(samples_dir), "-q", str(live), "-o", str(live), "--force"], tmp_path)
    assert kept_marks.returncode == 2 and changed_in(kept_marks.stderr)[0][0] == "live.xlsm"  # its own digests, carried
    from_live = svexcel(["batch", str(samples_dir), "--quality", str(live), "--out", str(tmp_path / "out")], tmp_path)
    assert from_live.returncode == 2 and len(changed_in(from_live.stderr)) == 5


@pytest.mark.parametrize("edition", ["classic", "lite"])
def test_make_reports_refuses_a_replaced_return(tmp_path: Path, framework: Framework, samples_dir: Path, moderated: Path,
                                                edition: str) -> None:
    live = build_from_folder(None, tmp_path / ("live.xlsm" if edition == "classic" else "live.xlsx"), samples_dir,
                             quality_of(moderated), edition=edition).path
    book = Book(live)
    book.names["ReturnsFolder"].refers_to_range.value = str(samples_dir)  # as an officer types it on Tools (Lite: its file area)
    shown: list[str] = []
    host = Host(live, lambda sheet, grid: None, lambda _, message: shown.append(message))
    replace_narrative(samples_dir / HILLSIDE, "Evidence available on request.")
    assert make_reports(book, host) is None and not (tmp_path / "reports").exists()
    assert shown[-1] == ("No reports written: 5 mark(s) on Quality were given for responses that have changed in the returns folder "
                         f"since: {HILLSIDE} (CC, EQ, PA, SH, WB). Have the panel score them as they are now, or restore the "
                         "returns the panel read.")


def test_moderate_leaves_out_a_mark_given_to_another_text(tmp_path: Path, framework: Framework, samples_dir: Path) -> None:
    make_panel(samples_dir, framework, ["A", "B"], tmp_path / "panel")
    replace_narrative(samples_dir / HILLSIDE)  # the return replaced between two panel runs: C's workbook has the new text
    make_panel(samples_dir, framework, ["C"], tmp_path / "late")
    shutil.move(tmp_path / "late" / "C.xlsx", tmp_path / "panel" / "C.xlsx")
    for name in "ABC":
        fill_scores(tmp_path / "panel" / f"{name}.xlsx", {}, default=(50, GOOD))
    reads = [read_evaluator_workbook(p, framework) for p in sorted((tmp_path / "panel").glob("*.xlsx"))]
    moderation = gather(reads, framework)
    assert sorted({(f.file, f.type) for f in moderation.findings}) == [("C.xlsx", "narrative-changed")]
    assert len([f for f in moderation.findings if f.type == "narrative-changed"]) == 5
    rows = [r for r in moderation.rows if r.file == HILLSIDE]
    assert all(r.scores["C"] is None and r.scores["A"] == 50 for r in rows)
    assert all(r.scores["C"] == 50 for r in moderation.rows if r.file != HILLSIDE)
