"""What every match of a regular expression must start with or contain, read off the parsed pattern.

Used to make case-insensitive alternations fast without changing what they match:
``gated`` puts a pattern behind a lookahead for the characters its matches can start with
(re has no fast scan for a case-insensitive pattern), ``required_literals`` gives the
substrings one of which every match contains (a cheap keyword test before the search), and
``Folded`` searches an ASCII text through a case-sensitive twin of a case-insensitive pattern
(``ascii_lowered``), giving the pattern's own matches. Shared by the case-summary reader
(checker.letters.facts) and the diagnosis reader.
"""
from __future__ import annotations

import re
import sys
from itertools import groupby
from typing import Optional

try:  # the regular-expression parser: public in spirit, private in name (sre_parse before 3.11)
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]


def required_literals(pattern: str, flags: int = re.I) -> Optional[frozenset[str]]:
    """Lower-case strings one of which every match of ``pattern`` contains; None when none can be told.

    Read off the parsed pattern: a run of literal characters, or, for a group every match
    passes through, one string of each of its alternatives. The longest such requirement is
    taken (at least 2 characters), so that testing it is a cheap and telling keyword check.
    """
    try:
        found = _required(list(_sre_parse.parse(pattern, flags)))
    except Exception:  # pragma: no cover - the analysis only
        return None
    return found if found and min(len(w) for w in found) >= 2 else None


def _leading(items: list) -> str:
    """The literal characters a sequence starts with (zero-width assertions aside)."""
    run = ""
    for op, arg in items:
        if op is _C.LITERAL:
            run += chr(arg).lower()
        elif op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT) and not run:
            continue
        else:
            break
    return run


def _required(items: list) -> Optional[frozenset[str]]:
    candidates: list[frozenset[str]] = []
    run = ""
    for op, arg in items:
        if op is _C.LITERAL:
            run += chr(arg).lower()
            continue
        if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):  # zero-width: the literals around it stay adjacent
            continue
        if op is _C.BRANCH and run:  # re factors a common prefix out: "fractur...|fx" is "f" + (ractur...|x)
            leads = [_leading(list(b)) for b in arg[1]]
            if all(leads):
                candidates.append(frozenset(run + lead for lead in leads))
        if run:
            candidates.append(frozenset([run]))
            run = ""
        if op is _C.SUBPATTERN:
            sub = _required(list(arg[-1]))
        elif op is _C.BRANCH:
            parts = [_required(list(b)) for b in arg[1]]
            sub = frozenset().union(*parts) if parts and all(parts) else None
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and arg[0] >= 1:
            sub = _required(list(arg[2]))
        else:
            sub = None
        if sub:
            candidates.append(sub)
    if run:
        candidates.append(frozenset([run]))
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(len(w) for w in c), -len(c)))


def gated(alternation: str, flags: int = re.I) -> re.Pattern:
    """``alternation`` behind a lookahead for the characters its matches can start with.

    re has no fast scan for a case-insensitive pattern: it tries every alternative at every
    position of a sentence. The lookahead leaves only the positions where a match can start,
    and when every alternative starts with \\b, only the starts of words. Where some
    alternative can start with any character (``\\s-\\s``), each run of the other alternatives
    gets its own lookahead, in place, so the order of the alternatives (the first that matches
    at a position wins) is kept. (Measured: the clause terminators of negation_cues.yaml,
    searched over every sentence, 0.40 -> 0.08 ms per summary.)
    """
    first, boundary = _analysis(alternation, flags)
    source = _behind(alternation, first, boundary)
    if source is None and flags & re.I:
        alternatives = top_level_alternatives(alternation)
        if len(alternatives) > 1:
            parts: list[str] = []
            run: list[tuple[str, frozenset[str], bool]] = []
            for alt in alternatives + [None]:
                if alt is not None:
                    alt_first, alt_boundary = _analysis(alt, flags)
                    if alt_first:
                        run.append((alt, alt_first, alt_boundary))
                        continue
                # a run in groups that start at a word boundary or not: the former test only word starts
                for at_boundary, group in groupby(run, key=lambda a: a[2]):
                    members = list(group)
                    parts.append(_behind("|".join(a for a, _, _ in members),
                                         frozenset().union(*(f for _, f, _ in members)), at_boundary))
                run = []
                if alt is not None:
                    parts.append(alt)
            source = "|".join(parts)
    if source is None:
        return re.compile(alternation, flags)
    try:
        return re.compile(source, flags)
    except re.error:  # pragma: no cover - e.g. a global inline flag that must stay first
        return re.compile(alternation, flags)


