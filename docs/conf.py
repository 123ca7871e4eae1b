"""Sphinx configuration for svexcel's documentation: MyST Markdown pages, the Furo theme, and reference pages
generated from the code (the CLI by sphinx-click; Settings, file formats and the bands by _ext/svexcel_docs.py).

Build:  .venv/bin/sphinx-build -W --keep-going docs docs/_build   (tests/docs/test_docs_build.py does this)
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

from svexcel.core.version import __version__  # noqa: E402

project = "svexcel"
author = "svexcel contributors"
copyright = "svexcel contributors"
version = release = __version__
language = "en_GB"

extensions = ["myst_parser", "sphinx_click", "svexcel_docs"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "README.md"]
root_doc = "index"

myst_heading_anchors = 4  # [text](page.md#a-heading) links are checked against real headings
myst_enable_extensions = ["colon_fence", "deflist"]
suppress_warnings: list[str] = []  # every warning fails the build (-W): broken links, missing anchors, orphan pages
smartquotes = False  # options such as --out stay as typed, never turned into dashes

html_theme = "furo"
html_title = f"svexcel {__version__}"
html_static_path: list[str] = []
html_show_sourcelink = False
