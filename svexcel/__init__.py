"""svexcel: score social value returns in Excel and report them in Word.

The public surface is loaded on first use, so importing one module of the package (a UDF module, the Lite
code) loads only what that module needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .core.version import __version__

_PUBLIC = {
    "Finding": "svexcel.core.findings",
    "Framework": "svexcel.framework.model", "FrameworkError": "svexcel.framework.model", "load_framework": "svexcel.framework.model",
    "Competition": "svexcel.tender.results", "ReturnResult": "svexcel.tender.results",
    "Return": "svexcel.tender.return_reader", "read_return": "svexcel.tender.return_reader",
    "Assessment": "svexcel.tender.scoring", "Score": "svexcel.tender.scoring", "assess": "svexcel.tender.scoring",
    "compete": "svexcel.tender.scoring",
}

__all__ = [
    "Assessment", "Competition", "Finding", "Framework", "FrameworkError", "Return", "ReturnResult", "Score",
    "__version__", "assess", "compete", "load_framework", "read_return",
]

if TYPE_CHECKING:
    from .core.findings import Finding
    from .framework.model import Framework, FrameworkError, load_framework
    from .tender.results import Competition, ReturnResult
    from .tender.return_reader import Return, read_return
    from .tender.scoring import Assessment, Score, assess, compete


def __getattr__(name: str) -> Any:
    """A public name, imported from its module when first asked for."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'svexcel' has no attribute {name!r}")
    return getattr(import_module(_PUBLIC[name]), name)