def _behind(alternation: str, first: Optional[frozenset[str]], boundary: bool) -> Optional[str]:
    """The alternation behind its first-character lookahead (and \\b when every alternative starts
    at a word boundary: only word starts tested), as a pattern; None when any character can start it."""
    if not first:
        return None
    klass = "".join(sorted({re.escape(c) for c in first}))
    prefix = r"\b" if boundary else ""
    return f"{prefix}(?=[{klass}])(?:{alternation})"


def _analysis(pattern: str, flags: int) -> tuple[Optional[frozenset[str]], bool]:
    """(first_chars, starts_at_word_boundary) of a pattern, parsed once."""
    try:
        items = list(_sre_parse.parse(pattern, flags))
    except Exception:  # pragma: no cover - the analysis only
        return None, False
    chars, nullable = _first(items)
    first = None if chars is None or nullable else frozenset(c.lower() for c in chars)
    return first, _boundary_first(items)


def _structure(source: str, start: int = 0):
    """(index, character) of the characters of a pattern's source that shape it: neither escaped
    nor inside a character class (a class runs to its closing ], which may come first: "[]a]", "[^]a]")."""
    i, n = start, len(source)
    while i < n:
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i += 1
            if i < n and source[i] == "^":
                i += 1
            if i < n and source[i] == "]":
                i += 1
            while i < n and source[i] != "]":
                i += 2 if source[i] == "\\" else 1
        else:
            yield i, ch
        i += 1


def top_level_alternatives(pattern: str) -> list[str]:
    """The alternatives of ``pattern``'s top-level ``|`` (not those inside groups or classes)."""
    out: list[str] = []
    depth = start = 0
    for i, ch in _structure(pattern):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
    out.append(pattern[start:])
    return out


def first_chars(pattern: str, flags: int = re.I) -> Optional[frozenset[str]]:
    """The characters (lower-cased) a match of ``pattern`` can start with; None when any can, or it can be empty."""
    try:
        tree = _sre_parse.parse(pattern, flags)
    except Exception:  # pragma: no cover - the pattern compiled: this is only the analysis
        return None
    chars, nullable = _first(list(tree))
    if chars is None or nullable:
        return None
    return frozenset(c.lower() for c in chars)


_C = _sre_parse  # opcodes: LITERAL, IN, BRANCH ... (module constants of the parser)


def starts_at_word_boundary(pattern: str, flags: int = re.I) -> bool:
    """Does every match of ``pattern`` start at a \\b (zero-width assertions before it aside)?"""
    try:
        return _boundary_first(list(_sre_parse.parse(pattern, flags)))
    except Exception:  # pragma: no cover - the analysis only
        return False


def _boundary_first(items: list) -> bool:
    for op, arg in items:
        if op is _C.AT:
            if arg is _C.AT_BOUNDARY:
                return True
            continue
        if op in (_C.ASSERT, _C.ASSERT_NOT):
            continue
        if op is _C.BRANCH:
            return all(_boundary_first(list(b)) for b in arg[1])
        if op is _C.SUBPATTERN:
            return _boundary_first(list(arg[-1]))
        return False
    return False


