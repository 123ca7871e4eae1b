"""Rebuild the shipped workbooks: the CCIN framework, six sample returns, the officers' sample quality scores
and the sample other-criteria (price, quality) points.

Run from the repository root:  python workbooks/build.py
Everything is generated from ccin-framework.csv and the data below, so the files can be regenerated at will.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook, load_workbook

from svexcel.delivery.framework_sheet import write_accrues_column
from svexcel.excel.protected import save
from svexcel.excel.styles import set_widths, style_header
from svexcel.framework.model import Framework, Measure, Outcome, QualityLevel, Settings, Theme
from svexcel.framework.sheets import DEFAULT_QUALITY_SCALE, write_framework_sheets
from svexcel.tender.quality_workbook import write_quality_workbook
from svexcel.tender.return_layout import COMMITMENTS, COVER, COVER_FIRST_ROW, COVER_LABELS, NARRATIVE, SUPPLIER_LABELS
from svexcel.tender.return_template import write_return_template

HERE = Path(__file__).resolve().parent

SETTINGS = Settings(
    framework_name="CCIN social value framework (prototype)",
    framework_version="2026.1",
    currency="GBP",
    price_base_year="2025",
    max_points=20.0,
    weight_monetised=0.4,
    weight_attainment=0.2,
    weight_quality=0.4,
)
THEME_DESCRIPTIONS = {
    "EQ": "Wealth and opportunity shared more fairly: profits, ownership and good jobs reaching those who have least.",
    "PA": "People who use, deliver and fund services have a real say in how the organisation and the contract are run.",
    "CC": "Stronger local connections: shared spaces, community activity and money that stays in the local economy.",
    "SH": "People and communities gain the skills, support and assets to organise and provide for themselves.",
    "WB": "Health and wellbeing improve, and the harms that delivery causes to people and planet are reduced.",
}

# Pairs of measures a pound or a person could be claimed under twice: a commitment to both raises a
# clarification question (SPEC §7 double-count), never a penalty.
EXCLUDES = {"EQ1.1": ("CC2.3",)}


def framework_from_csv(path: Path) -> Framework:
    """The shipped framework, from the domain CSV plus the settings and descriptions above."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    themes: dict[str, Theme] = {}
    outcomes: dict[str, Outcome] = {}
    measures = []
    for row in rows:
        themes.setdefault(row["theme_id"], Theme(row["theme_id"], row["theme"], THEME_DESCRIPTIONS[row["theme_id"]], 1.0))
        outcomes.setdefault(row["outcome_id"], Outcome(row["outcome_id"], row["theme_id"], row["outcome"]))
        kind = row["kind"]
        measures.append(Measure(
            id=row["measure_id"], outcome_id=row["outcome_id"], theme_id=row["theme_id"], name=row["measure"],
            unit=row["unit"], kind=kind, direction=row["direction"],
            proxy_gbp=float(row["proxy_gbp"]) if row["proxy_gbp"] else None, proxy_basis=row["proxy_basis"],
            deadweight=0.0, target=float(row["target"]) if row["target"] and kind == "target" else None,
            counting_rule=row["counting_rule"], evidence=row["evidence"], excludes=EXCLUDES.get(row["measure_id"], ()),
        ))
    scale = tuple(QualityLevel(float(s), label, text) for s, label, text in DEFAULT_QUALITY_SCALE)
    return Framework(SETTINGS, tuple(themes.values()), tuple(outcomes.values()), tuple(measures), scale)


def accrues_from_csv(path: Path) -> dict[str, str]:
    """How each measure accrues (flow or level), from the CSV's accrues column; README.md explains each choice."""
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["measure_id"]: row["accrues"] for row in csv.DictReader(fh)}


def write_framework(framework: Framework, accrues: dict[str, str], path: Path) -> Path:
    """The framework workbook (SPEC §1) with the Measures column accrues that delivery monitoring reads (SPEC §6)."""
    wb = Workbook()
    wb.remove(wb.active)
    write_accrues_column(write_framework_sheets(wb, framework)["Measures"], framework, accrues)
    return save(wb, path)


