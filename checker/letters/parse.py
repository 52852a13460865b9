"""Parse the text of an IMR final determination letter into a :class:`Letter`.

The text is layout text (see :mod:`.read`): a header block, then the sections "HOW THE
IMR FINAL DETERMINATION WAS MADE", "CLINICAL CASE SUMMARY" and "IMR ISSUES, DECISIONS
AND RATIONALES". In the last, each disputed item is a heading ending in ": Upheld" or
": Overturned", followed by "Claims Administrator guideline:", "MAXIMUS guideline:" and
"Decision rationale:".

Structure is found from line anchors (section titles, field labels, decision endings);
blank lines only help find where a heading starts, because a page break or a PDF
without paragraph gaps can lose them. Every regex here is linear: no nested or
adjacent unbounded quantifiers, since the tool runs on untrusted files.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from typing import Optional

from checker.errors import InputError

from .model import Citation, Letter, LetterItem, Reviewer
from .read import read_letter_text

__all__ = ["parse_letter", "load_letter"]

HOW = "HOW THE IMR FINAL DETERMINATION WAS MADE"
SUMMARY = "CLINICAL CASE SUMMARY"
ISSUES = "IMR ISSUES, DECISIONS AND RATIONALES"
_MARKERS = (HOW, SUMMARY, ISSUES)

CA, MAX, RATIONALE = "Claims Administrator guideline:", "MAXIMUS guideline:", "Decision rationale:"
_FIELDS = (CA, MAX, RATIONALE)
_MAX_HEADING_LINES = 8
MAX_ITEMS = 300
MAX_LINES = 50_000  # a letter has a few hundred lines; 100 PDF pages have some 6,000
_MAX_PAGES = 500  # more form feeds than this: treat them as line breaks

_DATE = r"(\d{1,2})/(\d{1,2})/(\d{4})"
_HEADER = {
    "date_assigned": re.compile(r"Date Assigned: ?" + _DATE),
    # Right-column labels wrap in the two-column header: "Application 12/01/2016 Received:".
    "injury_date": re.compile(r"Date of (?:Injury: ?)?" + _DATE),
    "decision_date": re.compile(r"Decision (?:Date: ?)?" + _DATE),
    "ur_denial_date": re.compile(r"UR Denial (?:Date: ?)?" + _DATE),
    "application_received": re.compile(r"Application (?:Received: ?)?" + _DATE),
}
_CASE_NUMBER = re.compile(r"Case Number: ?([A-Z]{2}\d{2}-\d{4,8})\b")
_PRIORITY = re.compile(r"Priority: ?([A-Za-z]+)")


def load_letter(path: str | os.PathLike) -> Letter:
    """Read and parse one letter file (.txt or .pdf)."""
    text, fmt = read_letter_text(path)
    return parse_letter(text, str(path), fmt)


def parse_letter(text: str, file: str, format: str) -> Letter:
    """The letter in ``text``; InputError when it is not an IMR letter or decides no item."""
    n_lines = text.count("\n") + text.count("\r") + text.count("\f")
    if n_lines > MAX_LINES:
        raise InputError(file, None, f"{n_lines:,} lines; not an IMR letter (a letter has a few hundred)")
    lines = layout_lines(text)
    marks = _markers(lines)
    if ISSUES not in marks:
        raise InputError(file, None, f"not an IMR letter: no '{ISSUES}' section")
    sections = _sections(lines, marks)
    items = _items(sections[ISSUES], file)
    if not items:
        raise InputError(file, None, f"no decided items: no heading ending in ': Upheld' or ': Overturned' under '{ISSUES}'")
    header = " ".join(" ".join(lines[: min(marks.values())]).split())
    fields: dict = {key: _date(rx.search(header)) for key, rx in _HEADER.items()}
    case = _CASE_NUMBER.search(header)
    priority = _PRIORITY.search(header)
    return Letter(
        file=str(file),
        format="pdf" if format == "pdf" else "txt",
        case_number=case[1] if case else None,
        priority=priority[1] if priority else None,
        reviewer=_reviewer(sections.get(HOW, [])),
        summary=_summary(sections.get(SUMMARY, [])),
        items=items,
        **fields,
    )


# --- sections -------------------------------------------------------------------------

def _markers(lines: list[str]) -> dict[str, int]:
    """First line index of each section title."""
    found: dict[str, int] = {}
    for i, line in enumerate(lines):
        s = line.strip()
        if 20 <= len(s) <= 60 and s[0] in "HCI":
            title = " ".join(s.split()).upper()
            if title in _MARKERS and title not in found:
                found[title] = i
    return found


def _sections(lines: list[str], marks: dict[str, int]) -> dict[str, list[str]]:
    """Each section's lines, from after its title to the next title."""
    starts = sorted((i, name) for name, i in marks.items())
    out = {}
    for k, (i, name) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        out[name] = lines[i + 1 : end]
    return out


