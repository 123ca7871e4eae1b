"""Rebuild the delivery monitoring Word templates (docxtpl): a delivery report per contract and the portfolio.

Run from the repository root:  python templates/build_delivery_templates.py
Reproducible like build_templates.py, whose house styles and table helpers it uses. Officers may restyle
the templates in Word; docs/template-variables.md lists the variables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from build_templates import TEXT_WIDTH_CM, ReportTable, chart, header_footer, new_document, para, save_reproducibly, space, tag
from docx.document import Document as DocumentObject

from svexcel.delivery.chart import delivery_chart
from svexcel.word.charts import Canvas

HERE = Path(__file__).resolve().parent
DELIVERY = HERE / "delivery-report_tpl.docx"
PORTFOLIO = HERE / "portfolio-report_tpl.docx"


def either(doc: DocumentObject, condition: str, then: Callable[[], None], otherwise: str) -> None:
    """Content shown when ``condition`` holds, else a sentence."""
    tag(doc, f"{{%p if {condition} %}}")
    then()
    tag(doc, "{%p else %}")
    para(doc, otherwise)
    tag(doc, "{%p endif %}")


def figure_table(doc: DocumentObject, amount: str) -> None:
    """The labelled headline figures (net, benefit against expected, harms, validated): which figure is which."""
    t = ReportTable(doc, "Which figure is which", ["Figure", amount], [11.0, 6.0], figures=(1,))
    t.tag("{%tr for f in figures %}")
    t.row(["{{ f.label }}", "{{ f.value }}"])
    t.tag("{%tr endfor %}")
    space(doc)


def delivery() -> DocumentObject:
    """The delivery report of one contract."""
    doc = new_document("Social value delivery: {{ supplier }}")
    header_footer(doc, "Social value delivery: {{ supplier }}, {{ contract_reference }}", "{{ framework_name }}, version {{ framework_version }}")
    doc.add_heading("Social value delivery report", level=1)
    doc.add_paragraph("{{ supplier }}", style="Subtitle")
    para(doc, "**Contract reference:** {{ contract_reference }}      **Contract value:** {{ contract_value }}")
    para(doc, "**Reporting period:** {{ period_text }}, covering {{ covered_text }}")
    para(doc, "**Delivery workbook:** {{ file }}      **Commitments from:** {{ winning_return }}      **Report date:** {{ date }}")
    para(doc, "**Attestation:** {{ attestation }}")
    t = ReportTable(doc, "Rating and social value", ["Rating (s.71)", "Rating basis", "Net £ expected to date", "Net £ forecast"], [4.25] * 4)
    t.row(["{{ rating }}", "{{ rating_basis }}", "{{ sv_expected }}", "{{ sv_forecast }}"], style="Key Figure")
    space(doc)
    tag(doc, "{%p if provisional %}")
    para(doc, "**{{ provisional_text }}**")
    tag(doc, "{%p endif %}")
    figure_table(doc, "Amount")

    doc.add_heading("Rating", level=2)
    para(doc, "The contract's performance rating is **{{ rating }}**, {{ method_name }}, from the {{ rating_basis }} figures. "
              "Both shares are shown: by value {{ share_value }}, by count {{ share_count }}.")
    tag(doc, "{%p for r in rating_reasons %}")
    doc.add_paragraph("{{ r }}", style="List Bullet")
    tag(doc, "{%p endfor %}")
    para(doc, "Rating bands: {{ rating_text }}", style="Note")

    doc.add_heading("Verification", level=2)
    tag(doc, "{%p for v in verification %}")
    para(doc, "{{ v }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if rejected_claims %}")
    t = ReportTable(doc, "Claims rejected on verification", ["Claim", "Measure", "Period", "£ claimed", "Note"], [1.6, 5.4, 1.6, 2.4, 6.0],
                    figures=(3,))
    t.tag("{%tr for c in rejected_claims %}")
    t.row(["{{ c.claim }}", "{{ c.measure }}", "{{ c.period }}", "{{ c.value }}", "{{ c.note }}"])
    t.tag("{%tr endfor %}")
    space(doc)
    tag(doc, "{%p endif %}")

    doc.add_heading("Delivery against the profile", level=2)
    para(doc, "Cumulative social value (£, monetised benefits) delivered so far against what the commitments lead us to "
              "expect period by period, to the end of the contract.")
    chart(doc, delivery_chart([1000.0 * p for p in range(1, 13)], [900.0, 1700.0, 2300.0], Canvas(1004, 443)),
          TEXT_WIDTH_CM, 7.5, "chart_alt", "Delivery against the profile chart")
    doc.add_paragraph("Figure 1. Delivered (solid line) against expected (dashed line), cumulative, by period.", style="Caption")

    doc.add_heading("Key performance indicators", level=2)
    def kpi_table() -> None:
        para(doc, "The monetised benefits with the largest committed value, each rated from its own progress; one not yet due "
                  "has no rating yet.")
        t = ReportTable(doc, "Key performance indicators", ["Measure", "Progress", "Rating"], [10.0, 2.5, 4.5], figures=(1,))
        t.tag("{%tr for k in kpis %}")
        t.row(["{{ k.id }}  {{ k.name }}", "{{ k.progress }}", "{{ k.rating }}"])
        t.tag("{%tr endfor %}")
        space(doc)
    either(doc, "kpis", kpi_table, "The contract has no monetised benefit commitments to use as key performance indicators.")

    doc.add_heading("Delivery by measure", level=2)
    para(doc, "Every monitored measure at the reporting period: what was committed, what is expected by now, what was "
              "delivered, progress and RAG status. Flows add up period by period; for levels the latest figure counts. A measure "
              "not yet due (before its first period) has no RAG and is left out of the count share.")
    tag(doc, "{%p for t in themes %}")  # a table per theme under its own heading: no merged band rows in the data
    doc.add_heading("{{ t.name }}", level=3)
    t = ReportTable(doc, "Delivery: {{ t.name }}", ["Measure", "Unit", "Committed", "Expected to date", "Delivered", "Progress", "RAG"],
                    [5.6, 1.9, 2.0, 2.2, 2.0, 1.7, 1.6], figures=(2, 3, 4, 5))
    t.tag("{%tr for m in t.measures %}")
    t.row(["{{ m.id }}  {{ m.name }}", "{{ m.unit }}", "{{ m.committed }}", "{{ m.expected }}", "{{ m.delivered }}", "{{ m.progress }}", "{{ m.rag }}"])
    t.tag("{%tr endfor %}")
    space(doc)
    tag(doc, "{%p endfor %}")
    para(doc, "RAG: {{ rag_text }}", style="Note")

    doc.add_heading("Shortfalls and recovery actions", level=2)
    def shortfall_table() -> None:
        para(doc, "Benefits behind their expected delivery, furthest behind first, with the recovery actions on the supplier's Actions log.")
        t = ReportTable(doc, "Shortfalls and recovery actions", ["Measure", "Expected", "Delivered", "Short by", "Progress", "RAG", "Recovery actions"],
                        [4.2, 1.7, 1.7, 1.7, 1.6, 1.3, 4.8], figures=(1, 2, 3, 4))
        t.tag("{%tr for s in shortfalls %}")
        t.row(["{{ s.id }}  {{ s.name }} ({{ s.unit }})", "{{ s.expected }}", "{{ s.delivered }}", "{{ s.gap }}", "{{ s.progress }}", "{{ s.rag }}", "{{ s.actions }}"])
        t.tag("{%tr endfor %}")
        space(doc)
    either(doc, "shortfalls", shortfall_table, "No benefit is behind its expected delivery.")

    doc.add_heading("Harms", level=2)
    def harm_table() -> None:
        para(doc, "Harms (such as emissions) and lower-is-better measures: the commitment is a ceiling; progress falls as delivery runs over it.")
        t = ReportTable(doc, "Harms", ["Measure", "Unit", "Committed", "Expected to date", "Delivered", "Progress", "RAG"],
                        [5.6, 1.9, 2.0, 2.2, 2.0, 1.7, 1.6], figures=(2, 3, 4, 5))
        t.tag("{%tr for h in harms %}")
        t.row(["{{ h.id }}  {{ h.name }}", "{{ h.unit }}", "{{ h.committed }}", "{{ h.expected }}", "{{ h.delivered }}", "{{ h.progress }}", "{{ h.rag }}"])
        t.tag("{%tr endfor %}")
        space(doc)
    either(doc, "harms", harm_table, "The contract has no harm or lower-is-better commitments.")

    doc.add_heading("Forecast", level=2)
    para(doc, "{{ forecast_text }}")
    t = ReportTable(doc, "Social value by theme", ["Theme", "Committed", "Expected to date", "Delivered"], [7.4, 3.2, 3.2, 3.2], figures=(1, 2, 3))
    t.tag("{%tr for t in themes %}")
    t.row(["{{ t.name }}", "{{ t.committed }}", "{{ t.expected }}", "{{ t.delivered }}"])
    t.tag("{%tr endfor %}")
    t.row(["All themes", "{{ sv_committed }}", "{{ sv_expected }}", "{{ sv_delivered }}"], style="Table Band")
    space(doc)
    para(doc, "Net social value in pounds after deadweight, harms subtracted.", style="Note")

    doc.add_heading("Actions log", level=2)
    def action_table() -> None:
        t = ReportTable(doc, "Actions log", ["Measure", "Issue", "Recovery action", "Owner", "Due", "Status"], [1.8, 4.2, 5.0, 2.3, 2.0, 1.7])
        t.tag("{%tr for a in actions %}")
        t.row(["{{ a.measure }}", "{{ a.issue }}", "{{ a.action }}", "{{ a.owner }}", "{{ a.due }}", "{{ a.status }}"])
        t.tag("{%tr endfor %}")
        space(doc)
    either(doc, "actions", action_table, "The Actions log is empty.")

    doc.add_heading("Findings", level=2)
    def finding_table() -> None:
        para(doc, "Points raised when the delivery workbook was read. None of them blocked monitoring.")
        t = ReportTable(doc, "Findings", ["Severity", "Where", "Finding"], [1.9, 3.2, 11.9])
        t.tag("{%tr for f in findings %}")
        t.row(["{{ f.severity }}", "{{ f.where }}", "{{ f.message }}"])
        t.tag("{%tr endfor %}")
        space(doc)
    either(doc, "findings", finding_table, "The delivery workbook was read without warnings or notes.")

    doc.add_heading("Method", level=2)
    for line in (
        "**Expected to date.** A flow (money, hours, people) is expected to build up evenly: by period k of n, k ÷ n of the "
        "commitment (from a later first period when the workbook gives one). A level (a ratio, a yes/no, a headcount) is "
        "expected in full, and its latest reported figure counts.",
        "**Progress.** Delivered ÷ expected, capped at 100% (none before a measure's first period: not yet due). For a harm or a lower-is-better "
        "measure, 100% while at or under the expected figure, else expected ÷ delivered.",
        "**Shares and rating.** The value share is £ of benefit delivered ÷ £ of benefit expected to date (capped at 100%); the "
        "count share is the share of the measures due that are Green. The rating follows the Procurement Act 2023 (s.71) "
        "categories, from the claimed figures or, under rating_basis = validated, from the claimed figures less the claims "
        "rejected on verification.",
        "**Net, benefit and harms.** Net social value delivered is benefits less harms. The value rating uses benefit alone: "
        "a harm is shown in its own section and in the count share, never netted off the benefit the rating compares.",
    ):
        para(doc, line)
    return doc


def portfolio() -> DocumentObject:
    """The portfolio report: every monitored contract, for scrutiny committees."""
    doc = new_document("Social value delivery: portfolio")
    header_footer(doc, "Social value delivery: portfolio, {{ date }}", "{{ framework_name }}, version {{ framework_version }}")
    doc.add_heading("Social value delivery: portfolio", level=1)
    doc.add_paragraph("{{ framework_name }}, version {{ framework_version }}", style="Subtitle")
    para(doc, "**Report date:** {{ date }}")
    para(doc, "{{ counts_text }}")
    t = ReportTable(doc, "Portfolio totals", ["Committed", "Expected to date", "Delivered", "Delivered ÷ expected"], [4.25] * 4)
    t.row(["{{ total.committed }}", "{{ total.expected }}", "{{ total.delivered }}", "{{ total.share }}"], style="Key Figure")
    space(doc)
    figure_table(doc, "All contracts")

    doc.add_heading("Contracts by rating", level=2)
    para(doc, "Procurement Act 2023 (s.71) performance ratings, {{ method_name }}. Validated: benefit claimed less the claims "
              "rejected on verification.")
    tag(doc, "{%p if provisional_text %}")
    para(doc, "{{ provisional_text }}")
    tag(doc, "{%p endif %}")
    t = ReportTable(doc, "Contracts per rating", ["Rating", "Contracts"], [6.0, 2.5], figures=(1,))
    t.tag("{%tr for r in ratings %}")
    t.row(["{{ r.rating }}", "{{ r.count }}"])
    t.tag("{%tr endfor %}")
    space(doc)
    t = ReportTable(doc, "Contracts by rating", ["Rating", "Contract", "Supplier", "Period", "Value share", "Count share", "Net delivered",
                                                 "Net expected", "Benefit validated"],
                    [2.4, 2.0, 2.8, 1.4, 1.4, 1.4, 1.9, 1.9, 1.9], figures=(4, 5, 6, 7, 8))
    t.tag("{%tr for c in contracts %}")
    t.row(["{{ c.rating }}", "{{ c.reference }}", "{{ c.supplier }}", "{{ c.period }}", "{{ c.share_value }}", "{{ c.share_count }}",
           "{{ c.delivered }}", "{{ c.expected }}", "{{ c.validated }}"])
    t.tag("{%tr endfor %}")
    space(doc)

    doc.add_heading("By theme", level=2)
    para(doc, "Net social value (£, harms subtracted) committed, expected by each contract's reporting period, and delivered.")
    t = ReportTable(doc, "Social value by theme", ["Theme", "Contracts", "Committed", "Expected to date", "Delivered", "Delivered ÷ expected"],
                    [5.0, 1.8, 2.6, 2.6, 2.6, 2.4], figures=(1, 2, 3, 4, 5))
    t.tag("{%tr for t in themes %}")
    t.row(["{{ t.name }}", "{{ t.contracts }}", "{{ t.committed }}", "{{ t.expected }}", "{{ t.delivered }}", "{{ t.share }}"])
    t.tag("{%tr endfor %}")
    t.row(["{{ total.name }}", "{{ total.contracts }}", "{{ total.committed }}", "{{ total.expected }}", "{{ total.delivered }}", "{{ total.share }}"], style="Table Band")
    space(doc)

    doc.add_heading("By supplier", level=2)
    t = ReportTable(doc, "Social value by supplier", ["Supplier", "Contracts", "Committed", "Expected to date", "Delivered", "Delivered ÷ expected"],
                    [5.0, 1.8, 2.6, 2.6, 2.6, 2.4], figures=(1, 2, 3, 4, 5))
    t.tag("{%tr for s in suppliers %}")
    t.row(["{{ s.name }}", "{{ s.contracts }}", "{{ s.committed }}", "{{ s.expected }}", "{{ s.delivered }}", "{{ s.share }}"])
    t.tag("{%tr endfor %}")
    space(doc)

    doc.add_heading("Files not used", level=2)
    def rejected_table() -> None:
        para(doc, "These delivery workbooks had errors that block monitoring; each error names the cell to correct.")
        t = ReportTable(doc, "Rejected delivery workbooks", ["File", "Why it was rejected"], [5.0, 12.0])
        t.tag("{%tr for r in rejected %}")
        t.tag("{%tr for e in r.errors %}")
        t.row(["{{ r.file }}", "{{ e }}"])
        t.tag("{%tr endfor %}")
        t.tag("{%tr endfor %}")
        space(doc)
    either(doc, "rejected", rejected_table, "No delivery workbook was rejected.")
    tag(doc, "{%p if superseded %}")
    para(doc, "Earlier files for a contract, replaced by a later reporting period:")
    t = ReportTable(doc, "Superseded delivery workbooks", ["File", "Replaced by"], [8.5, 8.5])
    t.tag("{%tr for s in superseded %}")
    t.row(["{{ s.file }}", "{{ s.by }}"])
    t.tag("{%tr endfor %}")
    space(doc)
    tag(doc, "{%p endif %}")
    para(doc, "RAG: {{ rag_text }} Ratings: {{ rating_text }}", style="Note")
    return doc


def main() -> None:
    """Write both templates next to this script."""
    save_reproducibly(delivery(), DELIVERY)
    save_reproducibly(portfolio(), PORTFOLIO)
    print(f"wrote {DELIVERY.name} and {PORTFOLIO.name}")


if __name__ == "__main__":
    main()
