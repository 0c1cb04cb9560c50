"""Compatibility: `lawfinder.report.write_report`, as documented; the report lives in results."""

from lawfinder.results.html_report import write_report

__all__ = ["write_report"]