def _date(m: Optional[re.Match]) -> Optional[dt.date]:
    if not m:
        return None
    try:
        return dt.date(int(m[3]), int(m[1]), int(m[2]))
    except ValueError:
        return None


# --- reviewer -------------------------------------------------------------------------

def _reviewer(lines: list[str]) -> Reviewer:
    licensure: list[str] = []
    specialty: list[str] = []
    for i, line in enumerate(lines):
        s = line.strip()
        for label, target, seps in (
            ("State(s) of Licensure:", licensure, (",", ";", " and ")),
            ("Certification(s)/Specialty:", specialty, (",", ";")),
        ):
            if s.startswith(label):
                value = [s[len(label):]]
                for more in lines[i + 1 : i + 3]:  # a long value wraps onto the next line
                    if not more.strip() or more.lstrip().startswith(("State(s) of", "Certification(s)")):
                        break
                    value.append(more)
                target.extend(_split_list(_join_lines(value), seps))
    if licensure or specialty:
        return Reviewer(licensure=licensure, specialty=specialty)
    # Older letters: "The expert reviewer is Board Certified in X[, has a subspecialty in
    # Y] and is licensed to practice in Z."
    text = _join_lines(lines)
    i = text.find("Board Certified in ")
    if i < 0:
        return Reviewer()
    rest = text[i + len("Board Certified in "):][:400]
    j = rest.find("licensed to practice in ")
    spec = rest[:j] if j >= 0 else rest.split(".")[0]
    spec = spec.strip().removesuffix("is").strip().removesuffix("and").strip().rstrip(",")
    for part in spec.split(", has a subspecialty in "):
        specialty.extend(_split_list(part, (",", ";")))
    if j >= 0:
        states = rest[j + len("licensed to practice in "):].split(".")[0]
        licensure = _split_list(states, (",", ";", " and "))
    return Reviewer(licensure=licensure, specialty=specialty)


def _split_list(value: str, seps: tuple[str, ...]) -> list[str]:
    value = " ".join(value.split())
    for sep in seps[1:]:
        value = value.replace(sep, seps[0])
    return [v.strip(" .") for v in value.split(seps[0]) if v.strip(" .")]


# --- summary --------------------------------------------------------------------------

_BOILERPLATE = "The expert reviewer developed the following clinical case summary"


def _summary(lines: list[str]) -> str:
    paras = _paragraphs(lines)
    if paras and paras[0].startswith(_BOILERPLATE):
        end = paras[0].find("medical records:")
        if 0 <= end < 300:
            first = paras[0][end + len("medical records:"):].strip()
            paras = ([first] if first else []) + paras[1:]
    return "\n\n".join(paras)


# --- items ----------------------------------------------------------------------------

def _field_start(line: str) -> Optional[str]:
    s = line.lstrip()
    if not s.startswith(_FIELDS):  # most lines: one test instead of one per label
        return None
    for label in _FIELDS:
        if s.startswith(label):
            return label
    return None


def _decision(line: str) -> Optional[str]:
    """"Upheld"/"Overturned" when the line ends a heading ("...: Upheld")."""
    s = line.rstrip().removesuffix(".")
    if not s.endswith(("d", "D")):  # both words end in d (only "d" and "D" lower-case to "d"): most lines end otherwise
        return None
    for word in ("Upheld", "Overturned"):
        n = len(word)
        if len(s) > n and s[-n:].lower() == word.lower() and s[:-n].rstrip().endswith(":"):
            return word
    return None


_DECISION_ENDS = ("d", "D", "d.", "D.")


def _lone_decision(body: list[str], i: int) -> Optional[str]:
    """The decision alone on a line after a heading line ending in a colon."""
    word = body[i].strip().capitalize()
    if word in ("Upheld", "Overturned") and i > 0 and body[i - 1].rstrip().endswith(":"):
        return word
    return None


