"""An officer's own Word templates are checked like the shipped ones (SPEC §10): a warning per problem, naming the
rule and the place, from ``batch`` and ``delivery batch``; the run goes on and its exit code is unchanged."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from docx import Document
from docx.shared import Pt, RGBColor
from project import ROOT

from svexcel.core.paths import ASSESSMENT_TEMPLATE, COMPARISON_TEMPLATE, DELIVERY_TEMPLATE, EVALUATION_TEMPLATE, SAMPLES
from svexcel.framework.model import Framework
from svexcel.tender.reports.reporter import Reporter

SVEXCEL = [sys.executable, "-m", "svexcel"]


def restyled(template: Path, target: Path, *, small: str | None = None, pale: str | None = None) -> Path:
    """A copy of a shipped template with one style made too small (8 pt) and another too pale (#BBBBBB on white)."""
    doc = Document(str(template))
    if small:
        doc.styles[small].font.size = Pt(8)
    if pale:
        doc.styles[pale].font.color.rgb = RGBColor(0xBB, 0xBB, 0xBB)
    doc.save(str(target))
    return target


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SVEXCEL, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_batch_warns_of_each_problem_in_an_officers_templates(tmp_path: Path) -> None:
    ours = restyled(EVALUATION_TEMPLATE, tmp_path / "our-report.docx", small="Table Text", pale="Heading 2")
    comparison = restyled(COMPARISON_TEMPLATE, tmp_path / "our-comparison.docx", small="Caption")
    result = run("batch", str(SAMPLES), "--out", str(tmp_path / "out"), "--template", str(ours), "--comparison-template", str(comparison))
    assert result.returncode == 0, result.stderr  # warnings: every report is still written
    warnings = [line for line in result.stderr.splitlines() if "[accessibility-" in line]
    assert len(warnings) == 3, result.stderr
    assert any(line.startswith("WARNING our-report.docx: table ") and "Text in style Table Text is 8 pt" in line
               and line.endswith("[accessibility-text-size]") for line in warnings)
    assert any(line.startswith("WARNING our-report.docx: the paragraph 'Summary' (style Heading 2)") and "#BBBBBB on #FFFFFF" in line
               and "contrast of 1.9:1" in line and line.endswith("[accessibility-contrast]") for line in warnings)
    assert any(line.startswith("WARNING our-comparison.docx: the paragraph 'Figure 1.") and "Text in style Caption is 8 pt" in line
               for line in warnings)
    log = (tmp_path / "out" / "svexcel.log").read_text()
    assert log.count("[accessibility-") == 3 and "our-report.docx: warning:" in log
    assert len(list((tmp_path / "out" / "reports").glob("*.docx"))) == 6


def test_shipped_templates_given_as_ones_own_raise_no_warning(tmp_path: Path) -> None:
    ours = shutil.copy(EVALUATION_TEMPLATE, tmp_path / "copy.docx")
    result = run("batch", str(SAMPLES), "--out", str(tmp_path / "out"), "--template", str(ours))
    assert result.returncode == 0 and "accessibility" not in result.stderr, result.stderr


def test_delivery_batch_warns_too(tmp_path: Path) -> None:
    ours = restyled(DELIVERY_TEMPLATE, tmp_path / "our-delivery.docx", pale="Table Text")
    result = run("delivery", "batch", str(ROOT / "workbooks" / "delivery-samples"), "--out", str(tmp_path / "out"), "--template", str(ours))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "[accessibility-" in line]
    assert len(warnings) == 1 and warnings[0].startswith("WARNING our-delivery.docx: table ") and "(#BBBBBB on #FFFFFF)" in warnings[0]


def test_an_assessment_template_is_checked_with_the_examples(tmp_path: Path, framework: Framework) -> None:
    ours = restyled(ASSESSMENT_TEMPLATE, tmp_path / "our-summary.docx", small="Note")
    reporter = Reporter(framework, assessment_template=ours)
    assert [(f.type, f.severity, f.file) for f in reporter.accessibility] == [("accessibility-text-size", "warning", "our-summary.docx")]
    assert "Text in style Note is 8 pt" in reporter.accessibility[0].message
    assert Reporter(framework, assessment=True).accessibility == []  # the shipped templates are not checked on every batch
