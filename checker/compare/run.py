"""Compare many letters, in this process or in a pool of worker processes.

Each worker builds its Checker once (the rule base compiles in a fraction of a second)
and compares whole letters, a few per task (see chunk_size). Outcomes arrive in
completion order, tagged with their index in the input, so the caller can stream them
(journal, progress) and still put them back in input order: ``--jobs N`` gives exactly
the output of ``--jobs 1``.

The worker processes are started (forked, on Linux) when the run is entered, before the
caller starts anything threaded such as a progress bar.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sys
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Iterator, Optional

from .predict import LetterComparer, LetterOutcome

_WORKER: Optional[LetterComparer] = None


def _init_worker(undated: dt.date) -> None:
    global _WORKER
    _WORKER = LetterComparer(undated)


def _compare_in_worker(files: list[str]) -> list[LetterOutcome]:
    assert _WORKER is not None
    return [_WORKER.compare(f) for f in files]


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

    def __enter__(self) -> "Run":
        if self.jobs > 1:
            context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_init_worker,
                                             initargs=(self.undated,))
            size = chunk_size(len(self.files), self.jobs)
            self._futures = {self._pool.submit(_compare_in_worker, self.files[i: i + size]): i
                             for i in range(0, len(self.files), size)}
        return self

    def __iter__(self) -> Iterator[tuple[int, LetterOutcome]]:
        if self._pool is None:
            if not self.files:
                return
            comparer = LetterComparer(self.undated)
            for i, f in enumerate(self.files):
                yield i, comparer.compare(f)
            return
        for future in as_completed(self._futures):
            start = self._futures[future]
            try:
                outcomes = future.result()
            except Exception as e:  # the worker process died (a crash in a native library)
                problem = " ".join(f"{type(e).__name__}: {e}".split())[:300]
                size = chunk_size(len(self.files), self.jobs)
                outcomes = [LetterOutcome(f, error=f"{f}: not compared, its worker process failed: {problem}")
                            for f in self.files[start: start + size]]
            for k, outcome in enumerate(outcomes):
                yield start + k, outcome

    def __exit__(self, exc_type, *_) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc_type is not None)
            self._pool = None


def compare_files(files: list[str], undated: dt.date, jobs: int = 1) -> list[LetterOutcome]:
    """Every file's outcome, in input order."""
    outcomes: list[Optional[LetterOutcome]] = [None] * len(files)
    with Run(files, undated, jobs) as run:
        for i, outcome in run:
            outcomes[i] = outcome
    return outcomes  # type: ignore[return-value]
