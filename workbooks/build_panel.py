"""Rebuild the shipped evaluation-panel samples: three evaluators' completed workbooks and a moderated consensus.

Run from the repository root after workbooks/build.py:  python workbooks/build_panel.py
Each evaluator first declares their interests: A. Jones and C. Patel have none; B. Smith declares a conflict with
Hillside Community Trust (a trustee), and the panel chair excludes B. Smith's marks for that return (Declarations
sheet), so moderation applies and logs it. The evaluators score the six sample returns alone; A. Jones and C. Patel
disagree widely on one response and C. Patel's rationale for one score is thin, so moderation has something to show.
The consensus the panel then types equals the officers' marks in sample-quality.xlsx, so the demo's ranking is the
same either way; the rerun that records it carries the moderator's note.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from openpyxl import load_workbook

from svexcel.framework.model import load_framework
from svexcel.panel.declaration import CONFLICT, DECLARATION, DECLARATIONS, DECLARATIONS_HEADER_ROW, FIRST_ROW, NO_CONFLICT
from svexcel.panel.layout import MODERATION, MODERATION_HEADER_ROW, SCORES, SCORES_HEADER_ROW
from svexcel.panel.make_panel import make_panel
from svexcel.panel.marks import read_quality
from svexcel.panel.moderate import moderate

HERE = Path(__file__).resolve().parent

EVALUATORS = ("A. Jones", "B. Smith", "C. Patel")
FIRST_RUN = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone.utc)
MEETING = dt.datetime(2026, 3, 9, 15, 30, tzinfo=dt.timezone.utc)
NO_RESPONSE = ("nothing: no response was given for this theme", "there is nothing in the tender to assess against the scale")
WIDE = ("greenway-facilities", "EQ")  # A. Jones 25, B. Smith 50, C. Patel 75: flagged for moderation
THIN = ("swift-logistics", "PA", "Not applicable, as they say.")  # C. Patel's thin rationale
AGREED: dict[str, dict[str, float | None]] = {}  # the consensus: the officers' marks in sample-quality.xlsx, by file and theme
CONFLICTED = ("B. Smith", "hillside-community-trust.xlsx",
              "I am an unpaid trustee of Hillside Community Trust (since 2023), one of the bidders.")
DECLARED_ON = dt.datetime(2026, 2, 27)
CHAIR_NOTE = ("B. Smith is a trustee of Hillside Community Trust: their marks for its tender are not used; they took no part "
              "in agreeing its consensus.")
MEETING_NOTE = "Consensus agreed at the moderation meeting of 9 March 2026 (panel chair: D. Evans)."

# What each response offers and what it lacks, in the evaluators' own words (never the descriptor's).
NOTES: dict[tuple[str, str], tuple[str, str]] = {
    ("riverside-care-coop", "EQ"): ("membership for every care worker after six months and surpluses shared by hours worked",
                                    "no figures for the expected surplus or how many workers will join"),
    ("riverside-care-coop", "PA"): ("members elect the board every year and residents join quarterly service reviews",
                                    "little on how review outcomes change the service, though the structure is strong"),
    ("riverside-care-coop", "CC"): ("a weekly carers' café run jointly with the residents' association",
                                    "no attendance figures or costs for the café"),
    ("riverside-care-coop", "SH"): ("two apprentices a year and mentoring for new home-care co-operatives",
                                    "no numbers for the mentoring or how apprentices are recruited locally"),
    ("riverside-care-coop", "WB"): ("electric pool cars for 60% of visits by year two and counselling for all staff",
                                    "no interim milestone for the fleet change in year one"),
    ("greenway-facilities", "EQ"): ("the Real Living Wage for all staff on the contract",
                                    "nothing beyond pay, and no evidence it is paid today"),
    ("greenway-facilities", "PA"): NO_RESPONSE,
    ("greenway-facilities", "CC"): ("staff volunteering at food banks in paid time",
                                    "no hours, partners or link to this contract's area"),
    ("greenway-facilities", "SH"): ("one apprentice cleaning supervisor a year",
                                    "a single post with no training content or local recruitment"),
    ("greenway-facilities", "WB"): ("a move to electric vans when the current lease ends",
                                    "no date for the lease end, so the change may fall outside the contract"),
    ("swift-logistics", "EQ"): ("competitive pay", "no rate, no Living Wage commitment and nothing on who benefits"),
    ("swift-logistics", "PA"): ("nothing: the response says the theme does not apply",
                                "no way for residents or staff to influence the service is described"),
    ("swift-logistics", "CC"): ("sponsorship of a local football team", "no amount, duration or reach for the sponsorship"),
    ("swift-logistics", "SH"): ("driver training for its own staff", "ordinary staff training, nothing for local people"),
    ("swift-logistics", "WB"): ("a review of fleet options for the next contract",
                                "a diesel fleet for this whole contract, so harms are not reduced"),
    ("hillside-community-trust", "EQ"): ("surpluses paid into a community fund that residents decide on",
                                         "no estimate of the fund's size each year"),
    ("hillside-community-trust", "PA"): ("residents hold half the trustee seats and service users co-design the visiting rota",
                                         "only minor gaps: the rota process is not described step by step"),
    ("hillside-community-trust", "CC"): ("the hall free to community groups four evenings a week",
                                         "little to add: bookings are already published and verifiable"),
    ("hillside-community-trust", "SH"): ("advice and a start-up grant for two new community businesses a year",
                                         "the grant amount is not given"),
    ("hillside-community-trust", "WB"): ("walking groups and befriending reaching sixty isolated residents a year",
                                         "no outcome measure beyond the count of residents reached"),
    ("openfields-cic", "EQ"): ("trainees recruited from the estates where the work happens",
                               "no numbers and nothing on pay or progression"),
    ("openfields-cic", "PA"): ("trainees sitting on the steering group", "no say for residents and no meeting frequency"),
    ("openfields-cic", "CC"): ("open days twice a year", "two events a year with no stated audience or purpose"),
    ("openfields-cic", "SH"): ("five apprentices on the contract and training for 100 residents a year",
                               "nothing material missing: places, numbers and the programme are all stated"),
    ("openfields-cic", "WB"): ("mental health first aiders in every team", "support for staff only, none for residents"),
    ("city-digital-partners", "EQ"): ("a pointer to a corporate responsibility policy",
                                      "no commitment in the tender itself to assess"),
    ("city-digital-partners", "PA"): NO_RESPONSE,
    ("city-digital-partners", "CC"): ("staff volunteering days", "no number of days, partners or place"),
    ("city-digital-partners", "SH"): ("free digital skills clinics for local charities",
                                      "no number of clinics, though the clinic log is offered as evidence"),
    ("city-digital-partners", "WB"): ("hybrid working that reduces travel", "no baseline or target for the travel saved"),
}


def rationale(evaluator: str, offers: str, lacks: str) -> str:
    """One evaluator's note, in that evaluator's habitual style."""
    if evaluator == EVALUATORS[0]:
        return f"The response offers {offers}, but {lacks}."
    if evaluator == EVALUATORS[1]:
        return f"Strengths: {offers}. Weaknesses: {lacks}."
    return f"Against the plan: {lacks}. In its favour: {offers}."


def evaluator_score(evaluator: str, index: int, stem: str, theme: str, agreed: float | None) -> float:
    """Each evaluator's own score: near the eventual consensus, one step apart on a few rows, wide apart on one."""
    if (stem, theme) == WIDE:
        return {EVALUATORS[0]: 25, EVALUATORS[1]: 50, EVALUATORS[2]: 75}[evaluator]
    base = 0 if agreed is None else agreed
    if evaluator == EVALUATORS[1] and index % 5 == 1:
        return min(base + 25, 100)
    if evaluator == EVALUATORS[2] and index % 5 == 3:
        return max(base - 25, 0)
    return base


