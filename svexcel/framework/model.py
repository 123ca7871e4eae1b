"""The framework of Themes → Outcomes → Measures, loaded from its workbook and validated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Mapping

from ..core.findings import Finding, Findings, finding, has_errors
from ..core.numbers import cell_number
from ..xlsx.reader import Sheet, UnreadableWorkbook, Workbook, cell_ref
from ..xlsx.tables import Table, find_table

KINDS = ("monetised", "target", "binary")
DIRECTIONS = ("benefit", "harm", "lower_is_better")
COMPONENTS = ("monetised", "attainment", "quality")

SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "Settings": ("key", "value"),
    "Themes": ("theme_id", "theme", "description", "weight"),
    "Outcomes": ("outcome_id", "theme_id", "outcome"),
    "Measures": (
        "measure_id", "outcome_id", "measure", "unit", "kind", "direction", "proxy_gbp",
        "proxy_basis", "deadweight", "target", "counting_rule", "evidence", "excludes",
    ),
    "QualityScale": ("score", "label", "descriptor"),
}
# Settings keys in the order the Settings sheet lists them, with the note beside each (the live formulas name these rows).
SETTING_NOTES = {
    "framework_name": "Name printed on returns and reports",
    "framework_version": "Change it whenever measures change; returns made for another version are rejected",
    "currency": "Currency of proxy values",
    "price_base_year": "Price year of the proxy values",
    "max_points": "Points available for social value in the tender",
    "weight_monetised": "Weight of the £ social value part of each theme score",
    "weight_attainment": "Weight of the targets and yes/no part of each theme score",
    "weight_quality": "Weight of the officers' quality score of each theme",
    "plausible_sv_ratio": "Social value above this share of the contract value raises a clarification question (never a penalty)",
    "moderation_spread": "Moderation flags a return and theme whose evaluators' scores differ by more than this (0–100)",
}
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "Settings": ("key", "value"),
    "Themes": ("theme_id", "theme", "weight"),
    "Outcomes": ("outcome_id", "theme_id", "outcome"),
    "Measures": ("measure_id", "outcome_id", "measure", "unit", "kind", "direction", "proxy_gbp", "target"),
    "QualityScale": ("score", "label"),
}
LIVE_MARKER_SHEET = "Checks"  # a live scoring workbook (svexcel build) has it; its formulas count text as nothing
REQUIRED_SETTINGS = ("framework_name", "framework_version", "max_points", *(f"weight_{c}" for c in COMPONENTS))
OPTIONAL_NUMBER_SETTINGS = ("moderation_spread",)  # numbers that take their default when the row is absent or blank


@dataclass(frozen=True)
class Settings:
    """Framework-wide settings: identity, points available and component weights."""

    framework_name: str
    framework_version: str
    currency: str = "GBP"
    price_base_year: str = ""
    max_points: float = 20.0
    weight_monetised: float = 0.4
    weight_attainment: float = 0.2
    weight_quality: float = 0.4
    plausible_sv_ratio: float = 0.30
    moderation_spread: float = 25.0

    def component_weight(self, component: str) -> float:
        """Weight of ``monetised``, ``attainment`` or ``quality``."""
        return float(getattr(self, f"weight_{component}"))


@dataclass(frozen=True)
class Theme:
    """A strategic theme and its weight in the points."""

    id: str
    name: str
    description: str = ""
    weight: float = 1.0


@dataclass(frozen=True)
class Outcome:
    """An outcome within a theme."""

    id: str
    theme_id: str
    name: str


@dataclass(frozen=True)
class Measure:
    """A countable measure: how it is scored and what evidence is asked for."""

    id: str
    outcome_id: str
    theme_id: str
    name: str
    unit: str
    kind: str
    direction: str = "benefit"
    proxy_gbp: float | None = None
    proxy_basis: str = ""
    deadweight: float = 0.0
    target: float | None = None
    counting_rule: str = ""
    evidence: str = ""
    excludes: tuple[str, ...] = ()

    @property
    def illustrative(self) -> bool:
        """True when the proxy value is marked illustrative."""
        return "illustrative" in self.proxy_basis.casefold()


@dataclass(frozen=True)
class QualityLevel:
    """One point of the officers' quality scale."""

    score: float
    label: str
    descriptor: str = ""