def _items(body: list[str], file: str) -> list[LetterItem]:
    lo = _skip_intro(body)
    # a decision line ends in "d" or "D" (Upheld, Overturned), perhaps with a period: most lines are
    # passed over on that test alone (one rstrip and endswith per line, not two calls)
    ends = [i for i in range(lo, len(body))
            if body[i].rstrip().endswith(_DECISION_ENDS) and (_decision(body[i]) or _lone_decision(body, i))]
    if len(ends) > MAX_ITEMS:
        raise InputError(file, None, f"{len(ends)} decided items; not an IMR letter (they decide at most a few dozen)")
    starts = []
    for k, d in enumerate(ends):
        starts.append(_heading_start(body, ends[k - 1] + 1 if k else lo, d))
    items = []
    for k, (s, d) in enumerate(zip(starts, ends)):
        nxt = starts[k + 1] if k + 1 < len(starts) else len(body)
        decision = _decision(body[d]) or _lone_decision(body, d) or "Upheld"
        item = _item(len(items) + 1, body[s : d + 1], decision, body[d + 1 : nxt])
        if any(ch.isalnum() for ch in item.item):  # a bare ": Upheld" line decides nothing
            items.append(item)
    return items


def _skip_intro(body: list[str]) -> int:
    """Index after "The Final Determination was based on ... set forth below:"."""
    for i, line in enumerate(body[:6]):
        if not line.strip():
            continue
        if not line.lstrip().startswith("The Final Determination"):
            return i
        for j in range(i, min(i + 3, len(body))):
            if body[j].rstrip().endswith("below:"):
                return j + 1
        return i + 1
    return 0


def _heading_start(body: list[str], lo: int, d: int) -> int:
    """First line of the heading that ends at line d; lo is just after the previous heading."""
    field = next((i for i in range(d - 1, lo - 1, -1) if _field_start(body[i])), None)
    floor = lo if field is None else field + 1
    blank = next((i for i in range(d - 1, floor - 1, -1) if not body[i].strip()), None)
    if blank is not None and d - blank <= _MAX_HEADING_LINES:
        return blank + 1
    if field is None:  # a heading is a few lines, however much text precedes it
        return next((i for i in range(max(floor, d - _MAX_HEADING_LINES), d) if body[i].strip()), d)
    # No blank line before the heading (a page break or a PDF without gaps ate it): the
    # heading starts after the line ending the previous rationale's last sentence, and a
    # partial-authorization heading must include its "... was the original request".
    first_fit = None
    for s in range(d, max(floor, d - _MAX_HEADING_LINES) - 1, -1):
        if s == floor or _ends_sentence(body[s - 1]):
            text = _join_lines(body[s : d + 1])
            if not _PARTIAL_TAIL.search(text) or "was the original request" in text:
                return s
            first_fit = first_fit if first_fit is not None else s
    return first_fit if first_fit is not None else d


def _item(no: int, heading_lines: list[str], decision: str, rest: list[str]) -> LetterItem:
    heading = _join_lines(heading_lines)
    heading = heading[: heading.rstrip().rfind(":")].rstrip()  # drop ": Upheld"
    heading = heading.removesuffix(" is").rstrip(" ,")
    original, authorized, remaining = _partial(heading)
    fields: dict[str, list[str]] = {label: [] for label in _FIELDS}
    # the lines that open a field (_field_start's own first test) found in one comprehension, not a
    # loop body per rationale line; each field takes its opening line's rest and the lines up to the next
    opens = [k for k, line in enumerate(rest) if line.lstrip().startswith(_FIELDS)]
    for k, end in zip(opens, opens[1:] + [len(rest)]):
        label = _field_start(rest[k])
        fields[label].append(rest[k].lstrip()[len(label):])
        fields[label].extend(rest[k + 1 : end])
    return LetterItem(
        item_no=no,
        item=remaining or heading,
        heading=heading,
        decision=decision,
        original_request=original,
        authorized=authorized,
        remaining=remaining,
        claims_administrator_guideline=_citations(_join_lines(fields[CA])),
        maximus_guideline=_citations(_join_lines(fields[MAX])),
        rationale="\n\n".join(_paragraphs(fields[RATIONALE])),
    )


