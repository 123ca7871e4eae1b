"""Render page 1 of a sample assessment summary to docs/sample-assessment-summary-page1.png (LibreOffice and poppler).

Run from the repository root:  python scripts/assessment_screenshot.py [--sample hillside-community-trust] [--dpi 100]
Runs ``svexcel demo`` (which writes the samples' assessment summaries) in a temporary folder.
Needs ``soffice`` (LibreOffice) and ``pdftoppm`` (poppler-utils) on the PATH.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "sample-assessment-summary-page1.png"


def main() -> None:
    """Write the PNG of page 1."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", default="hillside-community-trust", help="sample return (file stem) whose summary to show")
    parser.add_argument("--dpi", type=int, default=100, help="resolution of the PNG")
    args = parser.parse_args()
    soffice, pdftoppm = shutil.which("soffice") or shutil.which("libreoffice"), shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        sys.exit("This script needs LibreOffice (soffice) and poppler-utils (pdftoppm).")
    with tempfile.TemporaryDirectory(prefix="svexcel-shot-") as tmp:
        work = Path(tmp)
        subprocess.run([sys.executable, "-m", "svexcel", "demo", "--out", str(work / "demo")], capture_output=True, timeout=600)
        summary = work / "demo" / "assessment-summaries" / f"{args.sample}.docx"
        if not summary.exists():
            sys.exit(f"The demo wrote no assessment summary for {args.sample}.")
        subprocess.run([soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(work), str(summary)], check=True, capture_output=True, timeout=300)
        subprocess.run([pdftoppm, "-png", "-r", str(args.dpi), "-f", "1", "-l", "1", "-singlefile",
                        str(work / f"{args.sample}.pdf"), str(work / "page1")], check=True)
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "page1.png", OUTPUT)
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
