"""What every command shares: the consoles, the one-line error, the exit status, JSON out.

Every user-facing problem is one line on stderr naming the file and what was expected,
and the exit status is 2; the other files of the same call are still processed.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Optional

import typer
from rich.console import Console

from checker.errors import InputError

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_BAD_INPUT = 2


def report_error(error: InputError | str) -> None:
    err.print(f"error: {error}", markup=False)


def report_fact_problems(file: str, problems: list[str]) -> None:
    """A fact extractor that failed (a bug): one line each on stderr; the letter is still used."""
    for problem in problems:
        err.print(f"warning: {file}: case facts incomplete, extractor {problem} (please report this file)",
                  markup=False, highlight=False, soft_wrap=True)


def parse_date_option(value: Optional[str], option: str = "--as-of") -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected a date as YYYY-MM-DD, got {value!r}", param_hint=option) from None


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