@dataclass(frozen=True)
class Framework:
    """A validated framework; ``findings`` holds its non-blocking warnings."""

    settings: Settings
    themes: tuple[Theme, ...]
    outcomes: tuple[Outcome, ...]
    measures: tuple[Measure, ...]
    quality_scale: tuple[QualityLevel, ...]
    findings: tuple[Finding, ...] = field(default=(), compare=False)

    @property
    def name(self) -> str:
        """The framework's name."""
        return self.settings.framework_name

    @property
    def identity(self) -> dict[str, str]:
        """The framework's name and version, as results files record them."""
        return {"name": self.name, "version": self.version}

    @property
    def version(self) -> str:
        """The framework's version."""
        return self.settings.framework_version

    @cached_property
    def measure_by_id(self) -> dict[str, Measure]:
        """Measures keyed by id."""
        return {m.id: m for m in self.measures}

    @cached_property
    def theme_by_id(self) -> dict[str, Theme]:
        """Themes keyed by id."""
        return {t.id: t for t in self.themes}

    @cached_property
    def outcome_by_id(self) -> dict[str, Outcome]:
        """Outcomes keyed by id."""
        return {o.id: o for o in self.outcomes}

    def theme_measures(self, theme_id: str) -> tuple[Measure, ...]:
        """The measures of one theme, in framework order."""
        return tuple(m for m in self.measures if m.theme_id == theme_id)

    def theme_components(self, theme_id: str) -> tuple[str, ...]:
        """The measurable components a theme has: monetised and/or attainment."""
        kinds = {m.kind for m in self.theme_measures(theme_id)}
        present = []
        if "monetised" in kinds:
            present.append("monetised")
        if kinds & {"target", "binary"}:
            present.append("attainment")
        return tuple(present)


def excludes_ids(text: str) -> tuple[str, ...]:
    """Measure ids listed in an ``excludes`` cell, separated by commas, semicolons or spaces."""
    return tuple(part for part in re.split(r"[,;\s]+", text) if part)


def exclusive_pairs(framework: Framework) -> list[tuple[str, str]]:
    """Each pair of measures the framework excludes together, once, in framework order."""
    order = {m.id: i for i, m in enumerate(framework.measures)}
    pairs: set[tuple[str, str]] = set()
    for m in framework.measures:
        for other in m.excludes:
            if other in order and other != m.id:
                pairs.add((m.id, other) if order[m.id] < order[other] else (other, m.id))
    return sorted(pairs, key=lambda p: (order[p[0]], order[p[1]]))


