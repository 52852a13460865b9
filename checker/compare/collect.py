"""The letter files named by the command line, in a stable order.

* A file is taken as given, whatever its name (the reader decides whether it is a letter).
* A directory is walked recursively, in sorted order, for *.txt and *.pdf (any case);
  hidden files and directories (".name") are skipped, symlinked directories not followed.
* The same file named twice (or found twice) is compared once, where it first appears.
* One letter in two formats -- CASE.txt and CASE.pdf side by side in one directory -- is
  compared once, from the .txt, so the metrics count each case once; with
  ``both_formats`` both are compared (to see whether the formats give the same answers).
  The pair is recognized by name wherever the files came from (walked or named).

A path that does not exist, or a directory without letters, is an InputError in the
returned list; the other paths are still collected.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from checker.errors import InputError

SUFFIXES = (".txt", ".pdf")


def collect_letters(paths: Iterable[str | os.PathLike], both_formats: bool = False) -> tuple[list[str], list[InputError]]:
    """(letter files in order, problems with the paths)."""
    files: list[str] = []
    errors: list[InputError] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            found = list(_walk(p))
            if not found:
                errors.append(InputError(str(p), None, "no letters (*.txt, *.pdf) in this directory"))
            files.extend(found)
        elif p.exists():
            files.append(str(p))
        else:
            errors.append(InputError(str(p), None, "no such file or directory; expected a letter (.txt, .pdf) or a directory of them"))
    files = _unique(files)
    if not both_formats:
        files = _one_format(files)
    return files, errors


def _walk(top: Path) -> Iterable[str]:
    for root, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith(".") and name.lower().endswith(SUFFIXES):
                yield os.path.join(root, name)


def file_key(file: str | os.PathLike) -> str:
    """The identity of a file however it is named (relative, absolute, through a symlink)."""
    return os.path.normcase(os.path.realpath(file))


def _unique(files: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for f in files:
        k = file_key(f)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def _one_format(files: list[str]) -> list[str]:
    """Drop X.pdf when X.txt is also in the list (same directory, same name)."""
    def stem(f: str) -> str:
        return os.path.normcase(os.path.abspath(f))[:-4]

    texts = {stem(f) for f in files if f.lower().endswith(".txt")}
    return [f for f in files if not (f.lower().endswith(".pdf") and stem(f) in texts)]