_PARTIAL_TAIL = re.compile(r"(?:The remaining IMR eligible portion of the original request|The original request)[,:]? ?")
_AUTHORIZED = (
    re.compile(r"(?:The Claims Administrator|Utilization Review) (?:authorized|certified|approved|modified the request to) "),
    re.compile(r" was (?:authorized|certified|approved|modified) by (?:the Claims Administrator|Utilization Review)"),
)


def _partial(heading: str) -> tuple[Optional[str], Optional[str], Optional[str]]:
    """(original request, authorized part, remaining IMR-eligible part) of a partial
    authorization heading such as "X was the original request. Y was authorized by the
    Claims Administrator. The remaining IMR eligible portion of the original request, Z";
    all None for an ordinary heading."""
    i = heading.find(" was the original request")
    if i < 0:
        return None, None, None
    original = heading[:i].strip() or None
    after = heading[i + len(" was the original request"):].lstrip(" .")
    tail = None
    for m in _PARTIAL_TAIL.finditer(after):
        tail = m  # the last one: "leaving the original request IMR eligible. The original request, X"
    if tail is None:
        return original, None, None
    remaining = after[tail.end():].strip(" ,.:") or None
    middle = after[: tail.start()].strip(" .")
    authorized = None
    m = _AUTHORIZED[0].match(middle)
    if m:
        authorized = middle[m.end():].split(", leaving")[0].strip(" ,.")
    else:
        m = _AUTHORIZED[1].search(middle)
        if m:
            authorized = middle[: m.start()].strip(" ,.")
    return original, authorized or None, remaining


# --- citations ------------------------------------------------------------------------

_MTUS_BOOKS = (
    (re.compile(r"Chronic Pain (?:Medical )?Treatment(?: Guidelines)?"), "MTUS Chronic Pain Medical Treatment Guidelines"),
    (re.compile(r"Acupuncture (?:Medical )?Treatment(?: Guidelines)?"), "MTUS Acupuncture Medical Treatment Guidelines"),
    (re.compile(r"Opioids? Treatment(?: Guidelines)?"), "MTUS Opioid Treatment Guidelines"),
    (re.compile(r"Post-?surgical (?:Medical )?Treatment(?: Guidelines)?"), "MTUS Postsurgical Treatment Guidelines"),
    (re.compile(r"(?:ACOEM )?(?:Chapter \d{1,2},? )?[A-Z][A-Za-z,& ]{0,40}? Complaints"), None),
    (re.compile(r"General Approaches"), "MTUS General Approaches"),
    (re.compile(r"ACOEM(?: Guidelines)?"), "MTUS ACOEM"),
)
_MAX_CITATIONS = 40  # per guideline field; real letters cite a handful
_YEAR = re.compile(r",? ((?:19|20)\d\d)\b(?: Guidelines)?")
# A second MTUS book in one clause: "..., and Opioid Treatment 2016, Section(s): ...".
_NEXT_BOOK = re.compile(r", and (?=[A-Z][^,]{0,60}? (?:19|20)\d\d\b)")
_PAGES = re.compile(r"(?:Page\(s\):?|\b[Pp]ages?|\bpg\.?) ?(\d[\d ,\-\u2013]*)")
_ODG = re.compile(r"(?:Official Disability Guidelines(?: \(ODG\))?|ODG\b)[ ,:\-\u2013]*")
_ACOEM = re.compile(r"ACOEM\b(?: Occupational Medicine Practice Guidelines| Guidelines)?[ ,:\-\u2013]*")


def parse_citations(text: str) -> list[Citation]:
    """Citations of a guideline field: one per "Decision based on ..." clause (more when
    a clause names several MTUS books); none for "did not cite any medical evidence"."""
    return _citations(" ".join(text.split()))


def _citations(text: str) -> list[Citation]:
    """parse_citations of a text whose whitespace is already collapsed (_join_lines' output)."""
    text = text.replace("Non- MTUS", "Non-MTUS")
    out: list[Citation] = []
    for clause in text.split("Decision based on ")[1:]:
        if len(out) >= _MAX_CITATIONS:
            break
        clause = clause.strip().rstrip(".").strip()
        if clause.startswith("Non-MTUS"):
            cite = _non_mtus(clause)
            if cite:
                out.append(cite)
        elif clause.startswith("MTUS"):
            out.extend(_mtus(clause))
        elif clause:
            out.append(Citation(guideline=clause, raw=clause))
    return out


