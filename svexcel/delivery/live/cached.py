"""The engine's figures as every formula cell's cached value, so Protected View and file previews show them.

The values each formula of a ``MonitorLayout`` computes for the layout's own inputs, from the delivery engine;
``svexcel.live.sheet_xml.write_grids`` writes them beside the formulas.
"""

from __future__ import annotations

from typing import Sequence

from ...core.cells import Value
from ...excel.formulas import ALL_PASS
from ...excel.sheet_xml import Cached, Values
from ...tender.live.cached import excel_text
from ..engine import NOT_DUE, ContractDelivery, delivered_amount, expected_amount
from .checks import CHECK_HEADER_ROW
from .inputs import figure_row
from .layout import (
    CHECKS,
    CONTRACT_FIGURES,
    DASHBOARD,
    DASHBOARD_COLUMNS,
    DASHBOARD_HEADER_ROW,
    FIGURE_COLUMNS,
    MEASURE_FIGURES,
    MonitorLayout,
)


def monitor_cached_values(layout: MonitorLayout, figures: list[ContractDelivery]) -> Values:
    """Sheet -> (row, column) -> the value each formula computes, for a layout whose checks all pass."""
    rows = [_shown(figure_row(i, c, d, layout.settings)) for i, (c, d) in enumerate(zip(layout.contracts, figures, strict=True), start=1)]
    return {MEASURE_FIGURES: _measure_figures(layout, figures), CONTRACT_FIGURES: _table(rows, 2),
            DASHBOARD: _dashboard(layout, rows), CHECKS: _checks(layout)}


def _shown(row: Sequence[Value]) -> list[Cached]:
    """Figures as the formulas show them: None (no forecast, no KPI) is an empty text."""
    return ["" if v is None else float(v) if isinstance(v, bool) else v for v in row]


def _table(rows: list[list[Cached]], first: int, first_col: int = 1) -> dict[tuple[int, int], Cached]:
    return {(first + r, first_col + c): v for r, row in enumerate(rows) for c, v in enumerate(row)}


def _measure_figures(layout: MonitorLayout, figures: list[ContractDelivery]) -> dict[tuple[int, int], Cached]:
    fw = layout.framework
    at = {m.id: k for k, m in enumerate(fw.measures, start=1)}
    rows: list[list[Cached]] = []
    for number, contract, ident in layout.rows:
        measure, d = fw.measure_by_id[ident], figures[number - 1]
        m, starts, k, n = d.measures[ident], contract.commitments[ident].starts, contract.period, contract.periods
        share = expected_amount(m.accrues, 1.0, starts, k, n)
        money: list[Cached] = [m.sv_committed, m.sv_expected, m.sv_delivered] if measure.kind == "monetised" else ["", "", ""]
        benefit = measure.kind == "monetised" and measure.direction == "benefit"
        rank = _kpi_rank(layout, figures, number, ident) if benefit and (m.sv_committed or 0) > 0 else ""
        key = f"{number}|{excel_text(rank)}" if isinstance(rank, float) and rank <= 3 else ""
        row: list[Cached] = [
            float(number), contract.contract_reference, ident, float(at[ident]), measure.kind, measure.direction or "benefit",
            measure.proxy_gbp or 0.0, measure.deadweight, m.accrues, m.committed,
            float(starts), float(k), float(n), share, m.expected, m.delivered, "" if m.progress is None else m.progress, m.rag or NOT_DUE, *money,
            1.0 if benefit else 0.0, rank, key,
        ]
        actuals = contract.actuals.get(ident, [])
        for p in range(1, layout.max_periods + 1):
            row.append(float(delivered_amount(m.accrues, actuals, p)) if p <= n else "")
        rows.append(row)
    return _table(rows, 2)


def _kpi_rank(layout: MonitorLayout, figures: list[ContractDelivery], number: int, ident: str) -> float:
    """1 + eligible measures of the contract with more £ committed + earlier ones with as much (framework order)."""
    d = figures[number - 1]
    mine = d.measures[ident].sv_committed or 0.0
    order = [m.id for m in layout.framework.measures if m.id in d.measures and m.kind == "monetised" and m.direction == "benefit"]
    above = sum((d.measures[o].sv_committed or 0.0) > mine for o in order)
    tied = sum(d.measures[o].sv_committed == mine for o in order[:order.index(ident)])
    return float(1 + above + tied)


def _dashboard(layout: MonitorLayout, rows: list[list[Cached]]) -> dict[tuple[int, int], Cached]:
    fw, s = layout.framework, layout.settings
    out: dict[tuple[int, int], Cached] = {
        (1, 1): f"Delivery monitoring: {fw.name} (version {fw.version})",
        (2, 1): (f"Contracts: {layout.n}. Ratings use the {s.rating_method} share (Settings rating_method); RAG bands Green from "
                 f"{excel_text(s.rag_green)}, Amber from {excel_text(s.rag_amber)}. Every figure recalculates when the yellow cells "
                 "on Settings, Measures, Contracts or Actuals change."),
        (3, 1): ALL_PASS,
    }
    for r, row in enumerate(rows, start=DASHBOARD_HEADER_ROW + 1):
        figures = dict(zip(FIGURE_COLUMNS, row, strict=True))
        for c, header in enumerate(DASHBOARD_COLUMNS, start=1):
            value = f"P{excel_text(figures['Period'])} of {excel_text(figures['Periods'])}" if header == "Period" else figures[header]  # type: ignore[arg-type]
            out[(r, c)] = value
    return out


def _checks(layout: MonitorLayout) -> dict[tuple[int, int], Cached]:
    first = CHECK_HEADER_ROW + 1
    out: dict[tuple[int, int], Cached] = {(2, 1): ALL_PASS, (3, 2): 0.0}
    for k in range(len(layout.problems())):
        out |= {(first + k, 2): "", (first + k, 3): ""}
    a = layout.anchors
    for t in a.tables:
        out |= {(a.top + k, a.column(t.sheet)): float(k + 1) for k in range(t.rows + 1)}
    return out