def fill(path: Path, evaluator: str) -> None:
    """Type the evaluator's scores and rationales into their workbook, as they would in Excel."""
    wb = load_workbook(path)
    declared = (CONFLICT, CONFLICTED[2]) if evaluator == CONFLICTED[0] else (NO_CONFLICT, None)
    for offset, value in enumerate((*declared, evaluator, DECLARED_ON)):
        wb[DECLARATION].cell(FIRST_ROW + offset, 2).value = value
    ws = wb[SCORES]
    for index, row in enumerate(ws.iter_rows(min_row=SCORES_HEADER_ROW + 1)):
        stem, theme = row[0].value.removesuffix(".xlsx"), row[2].value
        offers, lacks = NOTES[(stem, theme)]
        row[5].value = evaluator_score(evaluator, index, stem, theme, AGREED[f"{stem}.xlsx"][theme])
        row[6].value = THIN[2] if (evaluator, stem, theme) == (EVALUATORS[2], *THIN[:2]) else rationale(evaluator, offers, lacks)
    wb.save(path)


def type_consensus(path: Path, labels: dict[float, str]) -> None:
    """The panel chair decides on the declared conflict; the moderation meeting types the agreed marks and why, by
    reference to each response."""
    wb = load_workbook(path)
    chair = wb[DECLARATIONS]
    header = {chair.cell(DECLARATIONS_HEADER_ROW, c).value: c for c in range(1, chair.max_column + 1)}
    row = next(r for r in range(DECLARATIONS_HEADER_ROW + 1, chair.max_row + 1) if chair.cell(r, 1).value == CONFLICTED[0])
    chair.cell(row, header["Marks excluded for"]).value = CONFLICTED[1]
    chair.cell(row, header["Panel chair's note"]).value = CHAIR_NOTE
    ws = wb[MODERATION]
    header = {ws.cell(MODERATION_HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
    for row in range(MODERATION_HEADER_ROW + 1, ws.max_row + 1):
        stem = ws.cell(row, header["File"]).value.removesuffix(".xlsx")
        theme = ws.cell(row, header["Theme ID"]).value
        agreed = AGREED[f"{stem}.xlsx"][theme]
        if agreed is None:
            continue  # not agreed yet: left blank, so it is unscored
        offers, lacks = NOTES[(stem, theme)]
        why = f"Agreed {agreed:g} ({labels[agreed]}): the response offers {offers}; {lacks}."
        if (stem, theme) == WIDE:
            why += " A. Jones and C. Patel read the wage commitment differently; the panel settled on the middle mark."
        ws.cell(row, header["Consensus"]).value = agreed
        ws.cell(row, header["Consensus rationale"]).value = why
    wb.save(path)


def main() -> None:
    """Build workbooks/panel/<evaluator>.xlsx and workbooks/sample-moderation.xlsx."""
    framework = load_framework(HERE / "ccin-framework.xlsx")
    AGREED.update(read_quality(HERE / "sample-quality.xlsx", framework)[0])
    panel = HERE / "panel"
    with tempfile.TemporaryDirectory() as tmp:
        made = make_panel(HERE / "samples", framework, list(EVALUATORS), Path(tmp) / "panel")
        for path, evaluator in zip(made.workbooks, EVALUATORS, strict=True):
            fill(path, evaluator)
        moderation = Path(tmp) / "sample-moderation.xlsx"
        moderate(Path(tmp) / "panel", framework, moderation, now=FIRST_RUN)
        type_consensus(moderation, {q.score: q.label for q in framework.quality_scale})
        moderate(Path(tmp) / "panel", framework, moderation, now=MEETING, note=MEETING_NOTE)  # the log records what the meeting typed
        shutil.rmtree(panel, ignore_errors=True)
        shutil.copytree(Path(tmp) / "panel", panel)
        shutil.copy(moderation, HERE / "sample-moderation.xlsx")
    print(f"Built {len(EVALUATORS)} evaluator workbooks in {panel} and {HERE / 'sample-moderation.xlsx'}")


if __name__ == "__main__":
    main()
