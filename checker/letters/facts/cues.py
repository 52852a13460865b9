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
from typing import Callable, Iterable, Literal, Optional

from pydantic import Field, field_validator, model_validator

from checker.kb.fields import StrictModel, VocabSource
from checker.regex_gate import ascii_lowered, gated, relaxed_twin, required_literals
from checker.vocab import Region

Direction = Literal["forward", "backward", "terminate", "pseudo"]
_LIST_REF = re.compile(r"\{([a-z_]+)\}")


class Category(StrictModel):
    """A category of a cue file: what its cues signal, and the directions and scopes they may have."""

    meaning: str = Field(min_length=1)
    directions: list[Direction] = Field(default_factory=list, description="empty: its entries have no direction")
    scopes: list[str] = Field(default_factory=list, description="scopes of its forward and backward cues")


class Entry(StrictModel):
    """What every entry of a vocabulary has: its words (a phrase or a pattern) and its source."""

    phrase: Optional[str] = Field(default=None, description="the literal words")
    pattern: Optional[str] = Field(default=None, description="a regular expression for the words and their variants")
    source: str = Field(min_length=1, description="a key of the file's sources")
    note: Optional[str] = None

    @field_validator("phrase")
    @classmethod
    def _phrase(cls, v):
        if v is not None and not v.strip():
            raise ValueError("expected the entry's words, got an empty phrase")
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
            raise ValueError("phrase: give the words as a phrase or as a pattern (exactly one of them)")
        return self

    def regex(self, lists: dict[str, str]) -> str:
        """The entry as a regular-expression fragment (lists expanded)."""
        if self.phrase is not None:
            return r"\b" + r"\s".join(re.escape(w) for w in self.phrase.split()) + r"\b"
        return _LIST_REF.sub(lambda m: lists[m[1]], self.pattern or "")


class Cue(Entry):
    """One context cue: what it signals, which way it reads, how far."""

    category: str = Field(min_length=1, description="what the cue signals (one of the file's categories)")
    direction: Optional[Direction] = Field(default=None, description="forward: what follows; backward: what "
                                           "precedes; terminate: ends a scope; pseudo: looks like a cue, is not one")
    scope: Optional[str] = Field(default=None, description="how far a negation reaches (negation cues only)")
    window: Optional[int] = Field(default=None, ge=0, le=10, description="hypothetical cues: words allowed "
                                                                        "between the cue and the statement")


class Term(Entry):
    """One way the record names a clinical fact (a finding, a red flag, a study, a comorbidity ...)."""

    name: list[str] = Field(min_length=1, description="the fact(s) it names: values of the file's names")
    present: Literal["yes", "no"] = Field(default="yes", description="no: the words state the fact absent "
                                                                     "('sensation intact')")
    sign: bool = Field(default=False, description="a test named by its name: it counts only when called "
                                                  "positive (or negative)")
    suspected: bool = Field(default=False, description="the words name the fact as suspected, not confirmed")
    region: Optional[Region] = Field(default=None, description="the region the words imply when the sentence "
                                                               "names none (Spurling: cervical)")
    requires: Optional[str] = Field(default=None, description="a pattern the sentence must also hold ('4/5' "
                                                              "is a muscle grade only beside strength words)")
    codes: list[str] = Field(default_factory=list, description="ICD-10-CM codes whose titles the words are")

    @field_validator("requires")
    @classmethod
    def _requires(cls, v):
        if v is not None:
            try:
                re.compile(v)
            except re.error as e:
                raise ValueError(f"not a regular expression ({e})") from None
        return v

    @field_validator("name", mode="before")
    @classmethod
    def _names(cls, v):
        return [v] if isinstance(v, str) else v

    @field_validator("present", mode="before")
    @classmethod
    def _present(cls, v):
        return {True: "yes", False: "no"}.get(v, v) if isinstance(v, bool) else v


