"""Validated delivery (SPEC §6 v3): ``svexcel delivery verify`` draws a reproducible £-weighted sample of claims into a
protected workbook; officers record Verified, Not verified or Rejected; ``delivery batch --verification`` reports claimed
and validated figures side by side, and under rating_basis = validated rates from the validated ones. Every bad
verification workbook is refused, naming the cell, and nothing is written."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner, Result
from delivery_builders import docx_text, fill_delivery, measure_row, notices
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from svexcel.cli.main import main
from svexcel.core.paths import DEFAULT_FRAMEWORK, DELIVERY_SAMPLES
from svexcel.delivery.claims import Claim, draw
from svexcel.delivery.layout import DELIVERY
from svexcel.delivery.verification import COLUMNS, HEADER_ROW, SHEET
from svexcel.tender.return_layout import META

STATUS, NOTE = COLUMNS.index("Status") + 1, COLUMNS.index("Note") + 1
ALWAYS_ABOVE = 7000.0


def invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The delivery samples, a framework rating from validated figures (every claim over £7,000 always checked), and
    the verification workbook drawn from them with seed 42."""
    root = tmp_path_factory.mktemp("verification")
    shutil.copytree(DELIVERY_SAMPLES, root / "in")
    wb = load_workbook(DEFAULT_FRAMEWORK)
    for key, value in (("rating_basis", "validated"), ("verify_all_above", ALWAYS_ABOVE)):
        wb["Settings"].append([key, value])
    wb.save(root / "framework.xlsx")
    done = invoke("delivery", "verify", root / "in", "--sample", 8, "--seed", 42, "-f", root / "framework.xlsx", "-o", root / "v.xlsx")
    assert done.exit_code == 0, done.output
    assert "with seed 42" in done.output and "Wrote" in done.output
    return {"in": root / "in", "framework": root / "framework.xlsx", "verification": root / "v.xlsx", "root": root}


def claims(path: Path) -> list[dict[str, object]]:
    """The Verification sheet's rows under its header, as dicts."""
    rows = list(load_workbook(path, data_only=True)[SHEET].iter_rows(min_row=HEADER_ROW, values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if r[0]]


def edited(source: Path, target: Path, edit: Callable[[Workbook], None]) -> Path:
    """A copy of the verification workbook with ``edit`` applied, as an officer saves it."""
    wb = load_workbook(source)
    edit(wb)
    wb.save(target)
    return target


def set_status(statuses: dict[int, str]) -> Callable[[Workbook], None]:
    """Type a Status (and a note) on the given data rows (0 = first claim)."""
    def edit(wb: Workbook) -> None:
        for index, status in statuses.items():
            wb[SHEET].cell(HEADER_ROW + 1 + index, STATUS, status)
            wb[SHEET].cell(HEADER_ROW + 1 + index, NOTE, f"Checked: {status.lower()}.")
    return edit


# ------------------------------------------------------------------ the sample

def test_the_sample_is_reproducible_weighted_and_takes_every_claim_above_the_threshold(setup: dict[str, Path]) -> None:
    drawn = claims(setup["verification"])
    assert len(drawn) >= 8 and [c["Claim"] for c in drawn] == [f"C{n}" for n in range(1, len(drawn) + 1)]
    assert all(c["Status"] is None and c["£ claimed"] > 0 for c in drawn)
    above = [c for c in drawn if c["£ claimed"] > ALWAYS_ABOVE]
    assert above and all(c["Why sampled"].startswith("Above verify_all_above") for c in above)
    assert {c["Why sampled"] for c in drawn if c["£ claimed"] <= ALWAYS_ABOVE} == {"Drawn at random, chances in proportion to £"}
    again = invoke("delivery", "verify", setup["in"], "--sample", 8, "--seed", 42, "-f", setup["framework"], "-o", setup["root"] / "again.xlsx")
    assert again.exit_code == 0 and claims(setup["root"] / "again.xlsx") == drawn  # the seed in the workbook redraws it
    other = invoke("delivery", "verify", setup["in"], "--sample", 8, "--seed", 7, "-f", setup["framework"], "-o", setup["root"] / "other.xlsx")
    assert other.exit_code == 0 and claims(setup["root"] / "other.xlsx") != drawn
    meta = load_workbook(setup["verification"])[META]
    assert {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 9)}["seed"] == 42 and meta.sheet_state == "hidden"
    ws = load_workbook(setup["verification"])[SHEET]
    first = HEADER_ROW + 1
    assert ws.protection.sheet and ws.cell(first, 1).protection.locked
    assert not ws.cell(first, STATUS).protection.locked and not ws.cell(first, NOTE).protection.locked
    assert any(dv.type == "list" and dv.formula1 == '"Verified,Not verified,Rejected"' for dv in ws.data_validations.dataValidation)
    evidence = [c["Evidence named"] for c in drawn]
    assert all(e and e != "(none named)" for e in evidence)  # the samples name their evidence