def _first(items: list) -> tuple[Optional[set[str]], bool]:
    """(first characters of a sequence, can it match the empty string?); None: any character."""
    out: set[str] = set()
    for op, arg in items:
        chars, nullable = _first_item(op, arg)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _first_item(op, arg) -> tuple[Optional[set[str]], bool]:
    if op is _C.LITERAL:
        return {chr(arg)}, False
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):  # zero-width: \b, lookahead, lookbehind
        return set(), True
    if op is _C.IN:
        chars: set[str] = set()
        for kind, value in arg:
            if kind is _C.LITERAL:
                chars.add(chr(value))
            elif kind is _C.RANGE and value[1] - value[0] < 256:
                chars.update(chr(c) for c in range(value[0], value[1] + 1))
            else:  # a category (\w, \s), a negated or a wide class
                return None, False
        return chars, False
    if op is _C.BRANCH:
        out: set[str] = set()
        nullable = False
        for branch in arg[1]:
            chars, empty = _first(list(branch))
            if chars is None:
                return None, False
            out |= chars
            nullable = nullable or empty
        return out, nullable
    if op is _C.SUBPATTERN:
        return _first(list(arg[-1]))
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT) or getattr(_C, "POSSESSIVE_REPEAT", None) is op:
        low, _high, item = arg
        chars, empty = _first(list(item))
        return chars, (chars is not None) and (low == 0 or empty)
    return None, False  # any character, a back reference, anything else: no gate


_KEEP_ESCAPES = frozenset("bBwWdDAZ")  # classes and assertions: the same on lower-cased ASCII text
_PLAIN_ESCAPES = frozenset("ntrfv")  # control characters: no letter
# \s in ASCII mode leaves out the four ASCII separators Unicode's \s holds: put back
_SPACE = r"\s\x1c-\x1f"


