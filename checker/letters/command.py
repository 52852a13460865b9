"""`imr-check letter FILE [--json]`: one IMR letter read back, with its case facts and evidence."""
from __future__ import annotations

from pathlib import Path

import typer

from checker.console import EXIT_BAD_INPUT, report_error


def letter(
    files: list[Path] = typer.Argument(..., help="IMR letters (.txt or .pdf)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON instead of the report"),
):
    """Read IMR final determination letters: header, reviewer, items and decisions, case facts with evidence."""
    report_error("imr-check letter is not implemented yet")
    raise typer.Exit(EXIT_BAD_INPUT)
