"""imr-check: the command line (check, rules; letter and compare live with their packages).

Heavy modules are imported inside the commands so `imr-check --help` starts fast.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import List, Optional

import typer

from checker.compare.command import compare
from checker.console import EXIT_BAD_INPUT, out, parse_date_option, print_json, report_error
from checker.errors import InputError
from checker.letters.command import letter

log = logging.getLogger(__name__)

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Predict IMR outcomes for physical-medicine requests from MTUS/ODG rules.")


@app.command()
def check(
    files: List[Path] = typer.Argument(..., help="request files (YAML or JSON)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON instead of the report"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="apply the guidelines in force on this date (YYYY-MM-DD)"),
):
    """Precheck treatment requests: decision, certifiable quantity, cited reasons, missing documentation."""
    from checker.report.check_report import item_json, print_report
    from checker.request.load import load_request

    try:
        day = parse_date_option(as_of)
    except typer.BadParameter as e:  # one line, like every other input error (not click's usage block)
        report_error(f"--as-of: {e.message}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    checker = _checker_or_exit()
    items, errors = [], []
    for path in files:
        try:
            request = load_request(path)
            results = checker.check(request, as_of=day)
        except InputError as e:
            report_error(e)
            errors.append({"file": str(path), "error": str(e)})
            continue
        except Exception as e:  # a bug must still be one line, and not stop the other files
            log.debug("check %s", path, exc_info=True)
            problem = InputError(str(path), None, f"could not be checked (internal error {type(e).__name__}: "
                                 f"{str(e)[:200]}); please report this file")
            report_error(problem)
            errors.append({"file": str(path), "error": str(problem)})
            continue
        if as_json:
            items += [item_json(str(path), i, r) for i, r in enumerate(results, 1)]
        else:
            print_report(out, str(path), results)
    if as_json:
        print_json({"items": items, "errors": errors})
    raise typer.Exit(EXIT_BAD_INPUT if errors else 0)


def _checker_or_exit():
    from checker.check import Checker

    try:
        return Checker()
    except InputError as e:
        report_error(e)
        raise typer.Exit(EXIT_BAD_INPUT) from None


@app.command()
def rules(
    check_only: bool = typer.Option(False, "--check", help="validate the rule base and exit"),
    as_json: bool = typer.Option(False, "--json", help="print the rules as JSON"),
):
    """List the rule base as a table, or validate it (--check)."""
    from checker.kb.load import load_kb

    try:
        kb = load_kb()
        if check_only:
            from checker.engine.engine import Engine

            engine = Engine(kb)
            engine.compile_all()  # durable-rules refuses some rulesets: compile every family now
    except InputError as e:
        report_error(e)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if check_only:
        confirmed = sum(r.confidence.level == "confirmed" for r in kb.rules)
        out.print(f"rule base OK: {len(kb.rules)} rules ({confirmed} confirmed against a real letter), "
                  f"{len(engine.checks)} checks compiled, {len(kb.sources)} sources, "
                  f"{len(kb.conditions)} condition and {len(kb.surgeries)} surgery categories in {kb.directory}", soft_wrap=True)
        return
    if as_json:
        print_json([{**r.model_dump(mode="json", by_alias=True), "file": kb.rule_files[r.id]} for r in kb.rules])
        return
    from checker.report.rules_table import rules_table

    out.print(rules_table(kb))


app.command()(letter)
app.command()(compare)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
