"""Render page 1 of a sample evaluation report to docs/sample-report-page1.png (LibreOffice and poppler).

Run from the repository root:  python scripts/report_screenshot.py [--sample riverside-care-coop.xlsx] [--dpi 100]
Needs ``soffice`` (LibreOffice) and ``pdftoppm`` (poppler-utils) on the PATH.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from svexcel.core import paths
from svexcel.framework.model import load_framework
from svexcel.panel.marks import read_quality
from svexcel.tender.reports.reporter import Reporter
from svexcel.tender.results import Competition, ReturnResult
from svexcel.tender.return_reader import read_return
from svexcel.tender.scoring import assess, compete

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "sample-report-page1.png"


def sample_report(sample: str) -> bytes:
    """The evaluation report of one shipped sample, scored against all the samples with the sample quality scores."""
    framework = load_framework(paths.DEFAULT_FRAMEWORK)
    marks, _ = read_quality(paths.SAMPLE_QUALITY, framework)
    returns = [r for r in (read_return(p, framework) for p in sorted(paths.SAMPLES.glob("*.xlsx"))) if not r.rejected]
    scores = compete(framework, [assess(framework, r.quantities, r.contract_value) for r in returns], [marks.get(r.file, {}) for r in returns])
    results = [ReturnResult(r, s) for r, s in zip(returns, scores, strict=False)]
    competition = Competition.of(framework, results, "2026-11-28", paths.SAMPLE_QUALITY.name)
    chosen = next((r for r in results if r.file == sample), None)
    if chosen is None:
        sys.exit(f"No scored sample named {sample}; choose one of: {', '.join(r.file for r in results)}")
    return Reporter(framework).evaluation(chosen, competition)


def main() -> None:
    """Write the PNG of page 1."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", default="riverside-care-coop.xlsx", help="sample return to report on")
    parser.add_argument("--dpi", type=int, default=100, help="resolution of the PNG")
    args = parser.parse_args()
    soffice, pdftoppm = shutil.which("soffice") or shutil.which("libreoffice"), shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        sys.exit("This script needs LibreOffice (soffice) and poppler-utils (pdftoppm).")
    with tempfile.TemporaryDirectory(prefix="svexcel-shot-") as tmp:
        work = Path(tmp)
        report = work / "sample-report.docx"
        report.write_bytes(sample_report(args.sample))
        subprocess.run([soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(work), str(report)], check=True, capture_output=True, timeout=300)
        subprocess.run([pdftoppm, "-png", "-r", str(args.dpi), "-f", "1", "-l", "1", "-singlefile",
                        str(work / "sample-report.pdf"), str(work / "page1")], check=True)
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "page1.png", OUTPUT)
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
