"""`imr-check compare PATH...`: predict every disputed item of many letters and score it.

Data flows one way: collect files -> read letter -> predict items -> score -> report.
"""
from __future__ import annotations

import datetime as dt
import signal
from pathlib import Path
from typing import List, Optional

import typer

from checker.console import EXIT_BAD_INPUT, err, out, parse_date_option, report_error, report_fact_problems
from checker.errors import InputError
from checker.vocab import IMR_START, Family, Kind

# --family takes a family, or a kind of service for all its families (physical_medicine, injections,
# medications ...); a name that is both (imaging, surgery, other) is the family: the kind surgery is
# `--family surgery --family surgical_service`.
KINDS = {k.value: [f.value for f in Family if f.kind is k] for k in Kind if k.value not in Family.__members__}
FAMILIES = [f.value for f in Family] + list(KINDS)


def compare(
    paths: List[Path] = typer.Argument(..., metavar="PATH...", show_default=False,
                                       help="letters (.txt, .pdf) or directories holding them (searched recursively)"),
    jobs: int = typer.Option(1, "--jobs", "-j", min=0, metavar="N",
                             help="compare letters in N worker processes (0: one per CPU); the output is the same as with 1"),
    json_file: Optional[str] = typer.Option(None, "--json", metavar="FILE",
                                            help="write the summary, items and errors as JSON ('-': to stdout, instead of the report)"),
    jsonl_file: Optional[str] = typer.Option(None, "--jsonl", metavar="FILE",
                                             help="write each letter's item records (and error lines) to FILE as it finishes"),
    resume: bool = typer.Option(False, "--resume",
                                help="with --jsonl: skip the letters FILE already holds complete and read their records back from it"),
    csv_file: Optional[str] = typer.Option(None, "--csv", metavar="FILE", help="write the item rows as CSV"),
    html_file: Optional[str] = typer.Option(None, "--html", metavar="FILE", help="save the report as an HTML page"),
    family: Optional[List[str]] = typer.Option(None, "--family", metavar="F",
                                               help="only items of this treatment family, or of every family of "
                                                    "this kind of service (repeatable): " + ", ".join(FAMILIES)),
    both_formats: bool = typer.Option(False, "--both-formats",
                                      help="compare CASE.txt and CASE.pdf when both exist (default: the .txt only, so each case counts once)"),
    undated: Optional[str] = typer.Option(None, "--undated", metavar="DATE",
                                          help="apply the guidelines of this day to letters that date neither the request nor the UR decision, nor anything after the injury (default: 2013-07-01, when IMR began: no IMR letter concerns an earlier request)"),
):
    """Compare predictions with the real IMR decisions of letters.

    Each disputed item is predicted from its item line and the clinical case summary
    alone (never the decision, guideline lines or rationale), then set beside the IMR
    decision. The report lists every item, the coverage, accuracy, Overturned recall and
    precision and Cohen's kappa beside the always-"Upheld" baseline, overall and per
    family, scored on the covered items and on all items (Not covered counted as
    Upheld), then each disagreement with what the rules and the reviewer cited.

    A file that cannot be read as a letter is reported on one line on stderr and
    listed under errors; the run goes on.

    \b
    Exit status: 0 when every file was compared;
                 2 when any path or file could not be compared (after comparing
                   all the others), no letter was found, or an option is invalid.
    """
    try:
        code = _run(paths, jobs, json_file, jsonl_file, resume, csv_file, html_file, family, both_formats, undated)
    except InputError as e:
        report_error(e)
        code = EXIT_BAD_INPUT
    except (Stopped, KeyboardInterrupt) as e:
        signum = e.signum if isinstance(e, Stopped) else signal.SIGINT
        message = f"compare stopped by {signal.Signals(signum).name}"
        if jsonl_file:
            message += f"; the letters done are in {jsonl_file}, and --resume goes on from there"
        report_error(message)
        code = 128 + signum
    raise typer.Exit(code)


