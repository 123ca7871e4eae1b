"""SPEC §8, reading a folder: every command reads subfolders too and accounts for every file, by its path in the folder,
with the same findings (an .ods is not-xlsx, "save it as .xlsx"); lock and hidden files are skipped and named. A single
file given as an option is checked by the same rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from commands import BY_NAME, Command, accounted, copy_inputs, svexcel

from svexcel.core.paths import SAMPLE_OTHER_CRITERIA, SAMPLES
from svexcel.run.inputs import WORKBOOK, input_file, input_folder

NOT_XLSX = "save it as an Excel Workbook (.xlsx)"
DAMAGED = "damaged or incomplete"
ODD = {  # file → (finding type, or None for the command's not-a-…; what its message says)
    "libre.ods": ("not-xlsx", NOT_XLSX),
    "old.xls": ("not-xlsx", NOT_XLSX),
    "figures.csv": ("not-xlsx", NOT_XLSX),
    "notes.txt": (None, "is not a"),
    "lot-1/broken.xlsx": ("file-corrupt", DAMAGED),
    "lot-2/broken.xlsx": ("file-corrupt", DAMAGED),  # the same name in another subfolder: another input
    "lot-2/Broken.xlsx": ("file-corrupt", DAMAGED),  # differs only in case: another input
}
SKIPPED = ("~$lock.xlsx", ".hidden.xlsx", ".cache/")


def odd_folder(command: Command, folder: Path) -> Path:
    """The command's good inputs with every kind of odd file beside them and in subfolders."""
    copy_inputs(command, folder)
    for name in ODD:
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_bytes(b"PK\x03\x04 not really" if name.endswith(".xlsx") else b"not a workbook")
    for name in ("~$lock.xlsx", ".hidden.xlsx", ".cache/cached.xlsx"):
        (folder / name).parent.mkdir(exist_ok=True)
        shutil.copy(next(command.samples.glob("*.xlsx")), folder / name)
    return folder


def test_every_input_is_accounted_for_by_its_path(command: Command, tmp_path: Path) -> None:
    inputs = odd_folder(command, tmp_path / "inputs")
    done = svexcel(command.argv(inputs, tmp_path / command.output), tmp_path)
    said = (done.stdout + done.stderr).splitlines()
    assert done.returncode == command.rejected_exit, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for name, (_, fragment) in ODD.items():  # on the console: each by its path, with how to fix it
        assert any(name in line and fragment in line for line in said), (name, said)
    note = next(line for line in said if "skipped 3 Excel lock or hidden file(s)" in line)
    assert all(name in note for name in SKIPPED)
    listed = accounted(command, tmp_path / command.output)  # in the output: each with its finding
    for name, (kind, fragment) in ODD.items():
        assert fragment in listed[name], (name, listed)
        if command.name != "panel":  # the panel's Not evaluated sheet gives the reason only
            assert f"[{kind or command.not_one}]" in listed[name], (name, listed)
    assert not any(name.lstrip(".~$").startswith(("lock", "hidden", "cache")) for name in listed)


@pytest.mark.parametrize("option", ["--framework", "--quality", "--other-criteria"])
@pytest.mark.parametrize("suffix", [".ods", ".xls", ".csv"])
def test_a_workbook_given_as_an_option_is_checked_as_an_input(option: str, suffix: str, tmp_path: Path) -> None:
    given = shutil.copy(SAMPLE_OTHER_CRITERIA, tmp_path / f"given{suffix}")  # a real workbook, under a name svexcel refuses
    extra = ["--assessment-summaries"] if option == "--other-criteria" else []
    done = svexcel(["batch", str(SAMPLES), "--out", "out", option, str(given), *extra], tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"given{suffix} is a {suffix} file, not an Excel workbook (.xlsx)" in done.stderr and "[not-xlsx]" in done.stderr
    assert "file-corrupt" not in done.stderr and not (tmp_path / "out").exists()


def test_an_opendocument_file_named_xlsx_is_not_xlsx_everywhere(tmp_path: Path) -> None:
    import zipfile

    fake = tmp_path / "framework.xlsx"
    with zipfile.ZipFile(fake, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", "<office:document-content/>")
    done = svexcel(["template", "--framework", str(fake), "-o", "blank.xlsx"], tmp_path)
    assert done.returncode == 2 and "[not-xlsx]" in done.stderr and "OpenDocument" in done.stderr, done.stderr
    assert not (tmp_path / "blank.xlsx").exists()


def test_the_reader_api_for_other_commands(tmp_path: Path) -> None:
    # What issue 15's `delivery verify DIR` and `--verification FILE` call: the listing and the single-file check.
    folder = odd_folder(BY_NAME["batch"], tmp_path / "in")
    listing = input_folder(folder, WORKBOOK, exclude=folder / "libre.ods")
    names = [i.name for i in listing.inputs]
    assert names == sorted(names) and "libre.ods" not in names and "lot-2/Broken.xlsx" in names
    assert {i.name: i.problem.type for i in listing.inputs if i.problem} == {
        "old.xls": "not-xlsx", "figures.csv": "not-xlsx", "notes.txt": "not-xlsx"}  # damaged ones are for the reader to find
    assert listing.skipped == (".cache/", ".hidden.xlsx", "~$lock.xlsx") and listing.notes()
    assert input_file(folder / "libre.ods").problem.type == "not-xlsx"  # type: ignore[union-attr]
    assert input_file(next(SAMPLES.glob("*.xlsx"))).problem is None