class _VocabFile(StrictModel):
    """What every vocabulary file has: sources, word lists, parameters, keywords."""

    sources: dict[str, VocabSource] = Field(min_length=1)
    lists: dict[str, list[str]] = Field(default_factory=dict, description="word lists a pattern names as {name}")
    parameters: dict[str, int] = Field(default_factory=dict)
    keywords: list[str] = Field(default_factory=list, description="substrings one of which every match contains "
                                                                  "(a cheap test before the patterns)")

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

    def _check_entry(self, label: str, entry: Entry) -> None:
        if entry.source not in self.sources:
            raise ValueError(f"{label}.source: {entry.source!r} is not one of the file's sources "
                             f"({', '.join(sorted(self.sources))})")
        if entry.source == "project" and not entry.note:
            raise ValueError(f"{label}.note: an entry of our own reading (source project) says why in a note")
        for name in _LIST_REF.findall(entry.pattern or ""):
            if name not in self.lists:
                raise ValueError(f"{label}.pattern: names the list {{{name}}}, which the file's lists lack")

    def list_regex(self, name: str) -> str:
        return "(?:" + "|".join(self.lists[name]) + ")"

    def alternatives(self, entries: Iterable[Entry]) -> str:
        """The entries as one alternation, in file order (no lookahead)."""
        lists = {name: self.list_regex(name) for name in self.lists}
        return "|".join(c.regex(lists) for c in entries)

    def compile(self, entries: Iterable[Entry]) -> re.Pattern:
        """The entries as one case-insensitive regex behind the lookahead for their first letters."""
        return gated(self.alternatives(entries))


class CueFile(_VocabFile):
    """A cue vocabulary: its categories and its cues."""

    categories: dict[str, Category] = Field(min_length=1, description="the categories of this file")
    cues: list[Cue] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self):
        for i, cue in enumerate(self.cues):
            self._check_entry(f"cues[{i}]", cue)
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
        return self

    def select(self, category: str, direction: Optional[str] = None, scope: Optional[str] = None) -> list[Cue]:
        return [c for c in self.cues if c.category == category
                and (direction is None or c.direction == direction) and (scope is None or c.scope == scope)]


class TermFile(_VocabFile):
    """A vocabulary of clinical terms: the closed set of facts it names, and the terms that name them."""

    names: dict[str, str] = Field(min_length=1, description="the facts this file names, and what each means")
    terms: list[Term] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self):
        for i, term in enumerate(self.terms):
            self._check_entry(f"terms[{i}]", term)
            for name in term.name:
                if name not in self.names:
                    raise ValueError(f"terms[{i}].name: {name!r} is not one of the file's names "
                                     f"({', '.join(self.names)})")
        return self

    def matcher(self, names: Optional[Iterable[str]] = None) -> "TermMatcher":
        """The terms (of these names only, if given) as one matcher."""
        wanted = set(names) if names is not None else None
        return TermMatcher(self, [t for t in self.terms if wanted is None or wanted & set(t.name)])

    def of(self, name: str) -> list[Term]:
        return [t for t in self.terms if name in t.name]


