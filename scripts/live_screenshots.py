"""Render the live scoring workbook's Dashboard (all well, and with a failing check) and Scores sheets to PNG.

Run from the repository root:  .venv/bin/python scripts/live_screenshots.py [--out docs]
Needs LibreOffice (soffice) and poppler (pdftoppm). Builds the workbook from the shipped samples and a copy with a
proxy cleared (as an officer pressing Delete would), hides every sheet but one in a copy of each (LibreOffice
prints visible sheets only), converts them to PDF, and crops the first page.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from PIL import Image, ImageChops

from svexcel.core.paths import DEFAULT_FRAMEWORK, SAMPLE_QUALITY, SAMPLES
from svexcel.framework.model import load_framework
from svexcel.panel.marks import read_marks
from svexcel.tender.live.workbook import build_from_folder

# PNG name -> (workbook: "built" or "failing", sheet)
SHOTS = {"live-dashboard.png": ("built", "Dashboard"), "live-dashboard-check.png": ("failing", "Dashboard"),
         "live-scores.png": ("built", "Scores")}


def clear_a_proxy(src: Path, dst: Path) -> Path:
    """A copy with the first monetised measure's proxy cleared: the Checks fail and no figures show."""
    wb = load_workbook(src, keep_vba=True)
    ws = wb["Measures"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[4].value == "monetised")
    row[6].value = None
    wb.save(dst)
    return dst


def only_sheet(src: Path, dst: Path, sheet: str) -> Path:
    """Copy a workbook with every sheet but ``sheet`` hidden and ``sheet`` active."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                xml = data.decode("utf-8")
                names = re.findall(r'<sheet [^>]*name="([^"]+)"', xml)
                xml = re.sub(r'activeTab="\d+"', f'activeTab="{names.index(sheet)}"', xml)
                xml = re.sub(r"<sheet [^>]*/>", lambda m: _state(m.group(0), sheet), xml)
                data = xml.encode("utf-8")
            zout.writestr(item, data)
    return dst


def _state(element: str, sheet: str) -> str:
    """A <sheet/> element made visible if it is ``sheet``, hidden otherwise."""
    state = "visible" if f'name="{sheet}"' in element else "hidden"
    element = re.sub(r'\s+state="\w+"', "", element)
    return element.replace("<sheet ", f'<sheet state="{state}" ', 1)


def to_pdf(files: list[Path], outdir: Path) -> None:
    """Convert workbooks to PDF in one LibreOffice call with a throw-away profile."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)],
                       check=True, capture_output=True, timeout=300)


def first_page_png(pdf: Path, png: Path, dpi: int = 110) -> Path:
    """The first page of a PDF as PNG, cropped to its content with a small margin."""
    stem = png.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)], check=True)
    image = Image.open(png).convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    if box:
        margin = 12
        image = image.crop((max(box[0] - margin, 0), max(box[1] - margin, 0),
                            min(box[2] + margin, image.width), min(box[3] + margin, image.height)))
    image.save(png)
    return png


def main() -> None:
    """Build from the samples and write one PNG per entry of SHOTS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        live = build_from_folder(None, work / "live.xlsm", SAMPLES, read_marks(SAMPLE_QUALITY, load_framework(DEFAULT_FRAMEWORK))).path
        books = {"built": live, "failing": clear_a_proxy(live, work / "failing.xlsm")}
        copies = [only_sheet(books[book], work / f"{Path(name).stem}.xlsm", sheet) for name, (book, sheet) in SHOTS.items()]
        to_pdf(copies, work)
        for name in SHOTS:
            png = first_page_png(work / f"{Path(name).stem}.pdf", work / name)
            shutil.copy(png, args.out / name)
            print(args.out / name)


if __name__ == "__main__":
    main()