# Six organisations of different kinds. Quantities are what each commits to; None leaves the cell blank,
# strings are typed as text the way people do.
SAMPLES = {
    "riverside-care-coop": dict(
        cover=["Riverside Care Co-operative", "HC-2026-014", 1_200_000, 3, "Amina Patel, amina@riverside.coop",
                  "Unit 4, Riverside Works, Mill Lane, Oxford OX1 4AB", "tenders@riverside.coop", "PUK-RCC-204118"],
        quantities={"EQ1.1": 18_000, "EQ1.2": 42, "EQ1.3": 3.1, "EQ2.1": 38, "EQ2.2": 4, "PA1.1": 120, "PA1.2": 5,
                    "PA1.3": 900, "PA2.1": "Yes", "PA2.2": "Yes", "CC1.1": 600, "CC1.2": 150, "CC1.3": 8,
                    "CC2.1": 45_000, "CC2.2": 60_000, "CC2.3": 2_500, "SH1.1": 104, "SH1.2": 400, "SH2.1": 40,
                    "SH2.2": 0, "WB1.1": 46, "WB1.2": 12, "WB2.1": 28, "WB2.2": 0},
        narrative={"EQ": "Every care worker can become a member after six months; surpluses are shared by hours worked.",
                   "PA": "Members elect the board each year and residents join quarterly service reviews.",
                   "CC": "Our office hosts a weekly carers' café run with the residents' association.",
                   "SH": "Two apprentices a year, and mentoring for new home-care co-operatives in the borough.",
                   "WB": "Electric pool cars for 60% of visits by year two; confidential counselling for all staff."},
        evidence={"EQ1.1": "Member dividend statements", "EQ2.1": "Payroll by pay band, quarterly",
                  "PA1.3": "Attendance sheets for service reviews", "WB2.1": "Annual carbon report"},
    ),
    "greenway-facilities": dict(
        cover=["Greenway Facilities Ltd", "HC-2026-014", 950_000, 3, "Tom Okafor, bids@greenway-fm.co.uk",
                  "Greenway House, 12 Station Road, Reading RG1 1JX", "bids@greenway-fm.co.uk", "PUK-GFL-118532"],
        quantities={"EQ1.1": None, "EQ1.2": 0, "EQ1.3": 12, "EQ2.1": "52", "EQ2.2": 3, "PA1.1": 0, "PA1.2": 0,
                    "PA1.3": 120, "PA2.1": "yes", "PA2.2": "No", "CC1.1": "1,200", "CC1.2": None, "CC1.3": 2,
                    "CC2.1": "£12,500", "CC2.2": 85_000, "CC2.3": 1_000, "SH1.1": 52, "SH1.2": 150, "SH2.1": None,
                    "SH2.2": None, "WB1.1": 20, "WB1.2": 0, "WB2.1": 35, "WB2.2": 0},
        narrative={"EQ": "We pay the Real Living Wage to all staff on the contract.",
                   "PA": "",
                   "CC": "Staff volunteer at local food banks in paid time.",
                   "SH": "One apprentice cleaner supervisor per year.",
                   "WB": "We will move to electric vans when our lease ends."},
        evidence={"EQ2.1": "Payroll report", "CC2.2": "Purchase ledger"},
    ),
    "swift-logistics": dict(
        cover=["Swift Logistics Ltd", "HC-2026-014", 1_450_000, 3, "Dana Reid, tenders@swiftlogistics.co.uk",
                  "Swift Depot, Ferry Hinksey Road, Oxford OX2 0BY", "tenders@swiftlogistics.co.uk", "PUK-SLL-330721"],
        quantities={"EQ1.1": 0, "EQ1.2": 0, "EQ1.3": 28, "EQ2.1": 10, "EQ2.2": 1, "PA1.1": 0, "PA1.2": 0,
                    "PA1.3": 0, "PA2.1": "No", "PA2.2": "No", "CC1.1": 80, "CC1.2": 0, "CC1.3": 0,
                    "CC2.1": 0, "CC2.2": 40_000, "CC2.3": 500, "SH1.1": 0, "SH1.2": 60, "SH2.1": 0,
                    "SH2.2": 0, "WB1.1": 0, "WB1.2": 0, "WB2.1": 640, "WB2.2": 6},
        narrative={"EQ": "We offer competitive pay.", "PA": "Not applicable to this contract.", "CC": "Sponsorship of a local football team.",
                   "SH": "Driver training for our own staff.", "WB": "Diesel fleet; we are reviewing options for the next contract."},
        evidence={"WB2.1": "Fleet fuel records", "WB2.2": "Estimate of jobs taken from two local couriers"},
    ),
    "hillside-community-trust": dict(
        cover=["Hillside Community Trust", "HC-2026-014", 400_000, 3, "Grace Mensah, grace@hillsidetrust.org.uk",
                  "The Old School, Hill Top, Oxford OX3 7LP", "office@hillsidetrust.org.uk", "PUK-HCT-072245"],
        quantities={"EQ1.1": 6_000, "EQ1.2": 0, "EQ1.3": 2.4, "EQ2.1": 14, "EQ2.2": 5, "PA1.1": 310, "PA1.2": 6,
                    "PA1.3": 2_200, "PA2.1": "Yes", "PA2.2": "Yes", "CC1.1": 1_500, "CC1.2": 900, "CC1.3": 14,
                    "CC2.1": 30_000, "CC2.2": 12_000, "CC2.3": 8_000, "SH1.1": 0, "SH1.2": 1_200, "SH2.1": 120,
                    "SH2.2": 15_000, "WB1.1": 18, "WB1.2": 60, "WB2.1": 4, "WB2.2": 0},
        narrative={"EQ": "Surpluses go to a community fund decided by residents.",
                   "PA": "Residents hold half of the trustee seats; service users co-design the visiting rota.",
                   "CC": "Our hall is free for community groups four evenings a week.",
                   "SH": "We support two new community businesses a year with advice and a start-up grant.",
                   "WB": "Walking groups and befriending reach sixty isolated residents a year."},
        evidence={"PA1.1": "Membership register", "WB1.2": "Programme records"},
    ),
    "openfields-cic": dict(
        cover=["OpenFields Social Enterprise CIC", "HC-2026-014", 700_000, 3, "Sam Hughes, sam@openfields.org.uk",
                  "OpenFields Barn, Cowley Road, Oxford OX4 2HJ", "contracts@openfields.org.uk", "PUK-OFC-559013"],
        quantities={"EQ1.1": 4_000, "EQ1.2": 12, "EQ1.3": 5, "EQ2.1": 20, "EQ2.2": 6, "PA1.1": 40, "PA1.2": 2,
                    "PA1.3": 300, "PA2.1": "Yes", "PA2.2": "No", "CC1.1": 300, "CC1.2": 200, "CC1.3": 4,
                    "CC2.1": 20_000, "CC2.2": 25_000, "CC2.3": 1_500, "SH1.1": 260, "SH1.2": 2_500, "SH2.1": 80,
                    "SH2.2": 5_000, "WB1.1": 25, "WB1.2": 10, "WB2.1": 12, "WB2.2": 0},
        narrative={"EQ": "We recruit trainees from the estates we work on.",
                   "PA": "Trainees sit on our steering group.",
                   "CC": "Open days twice a year.",
                   "SH": "Five apprentices on the contract and a training programme for 100 residents a year.",
                   "WB": "Mental health first aiders in every team."},
        evidence={"SH1.1": "Apprenticeship agreements", "SH1.2": "Attendance sheets"},
    ),
    "city-digital-partners": dict(
        cover=["City Digital Partners LLP", "HC-2026-014", None, 3, "Lee Carter",
                  "3rd Floor, 20 Queen Street, Oxford OX1 1ER", "lee.carter@citydigital.co.uk", "PUK-CDP-640087"],
        quantities={"EQ1.1": None, "EQ1.2": None, "EQ1.3": 6, "EQ2.1": 8, "EQ2.2": None, "PA1.1": None,
                    "PA1.2": None, "PA1.3": None, "PA2.1": "Yes", "PA2.2": None, "CC1.1": 200, "CC1.2": None,
                    "CC1.3": None, "CC2.1": None, "CC2.2": 10_000, "CC2.3": None, "SH1.1": None, "SH1.2": 300,
                    "SH2.1": 60, "SH2.2": None, "WB1.1": 15, "WB1.2": None, "WB2.1": 3, "WB2.2": None},
        narrative={"EQ": "See our corporate responsibility policy.", "PA": "", "CC": "Staff volunteering days.",
                   "SH": "Free digital skills clinics for local charities.", "WB": "Hybrid working reduces travel."},
        evidence={"SH2.1": "Clinic log"},
    ),
}
# Officers' scores (0–100) of each sample's narrative, by theme.
SAMPLE_QUALITY = {
    "riverside-care-coop": {"EQ": 75, "PA": 100, "CC": 75, "SH": 50, "WB": 75},
    "greenway-facilities": {"EQ": 50, "PA": 0, "CC": 25, "SH": 25, "WB": 25},
    "swift-logistics": {"EQ": 25, "PA": 0, "CC": 25, "SH": 25, "WB": 0},
    "hillside-community-trust": {"EQ": 75, "PA": 100, "CC": 100, "SH": 75, "WB": 75},
    "openfields-cic": {"EQ": 50, "PA": 50, "CC": 50, "SH": 100, "WB": 50},
    "city-digital-partners": {"EQ": 25, "PA": None, "CC": 25, "SH": 50, "WB": 25},
}

