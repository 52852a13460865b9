"""Term lists from the vocabulary files, compiled once into a word index and scanned over text.

Policy (what a term is and how a line is read with it):
1. A line is cut into tokens: words (letters, with the digits that follow them: "L4", "E0720"),
   numbers, and the signs "/", "&", "#", ",", "+". Hyphens and other punctuation separate words
   and vanish, so "x-ray", "x ray" and "X Ray" are the same three letters in two tokens.
2. Words compare folded: lower case, a plural "s"/"ies" and a final "e" dropped ("injections" =
   "injection", "braces" = "brace").
3. A term is matched where its tokens appear in a row; at each place the longest term wins and
   its tokens are taken ("femoral neck" is the hip, not the neck). A term written "word*" matches
   any word that begins so, "*word" any word that ends so; they are tried only when no whole
   word matches there.
4. An abbreviation counts only as written (case and all: "PT", not "pt" in "the pt was seen"),
   and, when the lexicon allows it, in any case right before a quantity ("pt 2x4").
5. A term may require words before or after it (`previous`, `next`), or forbid them
   (`not_previous`, `not_next`), and may count only beside another service (`with`): the
   scanner records that condition; the reader decides it.
Scanning is one pass over the tokens with dictionary look-ups: linear in the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, NamedTuple, Optional

_TOKEN = re.compile(r"[A-Za-z]+(?=x\d)|[A-Za-z]+\d*|\d+|[/&#,+]")
# _TOKEN's first branch ("PTx12": "PT", "x12") needs a letter, "x", a digit; most texts have none, and
# there _TOKEN cuts as this does, without trying that branch (and backing off it) at every word.
_PLAIN_TOKEN = re.compile(r"[A-Za-z]+\d*|\d+|[/&#,+]")
_X_AFTER_LETTER = re.compile(r"x(?<=[A-Za-z]x)\d")  # "x" first: found by a fast search for it
_NUMBER = re.compile(r"^(?:\d+|x\d+)$")
MIN_AFFIX = 3
_FEW_TOKENS = 8  # a scan of up to this many tokens tries every token (measured: faster than picking places)


_FOLDED: dict[str, str] = {}


def fold(word: str) -> str:
    """``_fold`` remembered: item lines and summaries repeat a small vocabulary."""
    got = _FOLDED.get(word)
    if got is None:
        got = _fold(word)
        if len(_FOLDED) < 50000:  # bounded: arbitrary text cannot grow it without limit
            _FOLDED[word] = got
    return got


def _fold(word: str) -> str:
    """The form words compare in: lower case, without a plural ending or a final silent e
    ("headaches", "headache" -> "headach"; "crutches", "crutch" -> "crutch"; "studies" -> "study")."""
    w = word.lower()
    if len(w) >= 5 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) >= 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")) and w[-2].isalpha():
        w = w[:-1]
    if len(w) >= 5 and w.endswith("e"):
        w = w[:-1]
    return w


class Tokens:
    """A text cut into tokens: the words as written, folded, and their character offsets."""

    __slots__ = ("text", "words", "folded", "_spans")

    def __init__(self, text: str, words: list[str], folded: list[str]):
        self.text = text
        self.words = words  # as written
        self.folded = folded
        self._spans: Optional[list[tuple[int, int]]] = None

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Character offsets of the tokens in the text; found when first asked (few readers need them)."""
        if self._spans is None:
            self._spans = [m.span() for m in _TOKEN.finditer(self.text)]
        return self._spans


def tokenize(text: str) -> Tokens:
    words = (_TOKEN if _X_AFTER_LETTER.search(text) else _PLAIN_TOKEN).findall(text)
    folded = list(map(_FOLDED.get, words))  # fold's memo read at C speed: a word folded once costs no call
    if None in folded:
        folded = [f if f is not None else fold(w) for w, f in zip(words, folded)]
    return Tokens(text, words, folded)


def term_tokens(term: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in _TOKEN.findall(term))


@dataclass(frozen=True)
class Guard:
    previous: frozenset = frozenset()
    not_previous: frozenset = frozenset()
    next: frozenset = frozenset()
    not_next: frozenset = frozenset()

    def allows(self, folded: list[str], start: int, end: int) -> bool:
        before = folded[start - 1] if start else ""
        after = folded[end] if end < len(folded) else ""
        if self.previous and before not in self.previous:
            return False
        if before and before in self.not_previous:
            return False
        if self.next and after not in self.next:
            return False
        return not (after and after in self.not_next)


NO_GUARD = Guard()


@dataclass(frozen=True)
class Sense:
    """What one term means in the lexicon: its payload (an entry) and how it may match."""

    payload: Any
    exact: Optional[tuple[str, ...]] = None  # abbreviation: the tokens as written
    lenient: bool = False  # an abbreviation that also counts in any case before a quantity
    guard: Guard = NO_GUARD
    with_: Optional[str] = None  # counts only beside a service of this family or kind
    extra: Any = None  # e.g. the side a region abbreviation carries ("RUE": right)


class Match(NamedTuple):
    start: int  # token index
    end: int
    sense: Sense


def _guard(spec: Any) -> Guard:
    def words(name: str) -> frozenset:
        return frozenset(t for w in getattr(spec, name, None) or () for t in term_tokens(w))

    g = Guard(words("previous"), words("not_previous"), words("next"), words("not_next"))
    return NO_GUARD if g == Guard() else g


