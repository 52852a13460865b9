"""A cache of parsed YAML for the rule base and vocabulary files, keyed by each file's content.

Parsing the ~60 YAML files of the rule base and vocabularies takes ~0.1 s of every CLI start,
even with libyaml; unpickling what they parsed to takes ~6 ms. Policy:
1. An entry is the parsed data of one file, named by the SHA-256 of the file's bytes (and the
   PyYAML version, the loader and this format's number): an edited file has another name, so a
   stale entry is never read. Only what the YAML loader returned is kept: the data is validated
   by the pydantic schemas on every load as before, and a file that fails to parse is never cached.
2. The cache lives in $XDG_CACHE_HOME/imr-checker/yaml-<format> (~/.cache when unset). A
   directory that cannot be read or written only costs speed: the file is parsed, silently.
3. Entries are unpickled with a loader that accepts only what YAML's safe loader builds (plain
   containers, strings, numbers, dates): anything else, a truncated or corrupt entry, is a miss.
4. It is bounded: when a write makes more than MAX_ENTRIES entries, the oldest are removed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import pickle
import threading
from pathlib import Path

import yaml

FORMAT = 1
MAX_ENTRIES = 400  # the bundled base has ~75 files; edits and packs add more
_SAFE_GLOBALS = {("datetime", "date"): dt.date, ("datetime", "datetime"): dt.datetime,
                 ("datetime", "timezone"): dt.timezone, ("datetime", "timedelta"): dt.timedelta}


class _SafeUnpickler(pickle.Unpickler):
    """Builds only what YAML's safe loader builds; any other class is refused (a miss)."""

    def find_class(self, module: str, name: str):
        try:
            return _SAFE_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not YAML data") from None


def _directory() -> Path:
    from checker.icd10 import cache_dir

    return cache_dir() / f"yaml-{FORMAT}"


def _entry(raw: bytes, loader: type) -> Path:
    key = hashlib.sha256(raw)
    key.update(f"\0{yaml.__version__}\0{loader.__name__}".encode())
    return _directory() / f"{key.hexdigest()}.pickle"


def get(raw: bytes, loader: type) -> tuple[bool, object]:
    """(True, data) when the file with these bytes was parsed before, else (False, None)."""
    try:
        with open(_entry(raw, loader), "rb") as f:
            return True, _SafeUnpickler(io.BytesIO(f.read())).load()
    except Exception:  # missing, unreadable, truncated or not ours: parse the file instead
        return False, None


def put(raw: bytes, loader: type, data: object) -> None:
    """Keep what the file with these bytes parsed to; a failure to write is ignored."""
    try:
        path = _entry(raw, loader)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)  # atomic: a concurrent reader sees the whole entry or none
        _prune(path.parent)
    except Exception:  # a read-only or full cache directory only costs speed
        pass


def _prune(directory: Path) -> None:
    entries = list(directory.iterdir())  # entries, and any .tmp a killed process left
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime)
    for old in entries[: len(entries) - MAX_ENTRIES]:
        old.unlink(missing_ok=True)