class Stopped(Exception):
    """The run received SIGTERM (or SIGHUP): unwind, so the workers are killed and the journal closed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class _stop_on_signals:
    """While letters are compared, SIGTERM and SIGHUP raise Stopped in the main thread."""

    SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)

    def __enter__(self):
        def stop(signum, frame):
            raise Stopped(signum)

        self.previous = {}
        for sig in self.SIGNALS:
            try:
                self.previous[sig] = signal.signal(sig, stop)
            except ValueError:  # not the main thread (a test runner): nothing to install
                pass
        return self

    def __exit__(self, *exc):
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def _families(values: Optional[List[str]]) -> Optional[list[str]]:
    if not values:
        return None
    chosen: list[str] = []
    for v in values:
        key = v.strip().lower().replace("-", "_").replace(" ", "_")
        if key not in FAMILIES:
            raise InputError("--family", None, f"expected one of {', '.join(FAMILIES)}; got {v!r}")
        chosen += KINDS.get(key, [key])
    return list(dict.fromkeys(chosen))


def _run(paths, jobs, json_file, jsonl_file, resume, csv_file, html_file, family, both_formats, undated) -> int:
    from .collect import collect_letters, file_key
    from .export import check_writable, comparison_json, write_csv, write_json
    from .journal import Journal, letter_digest, read_journal, run_header
    from .predict import LetterOutcome
    from .report import report
    from .run import Run, default_jobs
    from .score import summarize
    from .view import build_view, run_info

    families = _families(family)
    if resume and not jsonl_file:
        raise InputError("--resume", None, "needs --jsonl FILE, the journal of the run to resume")
    try:
        day = parse_date_option(undated, "--undated") or IMR_START
    except typer.BadParameter as e:
        raise InputError("--undated", None, e.message) from None
    for path, what in ((json_file, "JSON file"), (jsonl_file, "JSONL journal"), (csv_file, "CSV file"),
                       (html_file, "HTML file")):
        check_writable(path, what)
    if jsonl_file == "-":
        raise InputError("--jsonl", None, "expected a file name (the journal is read back by --resume)")

    files, path_errors = collect_letters(paths, both_formats=both_formats)
    errors = [{"file": e.file, "error": str(e)} for e in path_errors]
    for e in path_errors:
        report_error(e)

    if not files:  # nothing to compare: the errors above say why; no summary of zeros
        return EXIT_BAD_INPUT

    header = run_header(day)
    outcomes: list[Optional[LetterOutcome]] = [None] * len(files)
    contents = None
    if resume:
        contents = read_journal(jsonl_file)
        contents.refuse_other_settings(jsonl_file, header)
        changed = 0
        for i, f in enumerate(files):
            done = contents.letters.get(file_key(f))
            if done is None:
                continue
            digest, records = done
            if digest is None or digest != letter_digest(f):
                changed += 1  # edited since it was compared: compare it again
                continue
            outcomes[i] = LetterOutcome(f, [{**r, "file": f} for r in records], sha256=digest)
        again = f" ({changed} changed since, compared again)" if changed else ""
        err.print(f"resuming: {sum(o is not None for o in outcomes)} of {len(files)} letters read back from "
                  f"{jsonl_file}{again}", markup=False, highlight=False)
    todo = [i for i, o in enumerate(outcomes) if o is None]

    journal = Journal(jsonl_file, resume, header, has_header=contents is not None and contents.header is not None) \
        if jsonl_file else None
    try:
        workers = default_jobs() if jobs == 0 else jobs
        with _stop_on_signals(), Run([files[i] for i in todo], day, workers) as run, _progress(len(todo)) as advance:
            for k, outcome in run:
                outcomes[todo[k]] = outcome
                if journal:
                    journal.write(outcome)
                if outcome.error is not None:
                    report_error(outcome.error)
                elif outcome.records:
                    report_fact_problems(outcome.file, outcome.records[0]["fact_problems"])
                advance()
    finally:
        if journal:
            journal.close()

    records: list[dict] = []
    compared = 0
    for outcome in outcomes:
        assert outcome is not None
        if outcome.error is not None:
            errors.append({"file": outcome.file, "error": outcome.error})
            continue
        compared += 1
        records += [r for r in outcome.records if families is None or r["family"] in families]
    summary = summarize(records, letters=compared, errors=len(errors), family_filter=families)

    view = build_view(records, summary, errors)
    parts = report(view)
    if json_file != "-":
        for part in parts:
            out.print(part)
    if json_file:
        write_json(json_file, comparison_json(summary, records, errors))
    if csv_file:
        write_csv(csv_file, records)
    if html_file:
        from .html import write_html

        write_html(html_file, view, run_info(paths, families, day, undated is not None, both_formats))
    return 0 if compared and not errors else EXIT_BAD_INPUT


class _progress:
    """A progress bar on stderr while letters are compared, only when stderr is a terminal."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def __enter__(self):
        if not err.is_terminal or self.total == 0:
            return lambda: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("comparing letters"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            TimeRemainingColumn(), console=err, transient=True)
        self.bar.start()
        task = self.bar.add_task("compare", total=self.total)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
