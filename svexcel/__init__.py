"""svexcel: score social value returns in Excel and report them in Word."""

from .findings import Finding
from .framework import Framework, FrameworkError, load_framework
from .results import Competition, ReturnResult
from .return_reader import Return, read_return
from .scoring import Assessment, Score, assess, compete

__version__ = "0.1.0"

__all__ = [
    "Assessment", "Competition", "Finding", "Framework", "FrameworkError", "Return", "ReturnResult", "Score",
    "__version__", "assess", "compete", "load_framework", "read_return",
]
