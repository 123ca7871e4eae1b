"""Where the project's own files are, for tests at any depth of tests/."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"


def guides_text() -> str:
    """Every page written for people (guides, getting started, the Lite edition), not the reference generated from code."""
    pages = [p for p in DOCS.rglob("*.md") if "_build" not in p.parts and "reference" not in p.parts and p.name != "findings.md"]
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(pages))