class WordFinder:
    """Finds which of many required words a text holds, in one scan: the words as one trie-shaped regex.

    The regex of the words' trie gives, at a position, the longest word starting there; the words
    inside it (its prefixes too) are listed with it, and the next search begins at its end, or
    earlier where a rest of it begins a word that may run on past it (a search one character past
    each start, as before, tried the positions inside each word found again: 15% of the scan).
    (Testing 350 words one by one with ``in`` cost three times as much per summary; a lookahead
    to try every position, twice as much.)
    """

    def __init__(self) -> None:
        self.words: dict[str, None] = {}
        self.owners: dict[str, set[int]] = {}  # word -> the matchers that have a term requiring it
        self.everywhere: set[int] = set()  # matchers with a term that requires no word
        self.version = 0  # bumped when a word is added: a text's words found before may lack it
        self._regex: Optional[re.Pattern] = None
        self._within: dict[str, tuple[str, ...]] = {}  # word -> the words it holds (itself too)
        self._step: dict[str, int] = {}  # word -> where, from its start, the next search begins
        self._later: list[Callable[[], object]] = []  # add_later's providers, called before the next build

    def add_later(self, provider: Callable[[], object]) -> None:
        """Words known only when a vocabulary loads on first use (not at import: the CLI's cold start):
        ``provider`` adds them, and is called just before the next scan needs the regex, so that the
        regex is built once with them."""
        self._later.append(provider)
        if self._regex is not None:  # already built: texts scanned before may lack the new words
            self._regex = None
            self.version += 1

    def add(self, words: Iterable[str], owner: Optional[int] = None, everywhere: bool = False) -> None:
        """``words`` as words of matcher ``owner`` (None: words of no matcher, found all the same)."""
        for w in words:
            if w not in self.words:
                self.words[w] = None
                self.version += 1
                self._regex = None
            if owner is not None:
                self.owners.setdefault(w, set()).add(owner)
        if everywhere and owner is not None:
            self.everywhere.add(owner)

    def matchers_for(self, words: set[str]) -> set[int]:
        """The matchers that may find a term in a text holding ``words``."""
        out = set(self.everywhere)
        owners = self.owners
        for w in words:
            if w in owners:  # not the words of no matcher (Sent.has's)
                out |= owners[w]
        return out

    def find(self, low: str) -> set[str]:
        """The words that ``low`` (lower-case text) holds."""
        if self._regex is None:
            self._build()
        found: set[str] = set()
        search, within, step = self._regex.search, self._within, self._step
        m = search(low)
        while m is not None:
            # the longest word at this start holds every word starting inside it and ending in it; one
            # that may run on past its end starts where a rest of it begins a word (_step)
            word = m.group(0)
            found.update(within[word])
            m = search(low, m.start() + step[word])
        return found

    def _build(self) -> None:
        while self._later:
            self._later.pop()()
        trie: dict = {}
        for word in self.words:
            node = trie
            for ch in word:
                node = node.setdefault(ch, {})
            node[""] = {}
        self._regex = re.compile(_trie_regex(trie), re.S)
        self._within, self._step = {}, {}
        for w in self.words:
            within: set[str] = set()
            step = len(w)
            for k in range(len(w)):
                node = trie
                for d, ch in enumerate(w[k:], 1):  # the words starting at k of w: a walk down the trie
                    node = node.get(ch)
                    if node is None:
                        break
                    if "" in node:
                        within.add(w[k:k + d])
                else:  # all the rest of w from k begins a word, which may run on past w
                    if k:
                        step = min(step, k)
            self._within[w] = tuple(within)
            self._step[w] = step


_ESCAPED: dict[str, str] = {}  # re.escape of one character, looked up (a trie of 900 words has 5,000 nodes)


def _trie_regex(node: dict) -> str:
    """The words below a trie node as a regex that, at one position, matches the longest of them."""
    alternatives = [(_ESCAPED.get(ch) or _ESCAPED.setdefault(ch, re.escape(ch))) + _trie_regex(child)
                    for ch, child in sorted(node.items()) if ch]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    if "" in node:  # a word ends here: what follows is optional, longest first
        body = "(?:" + body + ")?"
    return body


WORDS = WordFinder()  # the required words of every term matcher, and the words Sent.has asks of a sentence


_MATCHERS: list = []


