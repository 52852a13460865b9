"""Cue vocabularies of the case-summary reader: their schema, and their compilation into regexes.

The words that tell negation, history, hypothesis and benefit ("no documentation of",
"has had", "if symptoms persist", "minimal benefit") are data, in rules/vocab/*.yaml, shaped
after medspacy's context rules: each cue is a category, the literal ``phrase`` or a
``pattern`` (a regular expression for its variants), a direction, and its ``source`` (a key
of the file's ``sources``; "project" cues carry a ``note`` saying why). The code that
applies them does not change when a cue is added.

1. A ``phrase`` matches as whole words, case-insensitively; its spaces match one space of
   the whitespace-normalized summary.
2. A ``pattern`` is a regular expression matched case-insensitively; ``{name}`` in it stands
   for the alternatives of the file's word list ``lists.name``. It may not capture.
3. The cues of one category are tried in the order of the file: at one position of a
   sentence, the first that matches wins.
4. Each compiled alternation sits behind a lookahead for the letters its matches can start
   with (computed from the patterns): the same matches, found without trying every
   alternative at every position.
"""
from __future__ import annotations

import re
from typing import Iterable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

try:  # the regular-expression parser: public in spirit, private in name (sre_parse before 3.11)
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]

Direction = Literal["forward", "backward", "terminate", "pseudo"]
_LIST_REF = re.compile(r"\{([a-z_]+)\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Strict):
    title: str = Field(min_length=1)
    url: Optional[str] = None


class Category(_Strict):
    """A category of a cue file: what its cues signal, and the directions and scopes they may have."""

    meaning: str = Field(min_length=1)
    directions: list[Direction] = Field(default_factory=list, description="empty: its entries have no direction")
    scopes: list[str] = Field(default_factory=list, description="scopes of its forward and backward cues")


class Cue(_Strict):
    """One cue: what it signals, how it reads, where it comes from."""

    category: str = Field(min_length=1, description="what the cue signals (one of the file's categories)")
    direction: Optional[Direction] = Field(default=None, description="forward: what follows; backward: what "
                                           "precedes; terminate: ends a scope; pseudo: looks like a cue, is not one")
    scope: Optional[str] = Field(default=None, description="how far a negation reaches (negation cues only)")
    phrase: Optional[str] = Field(default=None, description="the literal words")
    pattern: Optional[str] = Field(default=None, description="a regular expression for the cue and its variants")
    window: Optional[int] = Field(default=None, ge=0, le=10, description="hypothetical cues: words allowed "
                                                                        "between the cue and the statement")
    source: str = Field(min_length=1, description="a key of the file's sources")
    note: Optional[str] = None

    @field_validator("phrase")
    @classmethod
    def _phrase(cls, v):
        if v is not None and not v.strip():
            raise ValueError("expected the cue's words, got an empty phrase")
        return v

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, v):
        if v is None:
            return v
        try:
            compiled = re.compile(_LIST_REF.sub("x", v), re.I)
        except re.error as e:
            raise ValueError(f"not a regular expression ({e})") from None
        if compiled.groups:
            raise ValueError("a pattern may not capture: write (?:...) for its groups")
        return v

    @model_validator(mode="after")
    def _one_form(self):
        if (self.phrase is None) == (self.pattern is None):
            raise ValueError("phrase: give the cue as a phrase or as a pattern (exactly one of them)")
        return self

    def regex(self, lists: dict[str, str]) -> str:
        """The cue as a regular-expression fragment (lists expanded)."""
        if self.phrase is not None:
            return r"\b" + r"\s".join(re.escape(w) for w in self.phrase.split()) + r"\b"
        return _LIST_REF.sub(lambda m: lists[m[1]], self.pattern or "")


