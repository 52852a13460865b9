"""Compare many letters, in this process or in a pool of worker processes.

Each worker builds its Checker once (the rule base compiles in a fraction of a second)
and compares whole letters, a few per task (see chunk_size). Outcomes arrive in
completion order, tagged with their index in the input, so the caller can stream them
(journal, progress) and still put them back in input order: ``--jobs N`` gives exactly
the output of ``--jobs 1``.

The worker processes are started (forked, on Linux) when the run is entered, before the
caller starts anything threaded such as a progress bar. Forked workers inherit the
Checker the parent built just before (the rule base loaded once, not once per worker).
A family's durable-rules ruleset is still compiled in each worker on first use: compiling
every family up front costs more than the few a worker needs.

A worker that dies (a crash in native code: pdfium, durable-rules) breaks the whole pool,
and every letter still in it is lost. Those letters are compared again afterwards, each in
a process of its own: the one that crashes is reported as an error, the others compared.

Workers die with the run: on Linux each asks the kernel for SIGKILL when its parent dies
(PR_SET_PDEATHSIG), so `kill -9` of the run leaves no worker holding its output pipe or
journal; a run stopped by an exception (SIGTERM, Ctrl-C: see command.py) kills its workers
before it returns. Workers ignore SIGINT: Ctrl-C in a terminal reaches the whole process
group, and only the run decides what to do about it.

Each outcome carries the SHA-256 of the letter's bytes, hashed just before it is compared,
for the journal (--resume redoes a letter whose bytes changed).
"""
from __future__ import annotations

import datetime as dt
import gc
import os
import signal
import sys
from typing import TYPE_CHECKING, Iterator, Optional

from .predict import LetterComparer, LetterOutcome

if TYPE_CHECKING:  # multiprocessing is imported only for a run with workers (--jobs 2 and more)
    from concurrent.futures import Future, ProcessPoolExecutor

_WORKER: Optional[LetterComparer] = None
_INHERITED: Optional[LetterComparer] = None  # built by the parent just before forking its workers


def _long_lived(comparer: LetterComparer) -> LetterComparer:
    """The comparer with what it keeps to the end of the run loaded (the rule base with it, the
    ICD-10-CM title index, ~10^6 small lists, on first use otherwise), frozen out of the
    garbage collector: each full collection walked them all again, ~2 ms per letter of a
    71-letter run (0.49 -> 0.35 CPU-s, bench_compare). Frozen once per run, before any letter
    (and before forking workers, which inherit it). Not collected first (50 ms): the few
    garbage cycles alive then (~20 objects) stay, as they would at the CLI's start-up freeze."""
    from checker.diagnosis.index import default_index

    default_index()
    gc.freeze()
    return comparer


def _init_worker(undated: dt.date) -> None:
    global _WORKER
    from checker.letters.pdf_sandbox import die_with_parent

    die_with_parent(signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):  # not the run's handlers, inherited through fork: just end
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    inherited = _INHERITED
    _WORKER = inherited if inherited is not None and inherited.undated == undated else _long_lived(LetterComparer(undated))


def _compare_in_worker(files: list[str]) -> list[LetterOutcome]:
    assert _WORKER is not None
    return [_compare(_WORKER, f) for f in files]


def _compare(comparer: LetterComparer, file: str) -> LetterOutcome:
    from .journal import letter_digest

    digest = letter_digest(file)
    outcome = comparer.compare(file)
    outcome.sha256 = digest
    return outcome


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


MAX_CHUNK = 8


def chunk_size(files: int, jobs: int) -> int:
    """Letters per task: a few, to spare the per-task overhead, but at least four tasks
    per worker so the work still spreads evenly and the journal and progress move."""
    return max(1, min(MAX_CHUNK, files // (4 * jobs)))


class Run:
    """``with Run(files, undated, jobs) as run: for index, outcome in run: ...``"""

    def __init__(self, files: list[str], undated: dt.date, jobs: int = 1):
        self.files = list(files)
        self.undated = undated
        self.jobs = max(1, min(jobs, len(self.files)))
        self._pool: Optional[ProcessPoolExecutor] = None
        self._futures: dict[Future, int] = {}
        self._context = None  # multiprocessing's default start method, or fork on Linux

    def __enter__(self) -> "Run":
        if self.jobs > 1:
            import multiprocessing

            global _INHERITED
            if sys.platform.startswith("linux"):
                self._context = multiprocessing.get_context("fork")
                _INHERITED = _long_lived(LetterComparer(self.undated))
            self._pool = self._new_pool(self.jobs)
            size = chunk_size(len(self.files), self.jobs)
            self._futures = {self._pool.submit(_compare_in_worker, self.files[i: i + size]): i
                             for i in range(0, len(self.files), size)}
        return self

    def _new_pool(self, workers: int) -> "ProcessPoolExecutor":
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(workers, mp_context=self._context, initializer=_init_worker,
                                   initargs=(self.undated,))

    def __iter__(self) -> Iterator[tuple[int, LetterOutcome]]:
        if self._pool is None:
            if not self.files:
                return
            comparer = _long_lived(LetterComparer(self.undated))
            for i, f in enumerate(self.files):
                yield i, _compare(comparer, f)
            return
        from concurrent.futures import as_completed

        lost: list[int] = []
        for future in as_completed(self._futures):
            start = self._futures[future]
            try:
                outcomes = future.result()
            except Exception:  # BrokenProcessPool: a worker died, and with it every task in the pool
                lost.append(start)
                continue
            for k, outcome in enumerate(outcomes):
                yield start + k, outcome
        size = chunk_size(len(self.files), self.jobs)
        if lost:  # the broken pool's threads end before new workers are forked (fork copies one thread)
            self._pool.shutdown(wait=True)
        for start in sorted(lost):
            for i in range(start, min(start + size, len(self.files))):
                yield i, self._alone(self.files[i])

    def _alone(self, file: str) -> LetterOutcome:
        """One letter in a worker process of its own, so a crash is pinned on the letter that causes it."""
        pool = self._new_pool(1)
        try:
            return pool.submit(_compare_in_worker, [file]).result()[0]
        except Exception as e:
            problem = " ".join(f"{type(e).__name__}: {e}".split())[:300]
            return LetterOutcome(file, error=f"{file}: not compared, the process comparing it failed ({problem})")
        finally:
            pool.shutdown(wait=True)

    def __exit__(self, exc_type, *_) -> None:
        global _INHERITED
        if self._pool is not None:
            if exc_type is not None:  # stopped (SIGTERM, Ctrl-C, a full disk): no letter is waited for
                _kill_workers(self._pool)
            self._pool.shutdown(wait=True, cancel_futures=exc_type is not None)
            self._pool = None
        _INHERITED = None
        sandbox = sys.modules.get("checker.letters.pdf_sandbox")
        if sandbox is not None:  # this process's PDF reader is done (its CPU time counted as ours)
            sandbox.close()


def _kill_workers(pool: "ProcessPoolExecutor") -> None:
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass


def compare_files(files: list[str], undated: dt.date, jobs: int = 1) -> list[LetterOutcome]:
    """Every file's outcome, in input order."""
    outcomes: list[Optional[LetterOutcome]] = [None] * len(files)
    with Run(files, undated, jobs) as run:
        for i, outcome in run:
            outcomes[i] = outcome
    return outcomes  # type: ignore[return-value]