class TermMatcher:
    """The terms of a file, found as one alternation would find them, each behind its own keyword test.

    Every term has the words every match of it must contain (:func:`required_literals`, read
    off its pattern: "straight", "sensation" ...); a sentence is searched only for the terms
    whose words it holds, each with a regex of its own, and the matches are merged as the
    alternation of all terms in file order would give them (leftmost first; at one position,
    the first term listed). A long exam sentence thus tries a handful of terms, not fifty.
    """

    def __init__(self, vocab: TermFile, terms: list[Term]):
        lists = {name: vocab.list_regex(name) for name in vocab.lists}
        self.terms = terms
        self.sources = sources = [t.regex(lists) for t in terms]  # each term's pattern (lists expanded)
        self.regexes = [gated(r) for r in sources]
        # each term's case-sensitive twin, searched in the lower-cased text when it is ASCII (regex_gate.ascii_lowered)
        self.twins = [ascii_lowered(r) for r in self.regexes]
        self.requires = [re.compile(t.requires, re.I) if t.requires else None for t in terms]
        # a term with case-sensitive words ("ENT") has no twin: a wider twin (regex_gate.relaxed_twin) tells
        # in the lower-cased text whether, and from where, its own pattern is worth searching
        self.relaxed = [relaxed_twin(r) if twin is None else None for r, twin in zip(self.regexes, self.twins)]
        # what finditer searches for term i: (pattern, in the lower-cased text?, its wider twin or None),
        # for an ASCII text and for another
        self._for_ascii = [(twin, True, None) if twin is not None else (regex, False, relaxed)
                           for twin, regex, relaxed in zip(self.twins, self.regexes, self.relaxed)]
        self._for_other = [(regex, False, None) for regex in self.regexes]
        self.always: list[int] = []
        index: dict[str, list[int]] = {}
        for i, source in enumerate(sources):
            words = required_literals(source)
            if words is None:
                self.always.append(i)
            for w in words or ():
                index.setdefault(w, []).append(i)
        self.index = index
        self.keys = frozenset(index)
        self.id = len(_MATCHERS)
        _MATCHERS.append(self)
        WORDS.add(index, self.id, everywhere=bool(self.always))

    def active(self, words: set[str]) -> list[int]:
        """The terms that can match a text holding the required ``words`` (WORDS.find), in file order."""
        found = self.keys.intersection(words)
        if not found:
            return self.always
        if len(found) == 1 and not self.always:
            return self.index[next(iter(found))]  # built in file order (not to be changed by the caller)
        on = set(self.always)
        for word in found:
            on.update(self.index[word])
        return sorted(on)

    def finditer(self, text: str, words: Optional[set[str]] = None,
                 low: Optional[str] = None) -> list[tuple[re.Match, Term]]:
        """Each term found in ``text`` (whose required context the text holds), leftmost first;
        ``words``: the required words the text holds, when known (Sent.words); ``low``: text.lower().
        The matches' spans are the text's; their text may be lower-cased (read the text's slice)."""
        if low is None:
            low = text.lower()
        active = self.active(WORDS.find(low) if words is None else words)
        if not active:
            return []
        # each active term's pattern and what it searches: its twin in the lower-cased text, when it has one
        pick = self._for_ascii if text.isascii() else self._for_other
        if len(active) > 1:
            # each term's first match: a term with none has none further on (what a later search finds, this
            # one would have); most calls end here, or with one term found, which needs no merging
            firsts = []
            for i in active:
                pattern, lowered, wider = pick[i]
                subject = low if lowered else text
                if wider is None:
                    m = pattern.search(subject)
                else:  # no match of the pattern starts before the wider twin's first
                    w = wider.search(low)
                    m = None if w is None else pattern.search(subject, w.start())
                if m is not None:
                    firsts.append((i, m, pattern, subject))
            if len(firsts) > 1:
                return self._merged(text, firsts)
            if not firsts:
                return []
            i = firsts[0][0]
        else:
            i = active[0]
            pattern, lowered, wider = pick[i]
            if wider is not None and wider.search(low) is None:
                return []
            if pattern.search(low if lowered else text) is None:  # most calls: the required word is there, the term not
                return []
        # one term found: its own matches, nothing to merge
        pattern, lowered, _ = pick[i]
        subject = low if lowered else text
        need = self.requires[i]
        if need is not None and need.search(text) is None:
            return []
        term = self.terms[i]
        return [(m, term) for m in pattern.finditer(subject)]

    def _merged(self, text: str, firsts: list[tuple[int, re.Match, re.Pattern, str]]) -> list[tuple[re.Match, Term]]:
        """The matches of several terms (each with its first match, in file order) as one alternation of them
        would give them: leftmost first; at one position, the first term listed."""
        nxt = {i: m for i, m, _, _ in firsts}
        use = {i: (pattern, subject) for i, _, pattern, subject in firsts}
        order = [i for i, _, _, _ in firsts]
        needed = {i: self.requires[i] is None or self.requires[i].search(text) is not None for i in order}
        out: list[tuple[re.Match, Term]] = []
        pos = 0
        while True:
            best: Optional[tuple[int, re.Match]] = None
            for i in order:
                m = nxt[i]
                if m is not None and m.start() < pos:
                    pattern, subject = use[i]
                    m = nxt[i] = pattern.search(subject, pos)
                if m is not None and (best is None or m.start() < best[1].start()):
                    best = (i, m)
            if best is None:
                return out
            i, m = best
            pos = m.end()
            if needed[i]:
                out.append((m, self.terms[i]))