def test_draws_favour_larger_claims_and_never_repeat_one() -> None:
    def claim(n: int, value: float) -> Claim:
        return Claim(("c", "w", "s"), "f.xlsx", "s", "c", "w", f"M{n}", 1, value, value, "")
    pool = [claim(1, 1.0), claim(2, 99.0), *(claim(n, 10.0) for n in range(3, 8))]
    picked = [draw(pool, 1, seed, 1e9)[0].claim.measure for seed in range(2000)]
    shares = {m: picked.count(m) / len(picked) for m in ("M1", "M2", "M3")}
    assert shares["M2"] == pytest.approx(99 / 150, abs=0.04) and shares["M3"] == pytest.approx(10 / 150, abs=0.02)  # chances follow £
    assert shares["M1"] < 0.02
    for seed in random.Random(1).sample(range(10**6), 50):
        sample = draw(pool, 4, seed, 1e9)
        assert len(sample) == 4 and len({s.claim.measure for s in sample}) == 4 and sample == draw(pool, 4, seed, 1e9)
    assert [s.claim.measure for s in draw(pool, 1, 3, 50.0)] == ["M2"]  # above the threshold: in, whatever the size
    assert len(draw(pool, 0, 3, 5.0)) == 6  # every claim above £5 is in, even past the sample size


# ------------------------------------------------------------------ a round trip

