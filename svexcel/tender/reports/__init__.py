"""Word reports (docxtpl): an evaluation per scored return and a comparison of all returns."""

from .errors import ReportTemplateError
from .reporter import Reporter

__all__ = ["ReportTemplateError", "Reporter"]