# The tender's other award criteria, scored outside svexcel (points out of 40 each): with them the
# social value leader (Hillside) is not the most advantageous tender overall.
OTHER_CRITERIA_AVAILABLE = {"Price": 40, "Quality": 40}
OTHER_CRITERIA = {
    "riverside-care-coop": {"Price": 30, "Quality": 34},
    "greenway-facilities": {"Price": 36, "Quality": 30},
    "swift-logistics": {"Price": 40, "Quality": 24},
    "hillside-community-trust": {"Price": 28, "Quality": 30},
    "openfields-cic": {"Price": 32, "Quality": 28},
    "city-digital-partners": {"Price": 34, "Quality": 26},
}


def write_other_criteria(path: Path) -> None:
    """The sample other-criteria workbook: sheet Criteria, File + a column per criterion, and the max row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Criteria"
    names = list(OTHER_CRITERIA_AVAILABLE)
    ws.append(["File", *names])
    ws.append(["max", *OTHER_CRITERIA_AVAILABLE.values()])
    for stem, points in OTHER_CRITERIA.items():
        ws.append([f"{stem}.xlsx", *(points[n] for n in names)])
    style_header(ws, 1, 1, len(names) + 1)
    set_widths(ws, {"A": 32, "B": 10, "C": 10})
    wb.save(path)


def fill_return(template: Path, target: Path, sample: dict) -> None:
    """Fill a copy of the blank template the way an organisation would in Excel."""
    wb = load_workbook(template)
    cover = wb[COVER]
    for offset, value in enumerate(sample["cover"]):
        assert cover.cell(COVER_FIRST_ROW + offset, 1).value == (*COVER_LABELS, *SUPPLIER_LABELS)[offset]
        cover.cell(COVER_FIRST_ROW + offset, 2, value)
    commitments = wb[COMMITMENTS]
    for row in commitments.iter_rows(min_row=5):
        ident = row[0].value
        if ident in sample["quantities"]:
            row[5].value = sample["quantities"][ident]
            row[6].value = sample["evidence"].get(ident)
    narrative = wb[NARRATIVE]
    for row in narrative.iter_rows(min_row=4):
        row[2].value = sample["narrative"].get(row[0].value) or None
    wb.save(target)


def main() -> None:
    """Build every shipped workbook."""
    framework = framework_from_csv(HERE / "ccin-framework.csv")
    write_framework(framework, accrues_from_csv(HERE / "ccin-framework.csv"), HERE / "ccin-framework.xlsx")
    samples = HERE / "samples"
    samples.mkdir(exist_ok=True)
    template = write_return_template(framework, HERE / "return-template.xlsx")
    for stem, sample in SAMPLES.items():
        fill_return(template, samples / f"{stem}.xlsx", sample)
    organisations = {f"{stem}.xlsx": SAMPLES[stem]["cover"][0] for stem in SAMPLES}
    write_quality_workbook(
        framework, HERE / "sample-quality.xlsx",
        {f"{stem}.xlsx": marks for stem, marks in SAMPLE_QUALITY.items()}, organisations,
    )
    write_other_criteria(HERE / "sample-other-criteria.xlsx")
    print(f"Built {HERE / 'ccin-framework.xlsx'}, the return template, {len(SAMPLES)} samples, sample-quality.xlsx "
          "and sample-other-criteria.xlsx")


if __name__ == "__main__":
    main()