def test_a_verification_round_trip_validates_and_under_validated_basis_rates(setup: dict[str, Path]) -> None:
    drawn = claims(setup["verification"])
    openfields = max((i for i, c in enumerate(drawn) if c["Contract reference"] == "HC-2026-033"), key=lambda i: drawn[i]["£ claimed"])
    verified = next(i for i, c in enumerate(drawn) if i != openfields)
    statuses = {openfields: "Rejected", verified: "verified", next(i for i in range(len(drawn)) if i not in (openfields, verified)): "Not verified"}
    done_path = edited(setup["verification"], setup["root"] / "done.xlsx", set_status(statuses))
    out = setup["root"] / "out"
    result = invoke("delivery", "batch", setup["in"], "-f", setup["framework"], "--out", out, "--verification", done_path)
    assert result.exit_code == 0, result.output
    plain = invoke("delivery", "batch", setup["in"], "--out", setup["root"] / "plain")  # the shipped framework: claimed basis, no round
    assert plain.exit_code == 0, plain.output
    records = {c["contract_reference"]: c for c in json.loads((out / "delivery.json").read_text())["contracts"] if c["status"] == "scored"}
    before = {c["contract_reference"]: c for c in json.loads((setup["root"] / "plain" / "delivery.json").read_text())["contracts"]
              if c["status"] == "scored"}
    claimed = {n["contract_reference"]: float(n["benefit_delivered"]) for n in notices(setup["root"] / "plain")}
    rejected = drawn[openfields]["£ claimed"]
    of, was = records["HC-2026-033"], before["HC-2026-033"]
    # the claimed figures are as without the round; validated = claimed less the rejected claim
    assert (of["sv_delivered"], of["share_value"]) == (was["sv_delivered"], was["share_value"])
    assert of["sv_validated"] == pytest.approx(of["sv_delivered"] - rejected)
    assert 0 < was["share_value"] < 1  # so benefit expected = benefit delivered ÷ share
    benefit_expected = claimed["HC-2026-033"] / was["share_value"]
    validated_share = min((claimed["HC-2026-033"] - rejected) / benefit_expected, 1.0)
    assert of["share_value_validated"] == pytest.approx(validated_share)
    bands = ((0.95, "Good"), (0.90, "Approaching target"), (0.85, "Requires improvement"))
    assert of["rating_basis"] == "validated" and was["rating"] == "Good"
    assert of["rating"] == next((name for band, name in bands if validated_share >= band), "Inadequate") != "Good"  # the rejected claim lowers it
    reference = str(drawn[verified]["Contract reference"])
    assert records[reference]["verified_share"] == pytest.approx(drawn[verified]["£ claimed"] / claimed[reference])
    untouched = [r for r in records if r not in {drawn[i]["Contract reference"] for i in statuses}]
    assert all(records[r]["sv_validated"] == records[r]["sv_delivered"] and records[r]["verified_share"] == 0.0 for r in untouched)
    notice = next(n for n in notices(out) if n["contract_reference"] == "HC-2026-033")
    assert notice["rating"] == of["rating"] and notice["rating_basis"] == "validated"
    assert float(notice["benefit_validated"]) == pytest.approx(float(notice["benefit_delivered"]) - rejected)
    report = docx_text(out / "reports" / "HC-2026-033.docx")
    assert "Checked: rejected." in report and "Rejected" in report
    assert "The rating uses the validated figures (Settings: rating_basis = validated)." in report
    assert "Benefit validated (claimed less claims rejected on verification)" in report
    summary = load_workbook(out / "delivery-summary.xlsx", read_only=True)["Contracts"]
    header = [c.value for c in next(summary.iter_rows(max_row=1))]
    assert "Benefit validated (claimed less claims rejected on verification) (£)" in header and "Share of claimed benefit verified" in header
    portfolio = docx_text(out / "portfolio.docx")
    assert "validated" in portfolio.lower()


def test_a_claim_changed_since_it_was_sampled_is_restated_and_its_status_dropped(setup: dict[str, Path], tmp_path: Path) -> None:
    drawn = claims(setup["verification"])
    first = drawn[0]
    shutil.copytree(setup["in"], tmp_path / "in")
    target = tmp_path / "in" / str(first["File"])
    fill_delivery(target, target, load_workbook(target, read_only=True)["Cover"]["B10"].value,
                  {str(first["Measure ID"]): [None] * (int(first["Period"]) - 1) + [float(first["Claimed"]) / 2]})
    done = edited(setup["verification"], tmp_path / "done.xlsx", set_status({0: "Rejected"}))
    result = invoke("delivery", "batch", tmp_path / "in", "-f", setup["framework"], "--out", tmp_path / "out", "--verification", done)
    assert result.exit_code == 0, result.output
    record = next(c for c in json.loads((tmp_path / "out" / "delivery.json").read_text())["contracts"] if c["file"] == first["File"])
    restated = [f for f in record["findings"] if f["type"] == "claim-restated"]
    row = measure_row(load_workbook(target), str(first["Measure ID"]))
    assert len(restated) == 1 and restated[0]["sheet"] == DELIVERY and restated[0]["cell"].endswith(str(row)) and "Rejected" in restated[0]["message"]
    assert record["sv_validated"] == record["sv_delivered"]  # the rejection was of a figure no longer claimed


# ------------------------------------------------------------------ bad verification workbooks

def _meta_row(wb: Workbook, key: str) -> int:
    return next(r for r in range(1, 20) if wb[META].cell(r, 1).value == key)


