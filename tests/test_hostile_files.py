"""Files that are not letters or rule files: read with fstat first and never without bound (issue 12, item 4).

A named pipe would block a reader until some writer came (and the other files would never be
read), /dev/zero never ends, a sparse file of 3 GB costs 3 GB to read. `letter`, `compare`
and the rule base refuse each with one line, in bounded memory (tests/hostile.py), and go on.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from checker.files import BadFile, read_bounded
from checker.kb.load import rules_dir
from tests.hostile import ROOT, assert_one_error, error_lines, run

LETTER = ROOT / "samples" / "letters" / "CM99-0000101_acupuncture_overturned.txt"


@pytest.fixture()
def hostile(tmp_path) -> dict[str, Path]:
    """A named pipe, a device and a 3 GB sparse file, each named like a letter."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    sparse = tmp_path / "huge.pdf"
    with open(sparse, "wb") as f:
        f.truncate(3 * 2**30)
    return {"pipe": fifo, "device": Path("/dev/zero"), "sparse": sparse}


SAYS = {"pipe": "not a regular file", "device": "not a regular file", "sparse": "file too large (3,221,225,472 bytes"}


@pytest.mark.parametrize("kind", list(SAYS))
def test_letter_refuses_it_and_reads_the_other_letter(hostile, kind):
    done = run("letter", hostile[kind], LETTER, "--json")
    assert_one_error(done, hostile[kind], SAYS[kind])
    report = json.loads(done.stdout)
    assert [letter["file"] for letter in report["letters"]] == [str(LETTER)]


@pytest.mark.parametrize("kind", list(SAYS))
def test_compare_refuses_it_and_compares_the_other_letter(hostile, kind):
    done = run("compare", hostile[kind], LETTER, "--json", "-")
    assert_one_error(done, hostile[kind], SAYS[kind])
    report = json.loads(done.stdout)
    assert {i["file"] for i in report["items"]} == {str(LETTER)}


@pytest.mark.parametrize("kind", ["pipe", "sparse"])
def test_a_rule_file_that_is_not_one_is_refused(tmp_path, hostile, kind):
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    target = rules / "zz_hostile.yaml"
    if kind == "pipe":
        os.mkfifo(target)
    else:
        os.symlink(hostile["sparse"], target)
    done = run("rules", "--check", IMR_RULES_DIR=str(rules))
    assert done.returncode == 2
    (line,) = error_lines(done)
    assert line.startswith(f"error: {target}: cannot be read as UTF-8 YAML (")
    assert ("not a regular file" if kind == "pipe" else "larger than") in line


def test_read_bounded_reads_at_most_the_limit_plus_one_byte(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100) == b"x" * 100
    with pytest.raises(BadFile) as caught:
        read_bounded(path, 99)
    assert (caught.value.kind, caught.value.detail) == ("too_large", 100)
    for name, kind in ((tmp_path, "directory"), (tmp_path / "none", "missing"), ("/dev/zero", "special")):
        with pytest.raises(BadFile) as caught:
            read_bounded(name, 10)
        assert caught.value.kind == kind