def _mtus(clause: str) -> list[Citation]:
    body = clause[len("MTUS"):].strip()
    if "Section(s):" in body:
        # Split at ", and <Book> <year>" only after the current book's section list.
        pieces, cut, label = [], 0, body.find("Section(s):")
        for m in _NEXT_BOOK.finditer(body):
            if 0 <= label < m.start():
                pieces.append(body[cut : m.start()])
                cut, label = m.end(), body.find("Section(s):", m.end())
        pieces.append(body[cut:])
    elif "Page(s):" in body:
        # Older letters: "Book Section Page(s): 1-2, Book Section Page(s): 3".
        pieces, pos = [], 0
        for m in _PAGES.finditer(body):
            pieces.append(body[pos : m.end()])
            pos = m.end()
        pieces.append(body[pos:])
    else:
        pieces = [body]
    out = []
    for piece in pieces[:_MAX_CITATIONS]:
        piece = piece.strip(" ,.")
        if not piece:
            continue
        name, label, section = piece.partition("Section(s):")
        if label:
            guideline, _ = _mtus_book(name.strip(" ,"))
            section, pages = _split_pages(section.strip(" ,."))
        else:
            name, pages = _split_pages(piece)
            guideline, section = _mtus_book(name)
        out.append(Citation(guideline=guideline, section=section or None, pages=pages, raw=f"MTUS {piece}"))
    return out


def _mtus_book(name: str) -> tuple[str, str]:
    """("MTUS <book> <year>", what follows the book's name) for an MTUS clause."""
    for rx, canonical in _MTUS_BOOKS:
        m = rx.match(name)
        if m:
            guideline, end = canonical or f"MTUS {m[0]}", m.end()
            y = _YEAR.match(name, end)
            if y:
                guideline, end = f"{guideline} {y[1]}", y.end()
            return guideline, name[end:].strip(" ,.")
    y = _YEAR.search(name)
    if y:
        return f"MTUS {name[: y.end()].strip(' ,')}", name[y.end():].strip(" ,.")
    return f"MTUS {name}", ""


def _non_mtus(clause: str) -> Optional[Citation]:
    rest = clause[len("Non-MTUS"):].strip()
    rest = rest[len("Citation"):].strip() if rest.startswith("Citation") else rest
    if not rest:
        return None
    for rx, name in ((_ODG, "ODG"), (_ACOEM, "ACOEM")):
        m = rx.match(rest)
        if m:
            section, pages = _split_pages(rest[m.end():].strip(" ,."))
            return Citation(guideline=name, section=section or None, pages=pages, raw=rest)
    return Citation(guideline=rest, raw=rest)


def _split_pages(section: str) -> tuple[str, Optional[str]]:
    m = _PAGES.search(section)
    if not m:
        return section, None
    pages = m[1].strip(" ,")
    return (section[: m.start()] + section[m.end():]).strip(" ,."), pages or None


# --- layout ---------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"-? ?(?:Page ?)?\d{1,3}(?: ?(?:of|/) ?\d{1,3})? ?-?", re.IGNORECASE)