BAD: dict[str, tuple[Callable[[Workbook], None], str, str, str]] = {
    "status not on the list": (set_status({1: "OK"}), "bad-status", SHEET, f"N{HEADER_ROW + 2}"),
    "edited claimed figure": (lambda wb: wb[SHEET].cell(HEADER_ROW + 1, COLUMNS.index("Claimed") + 1, 1.0), "verification-edited", SHEET,
                              f"J{HEADER_ROW + 1}"),
    "edited contract reference": (lambda wb: wb[SHEET].cell(HEADER_ROW + 2, 4, "HC-2026-999"), "verification-edited", SHEET, f"D{HEADER_ROW + 2}"),
    "edited hidden seed": (lambda wb: wb[META].cell(_meta_row(wb, "seed"), 2, 43), "verification-edited", META, "B8"),
    "row added": (lambda wb: wb[SHEET].cell(HEADER_ROW + 30, 1, "C99"), "verification-edited", SHEET, f"A{HEADER_ROW + 30}"),
    "row deleted": (lambda wb: wb[SHEET].delete_rows(HEADER_ROW + 1), "verification-edited", SHEET, f"A{HEADER_ROW}"),
    "other framework version": (lambda wb: wb[META].cell(_meta_row(wb, "framework_version"), 2, "2025.9"), "wrong-framework-version", META, "B3"),
    "not a verification workbook": (lambda wb: wb[META].cell(1, 2, "delivery"), "not-a-verification-workbook", META, "B1"),
}


@pytest.mark.parametrize("case", BAD)
def test_each_bad_verification_workbook_is_refused_naming_the_cell(case: str, setup: dict[str, Path], tmp_path: Path) -> None:
    edit, kind, sheet, cell = BAD[case]
    bad = edited(setup["verification"], tmp_path / "bad.xlsx", edit)
    result = invoke("delivery", "batch", setup["in"], "--out", tmp_path / "out", "--verification", bad, "-f", setup["framework"])
    assert result.exit_code == 2, result.output
    assert f"bad.xlsx!{sheet}!{cell}" in result.output and f"[{kind}]" in result.output, result.output
    assert "Nothing was written" in result.output and not (tmp_path / "out").exists()


def test_a_verification_workbook_for_other_files_is_refused(setup: dict[str, Path], tmp_path: Path) -> None:
    shutil.copytree(setup["in"], tmp_path / "in")
    drawn = claims(setup["verification"])
    gone = {str(c["File"]) for c in drawn if c["Contract reference"] == "HC-2026-021"}
    for name in gone:
        (tmp_path / "in" / name).unlink()
    result = invoke("delivery", "batch", tmp_path / "in", "--out", tmp_path / "out", "--verification", setup["verification"])
    first = next(i for i, c in enumerate(drawn) if c["Contract reference"] == "HC-2026-021")
    assert result.exit_code == 2 and "[verification-other-files]" in result.output, result.output
    assert f"v.xlsx!{SHEET}!A{HEADER_ROW + 1 + first}" in result.output and not (tmp_path / "out").exists()


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("round.ods", None, "not-xlsx"), ("round.csv", b"Claim,Status\nC1,Verified\n", "not-xlsx"),
    ("round.xlsx", b"PK\x03\x04 truncated", "file-corrupt"), ("delivery.xlsx", "delivery", "not-a-verification-workbook"),
])
def test_a_file_that_is_no_verification_workbook_is_refused(name: str, content: object, kind: str, setup: dict[str, Path], tmp_path: Path) -> None:
    given = tmp_path / name
    if content is None:
        shutil.copy(setup["verification"], given)  # a real workbook under a name svexcel refuses
    elif content == "delivery":
        shutil.copy(DELIVERY_SAMPLES / "hillside-delivery.xlsx", given)
    else:
        given.write_bytes(content)  # type: ignore[arg-type]
    result = invoke("delivery", "batch", setup["in"], "--out", tmp_path / "out", "--verification", given)
    assert result.exit_code == 2 and f"[{kind}]" in result.output, result.output
    assert not (tmp_path / "out").exists()
