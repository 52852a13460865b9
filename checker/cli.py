"""imr-check: the command line (check, rules; letter and compare live with their packages).

Heavy modules are imported inside the commands so `imr-check --help` starts fast.
"""
from __future__ import annotations

import errno
import gc
import logging
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperArgument, TyperCommand

from checker import __version__
from checker.compare.command import compare
from checker.console import EXIT_BAD_INPUT, out, parse_date_option, print_json, report_error
from checker.errors import InputError
from checker.letters.command import letter

log = logging.getLogger(__name__)

app = typer.Typer(add_completion=True, no_args_is_help=True, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Predict IMR outcomes for California workers' compensation treatment requests from MTUS/ODG rules.")


class _Argument(TyperArgument):
    """An argument shown in help by its metavar alone ("FILE..."), not as typer writes
    a list of paths ("{files}...", "files... <list[Path]>")."""

    def _usage_display_name(self) -> str:
        return self.metavar or super()._usage_display_name()

    def _rich_display_name(self) -> str:
        return self.metavar or super()._rich_display_name()

    def display_type_rich(self, ctx):
        return None if self.metavar else super().display_type_rich(ctx)

    def make_metavar(self, *args, **kwargs) -> str:
        return self.metavar or super().make_metavar(*args, **kwargs)


class _Command(TyperCommand):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument) and param.metavar:
                param.__class__ = _Argument


def _print_version(value: bool) -> None:
    if value:
        out.print(f"imr-check {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="print the version of imr-check and exit"),
) -> None:
    """Predict IMR outcomes for California workers' compensation treatment requests from MTUS/ODG rules."""
    if ctx.invoked_subcommand != "check":  # check collects from its second file on (main's policy)
        _collect_from_here()


@app.command(cls=_Command)
def check(
    files: List[Path] = typer.Argument(..., metavar="FILE...", help="request files (YAML or JSON)", show_default=False),
    as_json: bool = typer.Option(False, "--json", help="print JSON instead of the report"),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE",
                                        help="apply the guidelines in force on this date (YYYY-MM-DD)"),
    packs: List[Path] = typer.Option([], "--rules", metavar="DIR",
                                     help="add a rule pack (a directory of rule files); repeatable; also $IMR_RULE_PACKS"),
):
    """Precheck treatment requests: decision, certifiable quantity, cited reasons, missing documentation."""
    from checker.report.check_report import item_json, print_report
    from checker.request.load import check_as_of, load_request

    try:
        day = parse_date_option(as_of)
    except typer.BadParameter as e:  # one line, like every other input error (not click's usage block)
        report_error(f"--as-of: {e.message}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    checker = _checker_or_exit(packs)
    items, errors = [], []
    for n, path in enumerate(files):
        if n:  # the first file's check built the tables loaded on first use (vocabularies, ICD-10-CM index)
            _collect_from_here()
        try:
            request = load_request(path)
            check_as_of(path, request, day)
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


@app.command(cls=_Command)
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


app.command(cls=_Command)(letter)
app.command(cls=_Command)(compare)


GC_THRESHOLD = 10_000  # allocations between collections of the youngest generation (Python's default: 700)
_collector_paused = False


def _collect_from_here() -> None:
    """End main's start-up pause of the garbage collector: what is alive now (modules, the rule base,
    the Checker) lives to the end, so it is frozen out of the collector's walks."""
    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        gc.freeze()
        gc.enable()


def main(prog_name: str | None = None) -> None:
    """Run the command; output that cannot be written (a full disk, a closed pipe) is one line and exit 2."""
    # Start-up builds ~1.4 x 10^5 long-lived objects the collector tracks (the command's modules,
    # pydantic models, the rule base, vocabularies) and almost no garbage: collecting during it
    # walks them again and again, 35-55 ms of a 0.5 s `check`. So the collector is paused until
    # the command has built what it keeps (check: its Checker and the tables its first file loads;
    # other commands: until they start), a bounded amount of work whatever the input; then it runs
    # at a threshold of 10,000 allocations (default 700), so the rest of a run collects less often.
    global _collector_paused
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    if gc.isenabled():
        gc.disable()
        _collector_paused = True
    code = 0
    try:
        app(prog_name=prog_name)
    except SystemExit as e:
        code = e.code
    except OSError as e:  # raised while writing stdout: every input error is caught in the commands
        _output_failed(e)
    try:
        sys.stdout.flush()  # here, not at interpreter exit, where a failure is a warning and exit 120
    except OSError as e:
        _output_failed(e)
    # The interpreter's shutdown collects garbage over every object still alive (the rule base, the
    # ICD-10-CM index): ~0.3 s of a 1 s `check`. Freezing them spares that walk; output is flushed
    # above and atexit handlers (temporary directories, logging) still run.
    gc.freeze()
    sys.exit(code)


def _output_failed(error: OSError) -> None:
    try:  # what is still buffered goes nowhere, so the interpreter's last flush cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    if error.errno != errno.EPIPE:  # a reader that stopped early (| head) needs no message
        report_error(f"cannot write the output: {error.strerror or error}")
    sys.exit(EXIT_BAD_INPUT)


if __name__ == "__main__":
    main()
