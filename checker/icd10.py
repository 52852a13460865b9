"""ICD-10-CM code validation backed by simple-icd-10-cm.

The library parses its 10 MB XML tabular list on import (about 1.5 s here), which
would dominate the CLI's start-up. So it is imported only when a code must be
checked, and the set of valid codes it yields is cached in the user's cache
directory, keyed by the library's version: later runs read a 1 MB text file instead.
The library stays the only source of truth for what a valid code is.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib import metadata
from pathlib import Path

_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")


def normalize(code: str) -> str:
    """' m54.5 ' -> 'M54.5'; 'S335XXA' -> 'S33.5XXA'."""
    code = code.strip().upper().replace(" ", "")
    if "." not in code and len(code) > 3:
        code = code[:3] + "." + code[3:]
    return code


def cache_dir() -> Path:
    """Where files derived from the ICD-10-CM library are kept ($XDG_CACHE_HOME/imr-checker)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "imr-checker"


def _cache_file() -> Path:
    return cache_dir() / f"icd10cm-codes-{metadata.version('simple-icd-10-cm')}.txt"


@lru_cache(maxsize=1)
def _valid_codes() -> frozenset[str]:
    path = _cache_file()
    try:
        return frozenset(path.read_text(encoding="ascii").split())
    except OSError:
        pass
    icd = icd10cm()  # slow import: only on a cache miss

    codes = frozenset(
        code
        for code in icd.get_all_codes(with_dots=True)
        if not (icd.is_chapter(code) or icd.is_block(code))
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("\n".join(sorted(codes)), encoding="ascii")
        tmp.replace(path)
    except OSError:
        pass  # a read-only home only costs speed
    return codes


def icd10cm():
    """The simple-icd-10-cm module. Its import parses the code tables through importlib.resources
    calls that Python deprecates (read_text, open_text): those warnings are silenced for that
    import only, since they are the library's and say nothing to our users."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm
    return simple_icd_10_cm


def is_valid(code: str) -> bool:
    """True when code is an ICD-10-CM category or (sub)code, with or without its dot."""
    code = normalize(code)
    return bool(_SHAPE.match(code)) and code in _valid_codes()
