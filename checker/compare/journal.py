"""The JSONL journal: each letter's records written as soon as the letter is compared.

One JSON object per line:

* first, ``{"type": "run", ...}``: what produced the records -- the imr-check version, a
  fingerprint of its code and of the rule base files (rule packs included), and ``undated``, the one option that
  changes a prediction (``--family`` filters the report, not the records, and
  ``--both-formats`` chooses files, not what a file gives);
* ``{"type": "item", ...record, "sha256"}`` for every item of a compared letter (every item,
  whatever ``--family`` says: a resumed run may use another filter); each carries
  ``letter_items``, the number of items of its letter, and the SHA-256 of the letter's bytes
  as compared;
* ``{"type": "error", "file": ..., "error": ...}`` for a file that could not be compared.

A letter's lines are written with one write and flushed, so a killed run loses at most
the letter being written, and leaves at worst a truncated last line. Reading back
(``--resume``):
  1. The run line must match this run's (run_header); a journal written under other
     settings, or without a run line, is refused with one line: its records would be
     another run's answers.
  2. A letter counts as done when the journal holds all of its items (the last line for each
     item number wins) and its bytes still hash to the recorded SHA-256; a letter edited since
     is compared again (size and time stamps say nothing reliable about content).
  3. A truncated last line is ignored (and cut off before new lines are appended); error
     lines are ignored (the file is tried again: it may have been fixed). Any other line that
     is not a journal record makes the journal an InputError, before any work starts.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Optional

from checker.errors import InputError
from checker.files import BadFile, read_bounded

from .collect import file_key
from .predict import LetterOutcome

SETTINGS = ("checker", "code", "rules", "undated")  # the run line's fields a resumed run must match
_WHAT = {"checker": "imr-check version", "code": "imr-check code", "rules": "rule base",
         "undated": "--undated (guideline date of undated letters)"}


def letter_digest(file: str | os.PathLike) -> Optional[str]:
    """SHA-256 of a letter file's bytes (None when it cannot be read: it is then compared, and fails, again)."""
    from checker.letters.read import MAX_BYTES

    try:
        return hashlib.sha256(read_bounded(file, MAX_BYTES)).hexdigest()
    except BadFile:
        return None


def _tree_digest(root: Path, pattern: str) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob(pattern)):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _rules_digest() -> str:
    """The rule base the run's Checker loads: every YAML file of the bundled rules (vocabularies
    too) and of the rule packs of $IMR_RULE_PACKS."""
    from checker.kb.load import default_kb, rules_dir

    bundled = rules_dir().resolve()
    digest = hashlib.sha256(_tree_digest(bundled, "*.yaml").encode())
    for path in sorted({Path(f).resolve() for f in default_kb().files}):
        if bundled not in path.parents:
            digest.update(str(path).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def run_header(undated: dt.date) -> dict:
    """What produced a run's records: the version and code of imr-check, its rule base, --undated."""
    from checker import __version__

    package = Path(__file__).resolve().parent.parent
    return {"type": "run", "checker": __version__, "code": _tree_digest(package, "*.py"),
            "rules": _rules_digest(), "undated": undated.isoformat()}


def outcome_lines(outcome: LetterOutcome) -> str:
    if outcome.error is not None:
        rows = [{"type": "error", "file": outcome.file, "error": outcome.error}]
    else:
        rows = [{"type": "item", **r, "sha256": outcome.sha256} for r in outcome.records]
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


@dataclass
class JournalContents:
    header: Optional[dict] = None  # the run line
    letters: dict[str, tuple[Optional[str], list[dict]]] = field(default_factory=dict)  # file_key -> (sha256, records)

    def refuse_other_settings(self, path: str, header: dict) -> None:
        """InputError unless these records were made under `header`'s settings (point 1)."""
        if self.header is None:
            if self.letters:
                raise InputError(path, None, "has no run line (written by an older imr-check): its settings are "
                                 "unknown; start a new journal")
            return
        for key in SETTINGS:
            if self.header.get(key) != header[key]:
                raise InputError(path, None, f"was written with another {_WHAT[key]} ({self.header.get(key)}; this run: "
                                 f"{header[key]}); resume with the same settings, or start a new journal")


def read_journal(path: str | os.PathLike) -> JournalContents:
    """The run line and the records of every letter the journal holds complete."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a pipe would block, a device never end
            raise InputError(str(path), None, "is not a regular file; expected the JSONL journal of a run to resume")
        with open(path, encoding="utf-8", errors="replace") as f:  # a cut-off last character is no error
            text = f.read()
    except FileNotFoundError:
        return JournalContents()
    except OSError as e:
        raise InputError(str(path), None, f"cannot read the JSONL journal: {e.strerror or e}") from None
    lines = text.split("\n")
    contents = JournalContents()
    items: dict[str, dict[int, dict]] = {}
    expected: dict[str, int] = {}
    digests: dict[str, Optional[str]] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        row = _row(line)
        if row is None:
            if n == len(lines):  # the last line, cut short by a killed run
                continue
            raise InputError(str(path), f"line {n}", "not a record of imr-check compare --jsonl (expected a JSON object with \"type\": \"run\", \"item\" or \"error\")")
        if row["type"] == "run":
            contents.header = row
        elif row["type"] == "item":
            key = file_key(row["file"])
            items.setdefault(key, {})[row["item_no"]] = {k: v for k, v in row.items() if k not in ("type", "sha256")}
            expected[key] = row["letter_items"]
            digests[key] = row.get("sha256")
    for key, by_no in items.items():
        if set(by_no) == set(range(1, expected[key] + 1)):
            contents.letters[key] = (digests[key], [by_no[i] for i in sorted(by_no)])
    return contents


def _row(line: str) -> Optional[dict]:
    try:
        row = json.loads(line)
    except ValueError:
        return None
    if not isinstance(row, dict):
        return None
    if row.get("type") == "run" and all(isinstance(row.get(k), str) for k in SETTINGS):
        return row
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
    """Appends each outcome to the JSONL file: a fresh file starting with the run line `header`,
    or, resuming, the existing one (whose run line, if it has one, the caller checked)."""

    def __init__(self, path: str | os.PathLike, resume: bool, header: dict, has_header: bool = False):
        self.path = str(path)
        try:
            if resume and os.path.exists(self.path):
                _drop_partial_last_line(self.path)
                self._f: IO[str] = open(self.path, "a", encoding="utf-8")
                if not has_header:
                    self._write(json.dumps(header) + "\n")
            else:
                self._f = open(self.path, "w", encoding="utf-8")
                self._write(json.dumps(header) + "\n")
        except OSError as e:
            raise InputError(self.path, None, f"cannot write the JSONL journal: {e.strerror or e}") from None

    def write(self, outcome: LetterOutcome) -> None:
        self._write(outcome_lines(outcome))

    def _write(self, text: str) -> None:
        try:
            self._f.write(text)
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