def ascii_lowered(pattern: re.Pattern) -> Optional[re.Pattern]:
    """A case-sensitive ASCII twin of a case-insensitive pattern, to search ``text.lower()`` when ``text.isascii()``.

    On ASCII text, a case-insensitive match of a letter is an exact match of its lower case, and
    \\w, \\d, \\s, \\b do not care about case; so the pattern with its letters lower-cased, compiled
    case-sensitively in ASCII mode (\\s given back the separators \\x1c-\\x1f of Unicode's), finds in
    the lower-cased text the same spans and groups, two or three times faster: re has no fast path
    for case-insensitive literals nor Unicode classes. None when the pattern is not plainly of that
    kind (not re.I, inline flags, \\x or \\u escapes, \\S in a class, a cased non-ASCII letter): then
    search as before. The caller reads spans off the match, not its text (which is lower-cased).
    A gated alternation whose alternatives start with one letter is written with it first
    (``_by_first_letter``: the same matches, found by re's fast scan for a letter).
    """
    if not pattern.flags & re.I or pattern.flags & (re.X | re.M | re.S | re.L):
        return None
    src = pattern.pattern
    if not all(c.isascii() or c.lower() == c == c.upper() for c in src):
        return None  # a cased non-ASCII letter ("ſ" is an "s" to re.I); an uncased one ("–") matches no ASCII text either way
    out: list[str] = []
    i, n = 0, len(src)
    in_class = False
    while i < n:
        ch = src[i]
        if ch == "\\":
            nxt = src[i + 1: i + 2]
            if nxt == "s":
                out.append(_SPACE if in_class else f"[{_SPACE}]")
            elif nxt == "S":
                if in_class:
                    return None  # "not a space" among other members: not written simply
                out.append(f"[^{_SPACE}]")
            elif nxt in ("x", "u") and re.fullmatch(r"[0-9a-fA-F]+", src[i + 2: i + (4 if nxt == "x" else 6)]):
                code = chr(int(src[i + 2: i + (4 if nxt == "x" else 6)], 16))
                if not code.lower() == code == code.upper():
                    return None  # \x41: a letter spelled otherwise
                out.append(src[i: i + (4 if nxt == "x" else 6)])  # "\u2013": a dash, no case
                i += 4 if nxt == "x" else 6
                continue
            elif nxt.isalpha() and nxt not in _KEEP_ESCAPES and nxt not in _PLAIN_ESCAPES:
                return None  # \N{...}, \U...: not handled
            else:
                out.append(src[i: i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            elif src.startswith("-", i + 1) and i + 2 < n and src[i + 2] != "]":  # a range
                end = src[i + 2]
                if not any(a <= ch <= b and a <= end <= b for a, b in (("a", "z"), ("A", "Z"), ("0", "9"))):
                    return None  # [0-Z], [A-z]: other cases in the range, another character set lower-cased
                out.append(f"{ch.lower()}-{end.lower()}")
                i += 3
                continue
            out.append(ch.lower())
            i += 1
            continue
        if ch == "[":
            in_class = True
            j = i + 1
            if src.startswith("^", j):
                j += 1
            if src.startswith("]", j):  # a leading "]" is a member
                j += 1
            out.append(src[i:j])
            i = j
            continue
        if ch == "(" and src.startswith("(?", i):
            if src.startswith(("(?:", "(?=", "(?!", "(?<=", "(?<!"), i):
                out.append("(?")
                i += 2
                continue
            m = re.match(r"\(\?P<\w+>|\(\?P=\w+\)", src[i:])
            if m is None:
                return None  # inline flags, comments, conditionals: not handled
            out.append(m.group(0))  # group names keep their case
            i += len(m.group(0))
            continue
        out.append(ch.lower())
        i += 1
    source = "".join(out)
    try:
        twin = re.compile(source, re.ASCII)
    except re.error:  # pragma: no cover - the same pattern, lower-cased
        return None
    if twin.groupindex != pattern.groupindex or twin.groups != pattern.groups:
        return None
    if not twin.groups:  # alternatives rewritten below: no group numbers to keep
        scanned = _by_first_letter(source)
        if scanned is not None:
            try:
                return re.compile(scanned, re.ASCII)
            except re.error:  # pragma: no cover - the same alternatives, regrouped
                pass
    return twin


def relaxed_twin(pattern: re.Pattern) -> Optional[re.Pattern]:
    """For a case-insensitive pattern ascii_lowered cannot twin because of its case-sensitive groups
    ``(?-i:...)`` ("ENT", "TTD"): the ``ascii_lowered`` twin of the pattern with those groups read
    case-insensitively, to search ``text.lower()`` when ``text.isascii()``. Its matches include the
    pattern's (it only widens what those groups accept), so where it finds nothing the pattern finds
    nothing, and no match of the pattern starts before its first one. None for any other pattern."""
    src = pattern.pattern
    if not pattern.flags & re.I or ascii_lowered(pattern) is not None:
        return None
    starts = [i for i, ch in _structure(src) if ch == "(" and src.startswith("(?-i:", i)]
    if not starts:
        return None
    for i in reversed(starts):
        src = src[:i] + "(?:" + src[i + 5:]
    try:
        relaxed = re.compile(src, pattern.flags)
    except re.error:  # pragma: no cover - the same pattern, one flag group fewer
        return None
    return ascii_lowered(relaxed)


_GATED = re.compile(r"(\\b)?\(\?=(\[[^\]]*\])\)\(\?:")  # gated()'s lookahead, as ascii_lowered writes it
_QUANTIFIER = frozenset("?*+{")
_NOT_AFTER_WORD = r"(?<!\w.)"  # after a word character: the one before it is none (\b before it)


def _by_first_letter(source: str) -> Optional[str]:
    r"""A lower-cased twin whose alternatives all start with one letter, written with that letter first:
    ``\b(?=[s])(?:\bsensation|\bsensory\sloss)`` -> ``(?:s(?:(?<!\w.)ensation|(?<!\w.)ensory\sloss))``.

    The same matches: \b before a word character is "no word character before it", and an
    alternative whose letter the lookahead refuses never matches. But re searches a case-sensitive
    pattern that starts with a letter by a fast scan for that letter, where one behind a lookahead
    or \b is tried at every position (measured on the 71 letters' sentences, the 45 twins rewritten:
    0.75 -> 0.2 us a search). With several letters re tries the alternatives at each of them, and the
    lookbehinds cost more than the lookahead saves: None. None too unless the pattern is one gated
    alternation (``gated``'s lookahead) whose every alternative starts, after \b, with a letter or
    digit not repeated, or with a group of such alternatives (what follows the group is written
    after each of them)."""
    m = _GATED.match(source)
    if m is None or _group_end(source, m.end() - 3) != len(source) - 1:
        return None
    firsts = _firsts(source[m.end():-1], bool(m.group(1)))
    if not firsts:
        return None
    gate = re.compile(m.group(2), re.ASCII)  # an alternative whose letter the lookahead refuses never matches
    buckets: dict[str, list[str]] = {}
    for letter, boundary, rest in firsts:
        if gate.match(letter):
            buckets.setdefault(letter, []).append((_NOT_AFTER_WORD if boundary else "") + rest)
    if len(buckets) != 1:
        return None
    ((letter, rests),) = buckets.items()
    out = "(?:" + letter + (f"(?:{'|'.join(rests)})" if len(rests) > 1 else rests[0]) + ")"
    return out if len(out) <= 4 * len(source) else None


def _firsts(alternation: str, boundary: bool) -> Optional[list[tuple[str, bool, str]]]:
    r"""(first letter, \b before it, the rest) of each alternative of ``alternation``, in order; None when
    an alternative does not start plainly."""
    out: list[tuple[str, bool, str]] = []
    for alt in top_level_alternatives(alternation):
        b = boundary
        if alt.startswith("\\b"):
            alt, b = alt[2:], True
        if alt.startswith("(?:"):
            end = _group_end(alt, 0)
            if end is None or alt[end + 1: end + 2] in _QUANTIFIER:  # "" is not in it
                return None
            inner = _firsts(alt[3:end], b)
            if inner is None:
                return None
            tail = alt[end + 1:]
            out += [(letter, bb, rest + tail) for letter, bb, rest in inner]
        elif alt[:1].isascii() and alt[:1].isalnum() and alt[1:2] not in _QUANTIFIER:  # a word character, once
            out.append((alt[0], b, alt[1:]))
        else:
            return None
    return out


def _group_end(source: str, start: int) -> Optional[int]:
    """The index of the ")" closing the group that opens at ``source[start]``."""
    depth = 0
    for i, ch in _structure(source, start):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return None


class Folded:
    """A case-insensitive pattern that searches an ASCII text through its ``ascii_lowered`` twin.

    search and finditer give the pattern's own matches (of the text, with its groups and case):
    the twin finds where one starts, in the lower-cased text, and the pattern matches there (a
    match anchored at its start is the one a search finds); sub with nothing to replace returns
    the text. Anything else, and any text that is not ASCII, goes to the pattern itself.
    """

    __slots__ = ("regex", "twin")  # not "pattern": that is, as on re.Pattern, the source (__getattr__)

    def __init__(self, pattern: re.Pattern):
        self.regex = pattern
        self.twin = ascii_lowered(pattern)

    def __getattr__(self, name: str):
        return getattr(self.regex, name)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Optional[re.Match]:
        if self.twin is None or not text.isascii():
            return self.regex.search(text, pos, endpos)
        m = self.twin.search(text.lower(), pos, endpos)
        return None if m is None else self.regex.match(text, m.start(), endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize):
        if self.twin is None or not text.isascii():
            return self.regex.finditer(text, pos, endpos)
        starts = []
        for m in self.twin.finditer(text.lower(), pos, endpos):
            if m.end() == m.start():  # an empty match: the next one is not the one anchored there; ask the pattern
                return self.regex.finditer(text, pos, endpos)
            starts.append(m.start())
        match = self.regex.match
        return [match(text, s, endpos) for s in starts]

    def sub(self, repl, text: str, count: int = 0) -> str:
        if self.twin is not None and text.isascii() and self.twin.search(text.lower()) is None:
            return text
        return self.regex.sub(repl, text, count)
