"""A private temporary folder for one run: every temporary file of the run (its spools, and the libraries' own, such
as openpyxl's and xlsxwriter's) goes in it, and it is removed as the run ends, however it ends (SPEC §8: an
interrupted run leaves nothing in the temporary directory)."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .interrupts import signals_deferred

TEMP_VARIABLES = ("TMPDIR", "TEMP", "TMP")  # what tempfile (and a spawned worker) looks at


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """Make a new folder in the temporary directory the temporary directory of this process (and its workers) for the
    block, then remove it with all in it."""
    folder = Path(tempfile.mkdtemp(prefix="svexcel-run-"))
    before = tempfile.tempdir, {name: os.environ.get(name) for name in TEMP_VARIABLES}
    tempfile.tempdir = str(folder)
    os.environ.update(dict.fromkeys(TEMP_VARIABLES, str(folder)))
    try:
        yield folder
    finally:
        with signals_deferred():
            tempfile.tempdir = before[0]
            for name, value in before[1].items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            shutil.rmtree(folder, ignore_errors=True)