class FrameworkError(Exception):
    """The framework has errors; ``findings`` lists them with sheet and cell."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        errors = [f for f in findings if f.severity == "error"]
        super().__init__(f"The framework has {len(errors)} error(s); first: {errors[0] if errors else ''}")


def load_framework(path: str | Path) -> Framework:
    """Read and validate a framework workbook (or a live scoring workbook); raise FrameworkError on errors."""
    path = Path(path)
    try:
        with Workbook(path) as book:
            sheets = {name: book.sheet(name) for name in SHEET_COLUMNS}
            live = LIVE_MARKER_SHEET in book.sheetnames
    except UnreadableWorkbook as exc:
        raise FrameworkError([finding(exc.type, exc.message, path.name)]) from exc
    except OSError as exc:
        raise FrameworkError([finding("file-missing", f"Cannot open the framework: {exc.strerror}.", path.name)]) from exc
    return framework_from_sheets(sheets, path.name, text_numbers=not live)


def framework_from_sheets(sheets: Mapping[str, Sheet | None], file: str = "", text_numbers: bool = True) -> Framework:
    """Build and validate a framework from its five sheets; raise FrameworkError on errors.

    ``text_numbers=False`` (a live workbook, whose formulas count text as nothing) refuses numbers typed as text.
    """
    return _FrameworkReader(sheets, file, text_numbers).read()


class _FrameworkReader:
    """Collects every finding while turning framework sheets into a Framework."""

    def __init__(self, sheets: Mapping[str, Sheet | None], file: str, text_numbers: bool = True) -> None:
        self.sheets = sheets
        self.file = file
        self.text_numbers = text_numbers
        self.findings = Findings(file)

    def read(self) -> Framework:
        tables = {name: self.table(name) for name in SHEET_COLUMNS}
        if has_errors(self.findings):
            raise FrameworkError(self.findings.items)
        settings = self.read_settings(tables["Settings"])
        themes = self.read_themes(tables["Themes"])
        outcomes = self.read_outcomes(tables["Outcomes"], {t.id for t in themes})
        measures = self.read_measures(tables["Measures"], {o.id: o.theme_id for o in outcomes})
        scale = self.read_quality_scale(tables["QualityScale"])
        for theme in themes:
            if not any(m.theme_id == theme.id for m in measures):
                self.findings.add("theme-without-measures", f"Theme {theme.id} has no measures; it scores on quality alone.", "A1", sheet="Themes")
        if has_errors(self.findings) or settings is None:
            raise FrameworkError(self.findings.items)
        return Framework(settings, tuple(themes), tuple(outcomes), tuple(measures), tuple(scale), tuple(self.findings.items))

    def table(self, name: str) -> Table | None:
        sheet = self.sheets.get(name)
        if sheet is None:
            self.findings.add("missing-sheet", f"The framework has no '{name}' sheet. Add it with the columns {', '.join(SHEET_COLUMNS[name])}.", sheet=name)
            return None
        table, missing, row = find_table(sheet, REQUIRED_COLUMNS[name], SHEET_COLUMNS[name], first_row_only=True)
        if table is None:
            self.findings.add("missing-header", f"Row 1 of '{name}' lacks the column(s) {', '.join(missing)}. Restore the header names exactly.", cell_ref(row, 1), sheet=name)
        return table

    def number(self, table: Table, row: int, column: str, default: float | None = None, what: str = "") -> float | None:
        """A numeric field; blank gives ``default``; anything else that is not a number is an error."""
        cell = table.cell(row, column)
        ref = table.ref(row, column)
        read = cell_number(cell)
        if read.note == "number-as-text" and not self.text_numbers:
            self.findings.add("not-a-number", f"{what or column} in {ref} is the text {cell.value if cell else ''!r}; "
                         "the workbook's formulas count text as nothing. Type it as a plain number.", ref, sheet=table.sheet.name)
            return None
        if read.problem is not None:
            detail = {
                "cell-error": f"shows the error {cell.error if cell else ''}",
                "formula-without-value": "holds a formula with no calculated value; open the workbook in Excel, let it calculate and save it",
                "not-a-number": f"is {cell.value if cell else ''!r}, not a number",
                "stored-as-date": "holds a date, not a number; format the cell as Number",
                "stored-as-time": "holds a time, not a number; format the cell as Number",
            }[read.problem]
            self.findings.add(read.problem, f"{what or column} in {ref} {detail}. Type a plain number.", ref, sheet=table.sheet.name)
            return None
        return default if read.value is None else read.value

    def unique_ids(self, table: Table, column: str) -> list[tuple[int, str]]:
        """(row, id) pairs with blank ids skipped and duplicates reported."""
        seen: dict[str, str] = {}
        out = []
        for row in table.rows():
            ident = table.text(row, column)
            if not ident:
                if any(table.text(row, c) for c in table.columns if c != column):
                    self.findings.add("missing-id", f"Row {row} of '{table.sheet.name}' has no {column}. Give it a unique id or delete the row.", table.ref(row, column), sheet=table.sheet.name)
                continue
            ref = table.ref(row, column)
            if ident in seen:
                self.findings.add("duplicate-id", f"{column} '{ident}' in {ref} is used again (first in {seen[ident]}). Give each row its own id.", ref, sheet=table.sheet.name)
                continue
            seen[ident] = ref
            out.append((row, ident))
        return out

    def read_settings(self, table: Table | None) -> Settings | None:
        assert table is not None
        rows = {table.text(r, "key"): r for r in table.rows() if table.text(r, "key")}
        missing = [k for k in REQUIRED_SETTINGS if k not in rows]
        for key in missing:
            self.findings.add("missing-setting", f"Settings has no '{key}' row. Add it in column A with its value in column B.", "A1", sheet="Settings")
        if missing:
            return None
        values: dict[str, object] = {k: table.text(r, "value") for k, r in rows.items() if k in Settings.__dataclass_fields__ and k not in OPTIONAL_NUMBER_SETTINGS}
        for key in ("max_points", *(f"weight_{c}" for c in COMPONENTS)):
            number = self.number(table, rows[key], "value", what=key)
            ref = table.ref(rows[key], "value")
            if number is None:
                if table.value(rows[key], "value") is None:
                    self.findings.add("not-a-number", f"{key} in {ref} is blank. Type a number.", ref, sheet="Settings")
                continue
            if key == "max_points" and number <= 0:
                self.findings.add("bad-setting", f"max_points in {ref} is {number:g}; it must be more than 0.", ref, sheet="Settings")
            if key.startswith("weight_") and number < 0:
                self.findings.add("bad-weight", f"{key} in {ref} is {number:g}; component weights cannot be negative.", ref, sheet="Settings")
            values[key] = number
        values |= self.optional_numbers(table, rows)
        if not all(isinstance(values.get(f"weight_{c}"), float) for c in COMPONENTS):
            return None
        self.read_optional_settings(table, rows, values)
        if sum(values[f"weight_{c}"] for c in COMPONENTS) <= 0:  # type: ignore[misc]
            self.findings.add("weights-not-positive", "The component weights add up to 0. Give at least one a positive weight.", table.ref(rows["weight_monetised"], "value"), sheet="Settings")
        for key in ("framework_name", "framework_version"):
            if not values[key]:
                self.findings.add("missing-setting", f"{key} is blank. Type a value.", table.ref(rows[key], "value"), sheet="Settings")
        return Settings(**values)  # type: ignore[arg-type]

    def read_optional_settings(self, table: Table, rows: dict[str, int], values: dict[str, object]) -> None:
        """Optional numeric settings: blank or absent keeps the default."""
        values.pop("plausible_sv_ratio", None)
        if "plausible_sv_ratio" in rows:
            ref = table.ref(rows["plausible_sv_ratio"], "value")
            ratio = self.number(table, rows["plausible_sv_ratio"], "value", what="plausible_sv_ratio")
            if ratio is not None and ratio <= 0:
                self.findings.add("bad-setting", f"plausible_sv_ratio in {ref} is {ratio:g}; it must be more than 0 (0.3 means 30% of the contract value).", ref, sheet="Settings")
            elif ratio is not None:
                values["plausible_sv_ratio"] = ratio

    def optional_numbers(self, table: Table, rows: dict[str, int]) -> dict[str, object]:
        """The optional numeric settings that are present and valid (absent or blank ones keep their defaults)."""
        values: dict[str, object] = {}
        for key in OPTIONAL_NUMBER_SETTINGS:
            number = self.number(table, rows[key], "value", what=key) if key in rows else None
            if number is not None and number < 0:
                self.findings.add("bad-setting", f"{key} is {number:g}; it cannot be negative.", table.ref(rows[key], "value"), sheet="Settings")
            elif number is not None:
                values[key] = number
        return values

    def read_themes(self, table: Table | None) -> list[Theme]:
        assert table is not None
        themes = []
        for row, ident in self.unique_ids(table, "theme_id"):
            weight = self.number(table, row, "weight", default=1.0, what="weight")
            if weight is not None and weight < 0:
                self.findings.add("bad-weight", f"Theme {ident} has weight {weight:g} in {table.ref(row, 'weight')}; weights cannot be negative.", table.ref(row, "weight"), sheet="Themes")
            themes.append(Theme(ident, table.text(row, "theme"), table.text(row, "description"), weight if weight is not None else 0.0))
        if not themes:
            self.findings.add("empty-framework", "The Themes sheet lists no themes. Add one row per theme.", "A2", sheet="Themes")
        elif sum(t.weight for t in themes) <= 0:
            self.findings.add("weights-not-positive", "The theme weights add up to 0. Give at least one theme a positive weight.", table.ref(table.header_row + 1, "weight"), sheet="Themes")
        return themes

    def read_outcomes(self, table: Table | None, theme_ids: set[str]) -> list[Outcome]:
        assert table is not None
        outcomes = []
        for row, ident in self.unique_ids(table, "outcome_id"):
            theme_id = table.text(row, "theme_id")
            if theme_id not in theme_ids:
                self.findings.add("orphan-outcome", f"Outcome {ident} belongs to theme '{theme_id}', which is not on the Themes sheet. Use one of: {', '.join(sorted(theme_ids))}.", table.ref(row, "theme_id"), sheet="Outcomes")
                continue
            outcomes.append(Outcome(ident, theme_id, table.text(row, "outcome")))
        return outcomes

    def read_measures(self, table: Table | None, outcome_theme: dict[str, str]) -> list[Measure]:
        assert table is not None
        measures = []
        for row, ident in self.unique_ids(table, "measure_id"):
            sheet_ref = partial(table.ref, row)
            outcome_id = table.text(row, "outcome_id")
            kind = table.text(row, "kind").casefold()
            direction = (table.text(row, "direction") or "benefit").casefold()
            ok = True
            if outcome_id not in outcome_theme:
                self.findings.add("orphan-measure", f"Measure {ident} belongs to outcome '{outcome_id}', which is not on the Outcomes sheet.", sheet_ref("outcome_id"), sheet="Measures")
                ok = False
            if kind not in KINDS:
                self.findings.add("unknown-kind", f"Measure {ident} has kind '{table.text(row, 'kind')}'. Use one of: {', '.join(KINDS)}.", sheet_ref("kind"), sheet="Measures")
                ok = False
            allowed = {"monetised": ("benefit", "harm"), "target": ("benefit", "lower_is_better"), "binary": ("benefit",)}.get(kind, DIRECTIONS)
            if direction not in allowed:
                self.findings.add("unknown-direction", f"Measure {ident} has direction '{direction}'; a {kind or 'measure'} measure takes one of: {', '.join(allowed)}.", sheet_ref("direction"), sheet="Measures")
                ok = False
            proxy = self.number(table, row, "proxy_gbp", what="proxy_gbp")
            if kind == "monetised" and proxy is None and table.value(row, "proxy_gbp") is None:
                self.findings.add("missing-proxy", f"Monetised measure {ident} has no proxy value in {sheet_ref('proxy_gbp')}. Type the £ value of one {table.text(row, 'unit') or 'unit'}.", sheet_ref("proxy_gbp"), sheet="Measures")
                ok = False
            elif proxy is not None and proxy < 0:
                self.findings.add("bad-proxy", f"Measure {ident} has a negative proxy value; record harms with direction 'harm' and a positive proxy.", sheet_ref("proxy_gbp"), sheet="Measures")
                ok = False
            deadweight = self.number(table, row, "deadweight", default=0.0, what="deadweight") if "deadweight" in table.columns else 0.0
            if deadweight is not None and not 0 <= deadweight <= 1:
                self.findings.add("bad-deadweight", f"Measure {ident} has deadweight {deadweight:g}; it must be between 0 and 1 (e.g. 0.25 for 25%).", sheet_ref("deadweight"), sheet="Measures")
                ok = False
            target = self.number(table, row, "target", what="target")
            if kind == "target" and (target is None or target <= 0):
                self.findings.add("missing-target", f"Target measure {ident} needs a target above 0 in {sheet_ref('target')}.", sheet_ref("target"), sheet="Measures")
                ok = False
            if ok:
                measures.append(Measure(
                    ident, outcome_id, outcome_theme[outcome_id], table.text(row, "measure"), table.text(row, "unit"),
                    kind, direction, proxy if kind == "monetised" else None, table.text(row, "proxy_basis"),
                    deadweight or 0.0, target if kind == "target" else None,
                    table.text(row, "counting_rule"), table.text(row, "evidence"), excludes_ids(table.text(row, "excludes")),
                ))
        self.check_excludes(table, measures)
        if not measures and not has_errors(self.findings):
            self.findings.add("empty-framework", "The Measures sheet lists no measures. Add one row per measure.", "A2", sheet="Measures")
        return measures

    def check_excludes(self, table: Table, measures: list[Measure]) -> None:
        """Every id in an ``excludes`` cell must be another measure on the sheet."""
        rows = {table.text(row, "measure_id"): row for row in table.rows()}
        for m in measures:
            for other in m.excludes:
                if other == m.id or other not in rows:
                    ref = table.ref(rows[m.id], "excludes")
                    why = "itself" if other == m.id else f"'{other}', which is not a measure id on this sheet"
                    self.findings.add("unknown-exclude", f"Measure {m.id} excludes {why}. List other measure ids in {ref}, separated by commas.", ref, sheet="Measures")

    def read_quality_scale(self, table: Table | None) -> list[QualityLevel]:
        assert table is not None
        levels = []
        for row in table.rows():
            score = self.number(table, row, "score", what="score")
            if score is None:
                continue
            if not 0 <= score <= 100:
                self.findings.add("bad-quality-scale", f"Quality score {score:g} in {table.ref(row, 'score')} is outside 0–100.", table.ref(row, "score"), sheet="QualityScale")
                continue
            levels.append(QualityLevel(score, table.text(row, "label"), table.text(row, "descriptor")))
        return sorted(levels, key=lambda level: level.score)
