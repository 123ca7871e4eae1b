"""Rebuild the shipped delivery samples: three contracts' delivery workbooks, made from sample winning returns.

Run from the repository root after workbooks/build.py:  python workbooks/build_delivery.py
* Hillside Community Trust (HC-2026-014) is on track at P4;
* Riverside Care Co-operative (HC-2026-021) is under-delivering at P4, with recovery actions on its Actions log;
* OpenFields Social Enterprise CIC (HC-2026-033) emits more than it committed to (a harm), and was resent:
  openfields-q2.xlsx reports P2, openfields-q3.xlsx reports P3 with P1 restated;
* delivery-verification.xlsx: a verification round on them, as officers leave it, with one claim rejected.
Figures follow a fixed pattern (no randomness), so the files can be regenerated at will.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from svexcel.delivery.deliveries_folder import deliveries_in, read_inputs
from svexcel.delivery.engine import DeliverySettings
from svexcel.delivery.layout import (
    ACTIONS,
    ACTIONS_HEADER_ROW,
    COVER,
    COVER_FIRST_ROW,
    COVER_LABELS,
    DELIVERY,
    DELIVERY_HEADER_ROW,
    LEAD_COLUMNS,
)
from svexcel.delivery.settings import load_delivery_settings
from svexcel.delivery.template import terms_from_return, write_delivery_template
from svexcel.delivery.verification import COLUMNS, HEADER_ROW, SHEET, draw_from
from svexcel.delivery.verification_template import write_verification_workbook
from svexcel.framework.model import Framework, load_framework
from svexcel.tender.return_reader import read_return

HERE = Path(__file__).resolve().parent
OUT = HERE / "delivery-samples"
VERIFICATION = HERE / "delivery-verification.xlsx"  # beside the samples' folder, never in it: it is not a delivery workbook
VERIFICATION_SEED, VERIFICATION_SAMPLE, VERIFICATION_DAY = 2026, 10, dt.date(2027, 4, 15)
START = dt.date(2026, 4, 1)
FIRST_PERIOD = len(LEAD_COLUMNS) + 1

# Per contract: the winning return, the contract reference, measures due only from a later period, and how much of
# each period's share of a flow is delivered (1.0 = on profile); levels are reported at their commitment × factor.
CONTRACTS = {
    "hillside": dict(winner="hillside-community-trust", reference="HC-2026-014", starts={"SH2.2": 5}, default=1.04,
                     factors={"CC1.2": 0.97, "WB2.1": 0.75}),
    "riverside": dict(winner="riverside-care-coop", reference="HC-2026-021", starts={"SH1.1": 5}, default=0.93,
                      factors={"EQ2.1": 0.55, "CC2.2": 0.4, "PA1.3": 0.7, "WB1.2": 0.5, "EQ1.2": 0.8, "WB2.1": 0.9, "PA1.2": 0.4}),
    "openfields": dict(winner="openfields-cic", reference="HC-2026-033", starts={}, default=1.0,
                       factors={"WB2.1": 1.6, "CC2.1": 0.92}),
}
RIVERSIDE_ACTIONS = (
    ("EQ2.1", "Four care workers left in the autumn; their replacements started on agency rates.", "Move agency staff onto the "
     "co-operative's Real Living Wage contracts from January.", "Operations manager", dt.date(2027, 3, 31), "In progress"),
    ("CC2.2", "The new food supplier is a national wholesaler.", "Re-tender catering supplies with a local lot for small businesses.",
     "Finance lead", dt.date(2027, 6, 30), "Open"),
    ("WB1.2", "Programme venue closed for repairs.", "Run the wellbeing programme at the library until the venue reopens.",
     "Wellbeing coordinator", dt.date(2027, 1, 31), "Done"),
)


def figure(framework: Framework, settings: DeliverySettings, ident: str, committed: float, periods: int, factor: float, period: int,
           starts: int) -> object:
    """One period's figure: a flow's share of the commitment × factor (varying a little by period); a level's commitment × factor
    (whole people for headcounts)."""
    m = framework.measure_by_id[ident]
    if period < starts:
        return None
    if m.kind == "binary":
        return "Yes" if committed else "No"
    if settings.accrual(m) == "level":
        return round(committed * factor) if m.unit == "headcount" else round(committed * factor, 1)
    wobble = (1.0, 1.08, 0.94, 1.02)[(period + len(ident)) % 4]
    value = committed / (periods - starts + 1) * factor * wobble
    return round(value) if value >= 20 else round(value, 1)


def fill(framework: Framework, settings: DeliverySettings, blank: Path, target: Path, name: str, period: int,
         restate: dict[str, float] | None = None) -> None:
    """A copy of ``blank`` filled in by the supplier up to ``period``."""
    spec = CONTRACTS[name]
    wb = load_workbook(blank)
    wb[COVER].cell(COVER_FIRST_ROW + COVER_LABELS.index("Reporting period"), 2, period)
    wb[COVER].cell(COVER_FIRST_ROW + COVER_LABELS.index("Attestation"), 2, "Yes")
    ws = wb[DELIVERY]
    periods = sum(1 for c in ws[DELIVERY_HEADER_ROW] if isinstance(c.value, str) and c.value.startswith("P"))
    for row in ws.iter_rows(min_row=DELIVERY_HEADER_ROW + 1):
        ident, committed = row[0].value, row[4].value
        if ident not in framework.measure_by_id or committed in (None, ""):
            continue
        amount = 1.0 if committed == "Yes" else 0.0 if committed == "No" else float(committed)
        factor = spec["factors"].get(ident, spec["default"])  # type: ignore[attr-defined]
        starts = int(row[5].value or 1)
        for p in range(1, period + 1):
            ws.cell(row[0].row, FIRST_PERIOD + p - 1, figure(framework, settings, ident, amount, periods, factor, p, starts))
        if period >= starts:
            ws.cell(row[0].row, FIRST_PERIOD + periods, f"{framework.measure_by_id[ident].evidence}, P{starts} to P{period}: held by the contract manager")
        if restate and ident in restate:
            ws.cell(row[0].row, FIRST_PERIOD, restate[ident])
            ws.cell(row[0].row, FIRST_PERIOD + periods, "P1 corrected after the fleet fuel audit (was under-reported).")
    if name == "riverside":
        for offset, action in enumerate(RIVERSIDE_ACTIONS, start=1):
            for col, value in enumerate(action, start=1):
                wb[ACTIONS].cell(ACTIONS_HEADER_ROW + offset, col, value)
    wb.save(target)


def main() -> None:
    """Build the delivery samples from the sample winning returns."""
    framework = load_framework(HERE / "ccin-framework.xlsx")
    settings, _ = load_delivery_settings(HERE / "ccin-framework.xlsx")
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.xlsx"):
        old.unlink()
    blanks = {}
    for name, spec in CONTRACTS.items():
        ret = read_return(HERE / "samples" / f"{spec['winner']}.xlsx", framework)
        ret.contract_reference = str(spec["reference"])
        terms = terms_from_return(ret, framework, START, 4, starts=spec["starts"])  # type: ignore[arg-type]
        blanks[name] = write_delivery_template(framework, terms, OUT / f".{name}-blank.xlsx", settings=settings)
    fill(framework, settings, blanks["hillside"], OUT / "hillside-delivery.xlsx", "hillside", 4)
    fill(framework, settings, blanks["riverside"], OUT / "riverside-delivery.xlsx", "riverside", 4)
    fill(framework, settings, blanks["openfields"], OUT / "openfields-q2.xlsx", "openfields", 2)
    fill(framework, settings, blanks["openfields"], OUT / "openfields-q3.xlsx", "openfields", 3, restate={"WB2.1": 2.5})
    for blank in blanks.values():
        blank.unlink()
    verification_round(framework, settings)
    print(f"Built {len(list(OUT.glob('*.xlsx')))} delivery samples in {OUT} and the verification round {VERIFICATION.name}")


def verification_round(framework: Framework, settings: DeliverySettings) -> None:
    """A verification round on the samples, as officers leave it: ten claims drawn with seed 2026, the largest of
    OpenFields' Rejected (no evidence found), the rest Verified but one Not verified and one not checked yet."""
    inputs = deliveries_in(OUT)
    drawn = draw_from(framework, settings, read_inputs(framework, inputs), VERIFICATION_SAMPLE, VERIFICATION_SEED)
    write_verification_workbook(framework, drawn.sample, VERIFICATION, seed=VERIFICATION_SEED, size=VERIFICATION_SAMPLE,
                                verify_all_above=settings.verify_all_above, drawn=VERIFICATION_DAY)
    claims = [s.claim for s in drawn.sample]
    rejected = max((i for i, c in enumerate(claims) if c.reference == "HC-2026-033"), key=lambda i: claims[i].value)
    wb = load_workbook(VERIFICATION)
    ws = wb[SHEET]
    status, note = COLUMNS.index("Status") + 1, COLUMNS.index("Note") + 1
    for i, claim in enumerate(claims):
        row = HEADER_ROW + 1 + i
        if i == rejected:
            ws.cell(row, status, "Rejected")
            ws.cell(row, note, "Payroll shows two of the four people counted were employed before the contract: not additional.")
        elif i == len(claims) - 1:
            continue  # not checked yet
        elif i == len(claims) - 2:
            ws.cell(row, status, "Not verified")
            ws.cell(row, note, "Evidence requested from the supplier on 2027-04-20; not yet received.")
        else:
            ws.cell(row, status, "Verified")
            ws.cell(row, note, f"{claim.evidence.split(',')[0]} seen and matches.")
    wb.save(VERIFICATION)


if __name__ == "__main__":
    main()
