"""Read an IMR letter file (.txt in any common encoding, or a text PDF) into plain text.

The result is layout text like ``pdftotext -layout`` writes: lines separated by "\\n",
pages by "\\f", and a blank line wherever the page leaves a paragraph-sized vertical gap
(pdfium's own text has no blank lines, so they are put back from the line positions).

Every problem with the file is an InputError naming it; the work per file is bounded:
at most MAX_BYTES read (a regular file, checked before reading), and a PDF read in a child
process bounded in memory and CPU time (pdf_sandbox.py) and to MAX_PAGES pages.
"""
from __future__ import annotations

import codecs
import os
import re
from typing import Literal

from checker.errors import InputError
from checker.files import BadFile, read_bounded
from checker.letters.pdf import MAX_PAGES, PdfProblem  # noqa: F401 (MAX_PAGES: the bound, documented here)

MAX_BYTES = 20 * 1024 * 1024

# Control characters that never occur in a real text letter (tab, LF, CR, FF are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_EXPECTED = "expected an IMR letter (.txt or text .pdf)"


def _too_large(size: int) -> str:
    return f"file too large ({size:,} bytes; the limit is {MAX_BYTES // 2**20} MB for an IMR letter)"


def read_letter_text(path: str | os.PathLike) -> tuple[str, Literal["txt", "pdf"]]:
    """The letter's text and the format it was read from ("pdf" or "txt")."""
    file = str(path)
    try:
        data = read_bounded(path, MAX_BYTES)  # fstat first: a FIFO or device could block or never end
    except BadFile as e:
        raise InputError(file, None, {
            "missing": "cannot read file: No such file or directory",
            "directory": f"is a directory; {_EXPECTED}",
            "special": f"not a regular file; {_EXPECTED}",
            "too_large": _too_large(e.detail or 0),
            "unreadable": f"cannot read file: {e.detail}",
        }[e.kind]) from None
    if not data.strip():
        raise InputError(file, None, f"empty file; {_EXPECTED}")
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return pdf_text(data, file), "pdf"
    if file.lower().endswith(".pdf"):
        raise InputError(file, None, "not a PDF (no %PDF- header); expected a text PDF or .txt")
    return decode_text(data, file), "txt"


def decode_text(data: bytes, file: str) -> str:
    """Bytes of a text letter as str: BOM-marked UTF-8/16/32, else UTF-8, else cp1252/latin-1."""
    text = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise InputError(file, None, f"not valid {codec.upper()} text despite its byte-order mark") from None
            break
    if text is None:
        if b"\x00" in data:
            raise InputError(file, None, "binary data (NUL bytes), not a text letter; expected a text PDF or .txt")
        for codec in ("utf-8", "cp1252", "latin-1"):
            try:
                text = data.decode(codec)
                break
            except UnicodeDecodeError:
                continue
    assert text is not None  # latin-1 decodes any bytes
    sample = text[:65536]  # garbage shows at once; no need to scan 20 MB
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise InputError(file, None, "binary data (mostly non-printable), not a text letter; expected a text PDF or .txt")
    if not text.strip():
        raise InputError(file, None, f"empty file; {_EXPECTED}")
    return text


def pdf_text(data: bytes, file: str) -> str:
    """Text of a PDF, pages joined by form feeds, read in the bounded sandbox (pdf_sandbox.py)."""
    from checker.letters.pdf_sandbox import read_pdf

    try:
        return read_pdf(data)
    except PdfProblem as problem:
        raise InputError(file, None, str(problem)) from None
