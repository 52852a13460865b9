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
    packs: List[Path] = typer.Option([], "--rules", metavar="DIR",
                                     help="add a rule pack (a directory of rule files); repeatable; also $IMR_RULE_PACKS"),
):
    """Precheck treatment requests: decision, certifiable quantity, cited reasons, missing documentation."""
    from checker.report.check_report import item_json, print_report
    from checker.request.load import load_request

    try:
        day = parse_date_option(as_of)
    except typer.BadParameter as e:  # one line, like every other input error (not click's usage block)
        report_error(f"--as-of: {e.message}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    checker = _checker_or_exit(packs)
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


def _checker_or_exit(packs: List[Path] = ()):
    from checker.check import Checker
    from checker.kb.load import default_kb

    try:
        return Checker(default_kb(packs))
    except InputError as e:
        report_error(e)
        raise typer.Exit(EXIT_BAD_INPUT) from None


@app.command()
def rules(
    check_only: bool = typer.Option(False, "--check", help="validate the rule base and exit"),
    as_json: bool = typer.Option(False, "--json", help="print the rules as JSON"),
    schema: bool = typer.Option(False, "--schema", help="print the JSON Schema of a rule file and exit"),
    packs: List[Path] = typer.Option([], "--rules", metavar="DIR",
                                     help="add a rule pack (a directory of rule files); repeatable; also $IMR_RULE_PACKS"),
):
    """List the rule base as a table, validate it (--check), or print the rule schema (--schema)."""
    from checker.kb.load import load_kb, pack_dirs_from_env

    if schema:
        from checker.kb.schema import rule_file_json_schema

        print_json(rule_file_json_schema())
        return
    try:
        kb = load_kb(packs=[*pack_dirs_from_env(), *packs])
        if check_only:
            from checker.engine.engine import Engine

            engine = Engine(kb)
            engine.compile_all()  # durable-rules refuses some rulesets: compile every family now
    except InputError as e:
        report_error(e)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if check_only:
        confirmed = sum(r.confidence.level == "confirmed" for r in kb.rules)
        pack_note = "".join(f"; pack {p.name}: {sum(v == p.name for v in kb.rule_packs.values())} rules" for p in kb.packs)
        out.print(f"rule base OK: {len(kb.rules)} rules ({confirmed} confirmed against a real letter){pack_note}, "
                  f"{len(engine.checks)} checks compiled, {len(kb.sources)} sources, "
                  f"{len(kb.conditions)} condition and {len(kb.surgeries)} surgery categories in {kb.directory}", soft_wrap=True)
        return
    if as_json:
        print_json([{**r.model_dump(mode="json", by_alias=True, exclude_none=True), "file": kb.rule_files[r.id],
                     "pack": kb.rule_packs.get(r.id)} for r in kb.rules])
        return
    from checker.report.rules_table import rules_table

    out.print(rules_table(kb))


app.command()(letter)
app.command()(compare)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