@dataclass
class Lexicon:
    """Terms -> senses, with a look-up by first token so that a scan tries few lengths."""

    quantity_words: frozenset = frozenset()  # words that, after an abbreviation, make a quantity
    _index: dict[tuple[str, ...], list[Sense]] = field(default_factory=dict)
    _lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)  # first token -> term lengths, longest first
    _prefixes: dict[str, list[tuple[str, Sense]]] = field(default_factory=dict)
    _suffixes: dict[str, list[tuple[str, Sense]]] = field(default_factory=dict)

    def add(self, term: str, payload: Any, *, abbreviation: bool = False, lenient: bool = False,
            spec: Any = None, extra: Any = None) -> None:
        """Add one term (``word*`` a prefix, ``*word`` a suffix) with its payload."""
        guard = _guard(spec) if spec is not None else NO_GUARD
        with_ = getattr(spec, "with_", None) if spec is not None else None
        term = term.strip()
        if term.endswith("*") or term.startswith("*"):
            affix = fold(term.strip("*"))
            sense = Sense(payload, guard=guard, with_=with_, extra=extra)
            if term.endswith("*"):
                self._prefixes.setdefault(affix[:MIN_AFFIX], []).append((affix, sense))
            else:
                self._suffixes.setdefault(affix[-MIN_AFFIX:], []).append((affix, sense))
            return
        raw = tuple(_TOKEN.findall(term))
        key = tuple(fold(w) for w in raw)
        sense = Sense(payload, exact=raw if abbreviation else None, lenient=lenient, guard=guard, with_=with_,
                      extra=extra)
        senses = self._index.setdefault(key, [])
        if any(s.payload is payload and s.exact == sense.exact and s.guard == guard and s.with_ == with_
               for s in senses):
            return  # "chem 7" and "chem-7" are one term
        senses.append(sense)
        self._lengths[key[0]] = tuple(sorted(set(self._lengths.get(key[0], ())) | {len(key)}, reverse=True))

    def senses(self, term: str) -> list[Sense]:
        return self._index.get(term_tokens(term), [])

    def _quantity_after(self, tokens: Tokens, end: int) -> bool:
        if end >= len(tokens.words):
            return False
        nxt = tokens.folded[end]
        return bool(_NUMBER.match(nxt)) or nxt in self.quantity_words

    def _fits(self, sense: Sense, tokens: Tokens, start: int, end: int) -> bool:
        if sense.exact is not None:
            written = tokens.words[start:end]
            exact = sense.exact
            same = tuple(written[:-1]) == exact[:-1] and written[-1] in (exact[-1], exact[-1] + "s")
            if not same and not (sense.lenient and self._quantity_after(tokens, end)
                                 and [w.lower() for w in written] == [w.lower() for w in exact]):
                return False
        return sense.guard is NO_GUARD or sense.guard.allows(tokens.folded, start, end)

    def _affixes(self, word: str) -> list[Sense]:
        found = []
        for affix, sense in self._prefixes.get(word[:MIN_AFFIX], ()):
            if word.startswith(affix):
                found.append(sense)
        for affix, sense in self._suffixes.get(word[-MIN_AFFIX:], ()):
            if word.endswith(affix) and word != affix:
                found.append(sense)
        return found

    def scan(self, tokens: Tokens) -> list[Match]:
        """Matches in order: at each token the longest term that fits, then on after it."""
        out: list[Match] = []
        folded, n = tokens.folded, len(tokens.folded)
        index, lengths_of, prefixes, suffixes = self._index, self._lengths, self._prefixes, self._suffixes
        places: Iterable[int] = range(n)
        if n > _FEW_TOKENS:
            # Only a word that starts a term or has a listed affix can match: in a longer text those are
            # found among the distinct words once, and the scan visits only their places (the others would
            # each be passed over); in a short one, finding them costs more than passing over the others.
            starting = {w for w in set(folded) if w in lengths_of or (
                len(w) >= MIN_AFFIX and (w[:MIN_AFFIX] in prefixes or w[-MIN_AFFIX:] in suffixes))}
            places = [k for k, w in enumerate(folded) if w in starting]
        after = 0  # the first token not taken by a match
        for i in places:
            if i < after:
                continue
            word = folded[i]
            taken = 0
            for length in lengths_of.get(word, ()):  # only the lengths of terms that start with this word
                if length > n - i:
                    continue
                senses = index.get(tuple(folded[i:i + length]) if length > 1 else (word,))
                if not senses:
                    continue
                # a sense with no written form and no guard fits wherever its words are
                fitting = [s for s in senses if s.exact is None and s.guard is NO_GUARD
                           or self._fits(s, tokens, i, i + length)]
                if fitting:
                    out.extend(Match(i, i + length, s) for s in fitting)
                    taken = length
                    break
            if not taken and len(word) >= MIN_AFFIX and (word[:MIN_AFFIX] in prefixes or word[-MIN_AFFIX:] in suffixes):
                affixed = [s for s in self._affixes(word) if self._fits(s, tokens, i, i + 1)]
                if affixed:
                    out.extend(Match(i, i + 1, s) for s in affixed)
                    taken = 1
            after = i + taken
        return out


def build(terms: Iterable[tuple[str, Any, dict]], quantity_words: Iterable[str] = ()) -> Lexicon:
    lex = Lexicon(quantity_words=frozenset(fold(w) for w in quantity_words))
    for term, payload, options in terms:
        lex.add(term, payload, **options)
    return lex
