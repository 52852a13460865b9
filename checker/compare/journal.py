"""The JSONL journal: each letter's records written as soon as the letter is compared.

One JSON object per line:

* ``{"type": "item", ...record}`` for every item of a compared letter (every item, whatever
  ``--family`` says: the filter is applied to the report, so a resumed run may use another);
  each carries ``letter_items``, the number of items of its letter;
* ``{"type": "error", "file": ..., "error": ...}`` for a file that could not be compared.

A letter's lines are written with one write and flushed, so a killed run loses at most
the letter being written, and leaves at worst a truncated last line. Reading back
(``--resume``), a letter counts as done when the journal holds all of its items (the last
line for each item number wins); a truncated last line is ignored (and cut off before
new lines are appended); error lines are ignored (the file is tried again: it may have
been fixed). Any other line that is not a journal record makes the journal an
InputError, before any work starts.
"""
from __future__ import annotations

import json
import os
from typing import IO, Optional

from checker.errors import InputError

from .collect import file_key
from .predict import LetterOutcome


def outcome_lines(outcome: LetterOutcome) -> str:
    if outcome.error is not None:
        rows = [{"type": "error", "file": outcome.file, "error": outcome.error}]
    else:
        rows = [{"type": "item", **r} for r in outcome.records]
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def read_journal(path: str | os.PathLike) -> dict[str, list[dict]]:
    """The records of every letter the journal holds complete, by file_key of the letter."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:  # a cut-off last character is no error
            text = f.read()
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise InputError(str(path), None, f"cannot read the JSONL journal: {e.strerror or e}") from None
    lines = text.split("\n")
    items: dict[str, dict[int, dict]] = {}
    expected: dict[str, int] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        row = _row(line)
        if row is None:
            if n == len(lines):  # the last line, cut short by a killed run
                continue
            raise InputError(str(path), f"line {n}", "not a record of imr-check compare --jsonl (expected a JSON object with \"type\": \"item\" or \"error\")")
        if row["type"] == "item":
            key = file_key(row["file"])
            items.setdefault(key, {})[row["item_no"]] = {k: v for k, v in row.items() if k != "type"}
            expected[key] = row["letter_items"]
    done = {}
    for key, by_no in items.items():
        if set(by_no) == set(range(1, expected[key] + 1)):
            done[key] = [by_no[i] for i in sorted(by_no)]
    return done


def _row(line: str) -> Optional[dict]:
    try:
        row = json.loads(line)
    except ValueError:
        return None
    if not isinstance(row, dict):
        return None
    if row.get("type") == "error" and isinstance(row.get("file"), str):
        return row
    if (row.get("type") == "item" and isinstance(row.get("file"), str) and isinstance(row.get("item_no"), int)
            and isinstance(row.get("letter_items"), int)):
        return row
    return None


def _drop_partial_last_line(path: str) -> None:
    """Cut a line a killed run left unfinished, so appended lines start on a line of their own."""
    with open(path, "r+b") as f:
        size = f.seek(0, os.SEEK_END)
        if size == 0:
            return
        f.seek(-1, os.SEEK_END)
        if f.read(1) == b"\n":
            return
        chunk, end = 1 << 16, size
        while end > 0:  # find the last newline, reading backwards
            start = max(0, end - chunk)
            f.seek(start)
            i = f.read(end - start).rfind(b"\n")
            if i >= 0:
                f.truncate(start + i + 1)
                return
            end = start
        f.truncate(0)


class Journal:
    """Appends each outcome to the JSONL file (a fresh file unless resuming)."""

    def __init__(self, path: str | os.PathLike, resume: bool):
        self.path = str(path)
        try:
            if resume and os.path.exists(self.path):
                _drop_partial_last_line(self.path)
                self._f: IO[str] = open(self.path, "a", encoding="utf-8")
            else:
                self._f = open(self.path, "w", encoding="utf-8")
        except OSError as e:
            raise InputError(self.path, None, f"cannot write the JSONL journal: {e.strerror or e}") from None

    def write(self, outcome: LetterOutcome) -> None:
        try:
            self._f.write(outcome_lines(outcome))
            self._f.flush()
        except OSError as e:  # a full disk: the run cannot keep its journal
            raise self._failed(e) from None

    def close(self) -> None:
        try:
            self._f.close()
        except OSError as e:
            raise self._failed(e) from None

    def _failed(self, error: OSError) -> InputError:
        return InputError(self.path, None, f"cannot write the JSONL journal: {error.strerror or error}")

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
