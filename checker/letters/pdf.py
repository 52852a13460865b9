"""The text of a PDF, read with pdfium, as layout text.

Lines are separated by "\\n", pages by "\\f", and a blank line is put wherever the page
leaves a paragraph-sized vertical gap (pdfium's own text has no blank lines, so they are put
back from the line positions). Problems are PdfProblem (a one-line reason); the caller names
the file. Runs inside the PDF sandbox (pdf_sandbox.py), so it imports nothing heavy.
"""
from __future__ import annotations

MAX_PAGES = 100
MAX_TEXT = 20 * 2**20  # characters: no more than the largest .txt letter read (read.MAX_BYTES)
NO_TEXT = "no text layer; scanned PDF? expected a text PDF or .txt"


class PdfProblem(Exception):
    """Why a PDF gives no text: one line, without the file name."""


def pdf_text(data: bytes) -> str:
    """Text of a PDF, pages joined by form feeds; PdfProblem when there is none to read."""
    import pypdfium2 as pdfium  # imported here: the module is also the sandbox's, which starts light

    if b"%%EOF" not in data[-2048:]:
        raise PdfProblem("truncated or corrupt PDF (no %%EOF at the end)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        # pdfium's error code is process-global and can be left over from an earlier
        # document, so "encrypted" is decided from the file itself
        if b"/Encrypt" in data:
            raise PdfProblem("encrypted PDF (needs a password); expected an unprotected text PDF or .txt") from None
        raise PdfProblem(f"corrupt PDF ({_pdfium_reason(err)})") from None
    try:
        n = len(pdf)
        if n == 0:
            raise PdfProblem("PDF has no pages")
        if n > MAX_PAGES:
            raise PdfProblem(f"PDF has {n} pages; the limit is {MAX_PAGES} (an IMR letter has a few)")
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
        raise PdfProblem(f"corrupt PDF ({_pdfium_reason(err)})") from None
    finally:
        pdf.close()
    text = "\f".join(pages)
    if not text.strip():
        raise PdfProblem(NO_TEXT)
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
