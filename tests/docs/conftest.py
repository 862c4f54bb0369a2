"""Report how many doc examples ran and which were skipped, and why."""

from __future__ import annotations

import pytest

from .test_docs import RAN, SKIPPED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not RAN["commands"] and not RAN["doctests"]:
        return
    terminalreporter.write_line(
        f"docs: {RAN['commands']} console commands and {RAN['doctests']} doctest examples "
        f"ran; {RAN['skipped']} commands skipped"
    )
    for line in SKIPPED:
        terminalreporter.write_line(f"  skipped {line}")
