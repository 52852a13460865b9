"""Write a text PDF of a layout-text letter, to exercise the PDF reading path in the demo.

    python samples/letters/make_pdf.py samples/letters/CM99-0000303_multi_item.txt

writes samples/letters/CM99-0000303_multi_item.pdf: US Letter pages, Courier 9 pt, one
text line per line of the letter (leading spaces become an indent), a new page at each
form feed and after 66 lines. Standard library only; the font is one of the PDF base 14,
so nothing is embedded. The output is deterministic (no dates in it).
"""
from __future__ import annotations

import sys
from pathlib import Path

PAGE_W, PAGE_H = 612, 792
FONT_SIZE, LEADING = 9, 10.5
LEFT, TOP = 54, PAGE_H - 54
CHAR_W = 0.6 * FONT_SIZE  # Courier advance width
LINES_PER_PAGE = 66


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _pages(text: str) -> list[list[str]]:
    pages = []
    for page in text.replace("\r\n", "\n").split("\f"):
        lines = page.split("\n")
        while lines and not lines[-1].strip():
            lines.pop()
        for k in range(0, max(len(lines), 1), LINES_PER_PAGE):
            pages.append(lines[k : k + LINES_PER_PAGE])
    return [p for p in pages if any(line.strip() for line in p)]


def _content(lines: list[str]) -> bytes:
    out = [b"BT", b"/F1 %d Tf" % FONT_SIZE]
    for i, line in enumerate(lines):
        body = line.rstrip()
        if not body.strip():
            continue
        indent = len(body) - len(body.lstrip(" "))
        x, y = LEFT + indent * CHAR_W, TOP - i * LEADING
        out.append(b"1 0 0 1 %.2f %.2f Tm (" % (x, y) + _escape(body.lstrip(" ")) + b") Tj")
    out.append(b"ET")
    return b"\n".join(out)


def text_pdf(text: str) -> bytes:
    """A PDF whose text layer is ``text`` laid out line by line."""
    pages = _pages(text)
    n = len(pages)
    # objects: 1 catalog, 2 pages, 3 font, then (page, content) pairs
    objs: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n)) + b"] /Count %d >>" % n,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
    ]
    for i, lines in enumerate(pages):
        stream = _content(lines)
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >>"
                    b" /Contents %d 0 R >>" % (PAGE_W, PAGE_H, 5 + 2 * i))
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    return pdf_file(objs)


def pdf_file(objs: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file of these objects (object 1 the catalog) with its cross-reference table;
    ``trailer`` adds entries to the trailer dictionary."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R" % (len(objs) + 1) + trailer
    out += b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: make_pdf.py LETTER.txt...", file=sys.stderr)
        return 2
    status = 0
    for name in argv:
        src = Path(name)
        dst = src.with_suffix(".pdf")
        try:
            dst.write_bytes(text_pdf(src.read_text(encoding="utf-8")))
        except OSError as e:
            problem = e.strerror or str(e)
        except UnicodeError:
            problem = "not UTF-8 text"
        else:
            print(f"wrote {dst}")
            continue
        print(f"error: {src}: {problem}; expected a UTF-8 text letter", file=sys.stderr)
        status = 2
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
