"""`imr-check compare PATH...`: predict every disputed item of many letters and score it."""
from __future__ import annotations

from pathlib import Path

import typer

from checker.console import EXIT_BAD_INPUT, report_error


def compare(
    paths: list[Path] = typer.Argument(..., help="letters (.txt, .pdf) or directories holding them"),
):
    """Compare predictions with the real IMR decisions of letters."""
    report_error("imr-check compare is not implemented yet")
    raise typer.Exit(EXIT_BAD_INPUT)
