"""Read an IMR letter file (.txt in any common encoding, or a text PDF) into plain text.

The result is layout text like ``pdftotext -layout`` writes: lines separated by "\\n",
pages by "\\f", and a blank line wherever the page leaves a paragraph-sized vertical gap
(pdfium's own text has no blank lines, so they are put back from the line positions).

Every problem with the file is an InputError naming it; the work per file is bounded
by MAX_BYTES and MAX_PAGES.
"""
from __future__ import annotations

import codecs
import os
import re
from typing import Literal

from checker.errors import InputError
from checker.files import BadFile, read_bounded

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 100

# Control characters that never occur in a real text letter (tab, LF, CR, FF are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NO_TEXT = "no text layer; scanned PDF? expected a text PDF or .txt"
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
    """Text of a PDF, pages joined by form feeds."""
    import pypdfium2 as pdfium  # imported here: .txt users never pay for loading pdfium

    if b"%%EOF" not in data[-2048:]:
        raise InputError(file, None, "truncated or corrupt PDF (no %%EOF at the end)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        # pdfium's error code is process-global and can be left over from an earlier
        # document, so "encrypted" is decided from the file itself
        if b"/Encrypt" in data:
            raise InputError(file, None, "encrypted PDF (needs a password); expected an unprotected text PDF or .txt") from None
        raise InputError(file, None, f"corrupt PDF ({_pdfium_reason(err)})") from None
    try:
        n = len(pdf)
        if n == 0:
            raise InputError(file, None, "PDF has no pages")
        if n > MAX_PAGES:
            raise InputError(file, None, f"PDF has {n} pages; the limit is {MAX_PAGES} (an IMR letter has a few)")
        pages = []
        for i in range(n):
            page = pdf[i]
            try:
                textpage = page.get_textpage()
                try:
                    pages.append(_page_lines(textpage))
                finally:
                    textpage.close()
            finally:
                page.close()
    except pdfium.PdfiumError as err:
        raise InputError(file, None, f"corrupt PDF ({_pdfium_reason(err)})") from None
    finally:
        pdf.close()
    text = "\f".join(pages)
    if not text.strip():
        raise InputError(file, None, _NO_TEXT)
    return text


def _pdfium_reason(err: Exception) -> str:
    reason = " ".join(str(err).split())[:120] or type(err).__name__
    if "Success" in reason or "password" in reason.lower():  # no error code of its own, or a stale one
        return "no pages or a broken document structure"
    return reason


def _page_lines(textpage) -> str:
    """One page's text with a blank line before each line that follows a paragraph gap."""
    raw = textpage.get_text_range()
    with_ends = raw.splitlines(keepends=True)
    lines = [s.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029") for s in with_ends]
    # pdfium marks a word hyphenated at a line end with U+FFFE and drops the line break.
    lines = [s.replace("\ufffe", "-") for s in lines]
    if len(raw) != textpage.count_chars() or len(lines) < 3:
        return "\n".join(lines)  # text and char indices differ: no positions to use
    # Each line's (top of its first char, top of its last char): a line pdfium merged at
    # a hyphen spans two rows, and the gap to the next line counts from its last row.
    rows: list[tuple[float, float] | None] = []
    pos = 0
    for line, full in zip(lines, with_ends):
        if line.strip():
            first = pos + len(line) - len(line.lstrip())
            last = pos + len(line.rstrip()) - 1
            rows.append((textpage.get_charbox(first, loose=True)[1], textpage.get_charbox(last, loose=True)[1]))
        else:
            rows.append(None)
        pos += len(full)
    placed = [r for r in rows if r is not None]
    gaps = sorted(a[1] - b[0] for a, b in zip(placed, placed[1:]) if a[1] > b[0])
    if not gaps:
        return "\n".join(lines)
    step = gaps[len(gaps) // 2]  # the usual line spacing on this page
    out: list[str] = []
    above = None
    for line, row in zip(lines, rows):
        if row is not None:
            if above is not None and above - row[0] > 1.5 * step and out and out[-1].strip():
                out.append("")
            above = row[1]
        out.append(line)
    return "\n".join(out)