class CueFile(_Strict):
    """A cue vocabulary: its sources, its word lists, its cues (and the parameters of their scopes)."""

    sources: dict[str, Source] = Field(min_length=1)
    lists: dict[str, list[str]] = Field(default_factory=dict, description="word lists a pattern names as {name}")
    parameters: dict[str, int] = Field(default_factory=dict)
    categories: dict[str, Category] = Field(min_length=1, description="the categories of this file")
    keywords: list[str] = Field(default_factory=list, description="substrings one of which every match contains "
                                                                  "(a cheap test before the patterns)")
    cues: list[Cue] = Field(min_length=1)

    @field_validator("lists")
    @classmethod
    def _lists(cls, v):
        for name, words in v.items():
            if not re.fullmatch(r"[a-z_]+", name):
                raise ValueError(f"list name {name!r}: expected lower-case letters and _")
            for word in words:
                try:
                    re.compile(word)
                except re.error as e:
                    raise ValueError(f"{name}: {word!r} is not a regular expression ({e})") from None
        return v

    @model_validator(mode="after")
    def _references(self):
        for i, cue in enumerate(self.cues):
            if cue.source not in self.sources:
                raise ValueError(f"cues[{i}].source: {cue.source!r} is not one of the file's sources "
                                 f"({', '.join(sorted(self.sources))})")
            if cue.source == "project" and not cue.note:
                raise ValueError(f"cues[{i}].note: a cue of our own reading (source project) says why in a note")
            spec = self.categories.get(cue.category)
            if spec is None:
                raise ValueError(f"cues[{i}].category: {cue.category!r} is not one of the file's categories "
                                 f"({', '.join(sorted(self.categories))})")
            if spec.directions and cue.direction not in spec.directions:
                raise ValueError(f"cues[{i}].direction: a {cue.category} cue is "
                                 f"{' or '.join(spec.directions)}, got {cue.direction!r}")
            if not spec.directions and cue.direction is not None:
                raise ValueError(f"cues[{i}].direction: a {cue.category} entry has no direction")
            scoped = bool(spec.scopes) and cue.direction in ("forward", "backward")
            if scoped and cue.scope not in spec.scopes:
                raise ValueError(f"cues[{i}].scope: a {cue.direction} {cue.category} cue has a scope, "
                                 f"one of {', '.join(spec.scopes)}; got {cue.scope!r}")
            if not scoped and cue.scope is not None:
                raise ValueError(f"cues[{i}].scope: only forward and backward cues of a scoped category have a scope")
            for name in _LIST_REF.findall(cue.pattern or ""):
                if name not in self.lists:
                    raise ValueError(f"cues[{i}].pattern: names the list {{{name}}}, which the file's lists lack")
        return self

    # ------------------------------------------------------------------ compilation

    def list_regex(self, name: str) -> str:
        return "(?:" + "|".join(self.lists[name]) + ")"

    def select(self, category: str, direction: Optional[str] = None, scope: Optional[str] = None) -> list[Cue]:
        return [c for c in self.cues if c.category == category
                and (direction is None or c.direction == direction) and (scope is None or c.scope == scope)]

    def alternatives(self, cues: Iterable[Cue]) -> str:
        """The cues as one alternation, in file order (no lookahead)."""
        lists = {name: self.list_regex(name) for name in self.lists}
        return "|".join(c.regex(lists) for c in cues)

    def compile(self, cues: Iterable[Cue]) -> re.Pattern:
        """The cues as one case-insensitive regex behind the lookahead for their first letters."""
        return gated(self.alternatives(cues))


def gated(alternation: str, flags: int = re.I) -> re.Pattern:
    """``alternation`` behind a lookahead for the characters its matches can start with.

    re has no fast scan for a case-insensitive pattern: it tries every alternative at every
    position of a sentence. The lookahead leaves only the positions where a match can start.
    Where any character could start a match, the pattern is compiled as it is.
    """
    first = first_chars(alternation, flags)
    if not first:
        return re.compile(alternation, flags)
    klass = "".join(sorted({re.escape(c) for c in first}))
    return re.compile(f"(?=[{klass}])(?:{alternation})", flags)


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
