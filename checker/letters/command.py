"""`imr-check letter FILE... [--json]`: IMR letters read back, with their case facts and evidence."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import List

import typer

from checker.console import EXIT_BAD_INPUT, out, print_json, report_error, report_fact_problems
from checker.errors import InputError

log = logging.getLogger(__name__)


def letter(
    files: List[Path] = typer.Argument(..., metavar="FILE...", show_default=False,
                                       help="IMR final determination letters (.txt or text .pdf)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON instead of the report (see above)"),
):
    """Read IMR final determination letters: header, reviewer, items and decisions, citations, case facts with evidence.

    Each letter is shown with its case number, dates and priority, the expert reviewer's
    licensure and specialty, every disputed item with IMR's decision (Upheld in red,
    Overturned in green), partial-authorization parts, the guideline citations of the
    Claims Administrator and of MAXIMUS, and the facts of the clinical case summary,
    each with the sentence it was read from.

    --json with one FILE prints that letter as one object: {"file", "format",
    "case_number", "date_assigned", "decision_date", "injury_date", "ur_denial_date",
    "application_received", "priority", "reviewer", "summary", "items": [{"item_no",
    "item", "heading", "decision", "original_request", "authorized", "remaining",
    "claims_administrator_guideline", "maximus_guideline", "rationale"}], "facts": {...,
    "evidence": [...]}}; with several FILEs, or one that cannot be read, it prints
    {"letters": [those objects], "errors": [{"file", "error"}]}.

    A file that is not a readable IMR letter (empty, not a letter, scanned PDF without a
    text layer, truncated or encrypted PDF, binary, too large, missing) is reported on one
    line of stderr naming it; the other files are still read, and the exit status is 2.
    """
    from checker.letters.facts import extract_facts
    from checker.letters.parse import load_letter
    from checker.letters.view import letter_json, print_letter

    letters, errors = [], []
    for path in files:
        try:
            parsed = load_letter(path)
            facts = extract_facts(parsed.summary)
        except InputError as e:
            report_error(e)
            errors.append({"file": str(path), "error": str(e)})
            continue
        except Exception as e:  # a parser bug must still be one line, and not stop the other files
            log.debug("letter %s", path, exc_info=True)
            problem = InputError(str(path), None, f"could not be read as an IMR letter (internal error "
                                 f"{type(e).__name__}: {str(e)[:200]}); please report this file")
            report_error(problem)
            errors.append({"file": str(path), "error": str(problem)})
            continue
        report_fact_problems(str(path), facts.problems)
        if as_json:
            letters.append(letter_json(parsed, facts))
        else:  # outside the try: output that cannot be written is no fault of the letter
            print_letter(out, parsed, facts)
    if as_json:
        if len(files) == 1 and letters:
            print_json(letters[0])
        else:
            print_json({"letters": letters, "errors": errors})
    raise typer.Exit(EXIT_BAD_INPUT if errors else 0)