def layout_lines(text: str) -> list[str]:
    """The letter as one list of lines: pages joined, running page headers/footers and
    page-edge blank lines dropped, double spacing undone, blank lines only where a
    paragraph ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").replace("\xa0", " ")
    if text.count("\f") > _MAX_PAGES:
        text = text.replace("\f", "\n")
    pages = [[line.rstrip() for line in page.split("\n")] for page in text.lstrip("\ufeff").split("\f")]
    # blank pages carry nothing, and the first page with text is the letter's first page
    # (its "Case Number:" line is the header, not a running line)
    pages = [page for page in pages if any(page)]
    if _double_spaced(pages):
        pages = [_undouble(page) for page in pages]
    _drop_running_lines(pages)
    lines: list[str] = []
    for page in pages:
        page = _trim(page)
        if not page:
            continue
        if lines and _new_block(lines[-1], page[0]):
            lines.append("")
        lines.extend(page)
    return _drop_false_breaks(lines)


def _double_spaced(pages: list[list[str]]) -> bool:
    """Some letters were saved with a blank line after every line."""
    filled = adjacent = 0
    for page in pages:
        for a, b in zip(page, page[1:] + [""]):
            if a:
                filled += 1
                adjacent += bool(b.strip())
    return filled >= 6 and adjacent * 10 <= filled


def _undouble(page: list[str]) -> list[str]:
    out: list[str] = []
    run = 0
    for line in page + ["x"]:
        if line.strip():
            out.extend([""] * (run // 2))
            out.append(line)
            run = 0
        else:
            run += 1
    return out[:-1]


def _drop_running_lines(pages: list[list[str]]) -> None:
    """Blank out page numbers and running headers/footers at page edges.

    A running line is short, repeats at the same edge of every page (digits aside) and
    is no sentence end; field labels, decisions and section titles are never dropped.
    """
    if len(pages) < 2:
        return
    # the first two and last two lines with text of each page, found from its ends (not every line tested)
    tops = [[(p, i) for i in _filled(pages[p], range(len(pages[p])))] for p in range(1, len(pages))]
    bottoms = [[(p, i) for i in reversed(_filled(pages[p], range(len(pages[p]) - 1, -1, -1)))]
               for p in range(len(pages))]
    for group in (tops, bottoms):
        seen: dict[str, set[int]] = {}
        # each spot's line with its whitespace collapsed, and its key (digits as #), once
        spots = [(p, i, " ".join(pages[p][i].split())) for page in group for p, i in page]
        keys = [(p, i, line, _DIGITS.sub("#", line)) for p, i, line in spots]
        for p, _, _, key in keys:
            seen.setdefault(key, set()).add(p)
        for p, i, line, key in keys:
            if _field_start(line) or _decision(line) or line.upper() in _MARKERS:
                continue
            running = len(seen[key]) >= max(2, len(group) - 1) and len(line) <= 60
            if (running and not _ends_sentence(line)) or _PAGE_NUMBER.fullmatch(line) or (
                p > 0 and line.startswith("Case Number:")
            ):
                pages[p][i] = ""


_DIGITS = re.compile(r"\d+")


def _filled(page: list[str], order: range, k: int = 2) -> list[int]:
    """The indices of the first k lines with text, taken in ``order``."""
    out = []
    for i in order:
        if page[i].strip():
            out.append(i)
            if len(out) == k:
                break
    return out


def _trim(page: list[str]) -> list[str]:
    lo, hi = 0, len(page)
    while lo < hi and not page[lo].strip():
        lo += 1
    while hi > lo and not page[hi - 1].strip():
        hi -= 1
    return page[lo:hi]


def _new_block(last: str, first: str) -> bool:
    """Whether a page break between these lines also ends a paragraph."""
    s = first.strip()
    if _field_start(s) or " ".join(s.split()).upper() in _MARKERS or _decision(last):
        return True
    return _ends_sentence(last) and s[:1].isupper()


def _drop_false_breaks(lines: list[str]) -> list[str]:
    """Drop blank lines inside a sentence (a line ending mid-sentence, then lower case)
    and keep one blank line between paragraphs."""
    out: list[str] = []
    pending = False  # blank lines seen since the last text line
    for line in lines:
        if not line.strip():
            pending = bool(out)
            continue
        if pending:
            prev = out[-1].rstrip()
            if not ((prev[-1:].isalnum() or prev[-1:] == ",") and line.lstrip()[:1].islower()):
                out.append("")
            pending = False
        out.append(line)
    return out


def _ends_sentence(line: str) -> bool:
    """Whether the line ends in sentence punctuation (before a closing quote or bracket)."""
    s = line.rstrip()
    if s[-1:] in "\"')]\u201d" and len(s) > 1:
        s = s[:-1]
    return s[-1:] in (".", "!", "?")


_HYPHEN_AT_LINE_END = re.compile(r"-\s*(?:\n|\Z)")


def _join_lines(lines: list[str]) -> str:
    """Lines as one line: whitespace collapsed; a line ending in a hyphen after a letter or
    digit ("Non-", "10-") joins the next without a space, keeping the hyphen."""
    text = "\n".join(lines)
    if _HYPHEN_AT_LINE_END.search(text) is None:  # no line ends in a hyphen: the words joined by spaces (in C)
        return " ".join(text.split())
    parts: list[str] = []
    last = ""
    for line in lines:
        t = " ".join(line.split())
        if not t:
            continue
        if parts and not (last[-1] == "-" and last[-2:-1].isalnum() and t[0].isalnum()):
            parts.append(" ")
        parts.append(t)
        last = t
    return "".join(parts)


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated blocks of lines, each joined into one line."""
    out, block = [], []
    for line in lines + [""]:
        if line.strip():
            block.append(line)
        elif block:
            out.append(_join_lines(block))
            block = []
    return out
