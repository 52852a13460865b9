"""A PDF decompression bomb (issue 12, item 5).

A PDF of about 1 MB whose page stream inflates to 1 GB of zeros (generated here, with the
sample letters' PDF writer): pdfium would inflate it in memory. It is read in the PDF
sandbox (checker/letters/pdf_sandbox.py), bounded in memory and CPU time: one error line,
exit 2, the other letters read, and the whole command stays under tests/hostile.py's
address-space limit (the child inherits it). Under that limit the old in-process reader
died with SIGABRT (issue 12).
"""
from __future__ import annotations

import importlib.util
import json
import zlib
from pathlib import Path

import pytest

from checker.letters import pdf_sandbox
from checker.letters.pdf import PdfProblem
from tests.hostile import ROOT, assert_one_error, run

LETTERS = ROOT / "samples" / "letters"
TEXT_LETTER = LETTERS / "CM99-0000101_acupuncture_overturned.txt"
PDF_LETTER = LETTERS / "CM99-0000303_multi_item.pdf"


def _make_pdf():
    spec = importlib.util.spec_from_file_location("make_pdf", LETTERS / "make_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def flate_bomb(megabytes: int) -> bytes:
    """A zlib stream of `megabytes` MB of zeros, about 1 KB per MB: one compressed megabyte
    repeated (a full flush makes each block stand alone), with the true Adler-32 at the end."""
    zeros = bytes(1 << 20)
    c = zlib.compressobj(9)
    first = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(megabytes):
        adler = zlib.adler32(zeros, adler)
    tail = c.flush()[:-4] + adler.to_bytes(4, "big")
    return first + block * (megabytes - 1) + tail


def bomb_pdf(megabytes: int = 1024) -> bytes:
    stream = flate_bomb(megabytes)
    return _make_pdf().pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ])


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.pdf"
    path.write_bytes(bomb_pdf())
    return path


def test_the_generated_bomb_is_one(bomb):
    data = bomb.read_bytes()
    assert len(data) < 2 * 2**20
    stream = data[data.index(b"stream\n") + 7: data.rindex(b"\nendstream")]
    inflate = zlib.decompressobj()
    size = 0
    while stream and size <= 2**30:
        size += len(inflate.decompress(stream, 64 << 20))
        stream = inflate.unconsumed_tail
    assert size == 2**30 and inflate.eof  # 1 GB from a file of 1 MB, a valid zlib stream


def test_letter_refuses_the_bomb_and_reads_the_other_letters(bomb):
    done = run("letter", bomb, TEXT_LETTER, PDF_LETTER, "--json")
    assert_one_error(done, bomb, "PDF not read: it needs more than")
    assert [letter["file"] for letter in json.loads(done.stdout)["letters"]] == [str(TEXT_LETTER), str(PDF_LETTER)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_compare_refuses_the_bomb_and_compares_the_other_letters(bomb, jobs):
    done = run("compare", bomb, TEXT_LETTER, PDF_LETTER, "--json", "-", "--jobs", jobs)
    assert_one_error(done, bomb, "PDF not read: it needs more than")
    assert {i["file"] for i in json.loads(done.stdout)["items"]} == {str(TEXT_LETTER), str(PDF_LETTER)}


def test_a_pdf_that_ends_the_reader_leaves_it_ready_for_the_next(bomb):
    with pytest.raises(PdfProblem, match=f"more than {pdf_sandbox.MAX_MEMORY // 2**20} MB of memory"):
        pdf_sandbox.read_pdf(bomb.read_bytes())
    assert "Chiropractic manipulation 6 visits" in pdf_sandbox.read_pdf(PDF_LETTER.read_bytes())
    pdf_sandbox.close()


def test_a_pdf_that_takes_too_long_is_stopped_by_its_cpu_time(bomb, monkeypatch):
    pdf_sandbox.close()
    monkeypatch.setattr(pdf_sandbox, "MAX_MEMORY", 4 * 2**30)  # enough to inflate it: time runs out first
    monkeypatch.setattr(pdf_sandbox, "MAX_CPU_SECONDS", 0.05)
    try:
        with pytest.raises(PdfProblem, match="needs more than 0.05 s of CPU time"):
            pdf_sandbox.read_pdf(bomb.read_bytes())
    finally:
        pdf_sandbox.close()
