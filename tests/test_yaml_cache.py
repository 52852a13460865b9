"""The parsed-YAML cache of rule and vocabulary files (checker.kb.yaml_cache): what a user relies on
is that a cached load gives exactly what parsing gives, that an edited file is never read from a
stale entry, and that a cache directory that is unwritable, corrupt or tampered with only costs speed."""
from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest
import yaml

from checker.errors import InputError
from checker.kb import yaml_cache
from checker.kb.load import _Loader, _read_yaml, load_kb

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "imr-checker" / f"yaml-{yaml_cache.FORMAT}"


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.pickle")) if cache.is_dir() else []


def test_every_bundled_file_reads_the_same_from_the_cache(cache):
    files = sorted((ROOT / "rules").glob("*.yaml")) + sorted((ROOT / "rules" / "vocab").glob("*.yaml"))
    first = [_read_yaml(p) for p in files]  # parsed, and kept
    assert len(_entries(cache)) == len({p.read_bytes() for p in files})
    second = [_read_yaml(p) for p in files]  # read back
    for path, parsed, cached in zip(files, first, second):
        assert cached == parsed, path.name
        assert cached == yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader), path.name
    assert load_kb(ROOT / "rules").rules == load_kb(ROOT / "rules").rules


def test_an_edited_file_is_parsed_again(cache, tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("effective: {start: 2009-07-18}\nitems: [a, b]\n", encoding="utf-8")
    assert _read_yaml(path) == {"effective": {"start": dt.date(2009, 7, 18)}, "items": ["a", "b"]}
    assert _read_yaml(path) == {"effective": {"start": dt.date(2009, 7, 18)}, "items": ["a", "b"]}
    path.write_text("effective: {start: 2009-07-19}\nitems: [a, b]\n", encoding="utf-8")
    assert _read_yaml(path) == {"effective": {"start": dt.date(2009, 7, 19)}, "items": ["a", "b"]}


def test_malformed_yaml_is_an_error_every_time_and_never_cached(cache, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("rules: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError, match="malformed YAML"):
            _read_yaml(path)
    assert _entries(cache) == []


def test_a_corrupt_or_foreign_entry_is_a_miss(cache, tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    _read_yaml(path)
    [entry] = _entries(cache)
    entry.write_bytes(b"\x80\x05garbage")
    assert _read_yaml(path) == {"a": 1}
    entry.write_bytes(pickle.dumps({"a": Path("/")}))  # a class YAML's safe loader never builds
    assert _read_yaml(path) == {"a": 1}
    entry.write_bytes(pickle.dumps({"a": 2}))  # what an entry holds is trusted: it is the user's own cache
    assert _read_yaml(path) == {"a": 2}


def test_a_cache_directory_that_cannot_be_made_only_costs_speed(tmp_path, monkeypatch):
    """(A cache path that is a file: root ignores a read-only directory's mode, this fails for every user.)"""
    blocker = tmp_path / "cache"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = tmp_path / "x.yaml"
    path.write_text("a: [1, 2]\n", encoding="utf-8")
    assert _read_yaml(path) == {"a": [1, 2]}
    assert _read_yaml(path) == {"a": [1, 2]}


def test_the_cache_is_bounded(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_cache, "MAX_ENTRIES", 5)
    for i in range(12):
        path = tmp_path / f"f{i}.yaml"
        path.write_text(f"n: {i}\n", encoding="utf-8")
        assert _read_yaml(path) == {"n": i}
    assert len(_entries(cache)) == 5
