"""Words of diagnoses: how an ICD-10-CM title and a written diagnosis phrase become index tokens.

Both sides go through the same steps, so a phrase written in any word order, plural or
singular, with or without "of/and/the", matches the title it paraphrases:

1. lower case; "muscle(s)" -> "muscle"; "boxer's" -> "boxer"; split on anything not a letter or digit;
2. each word to its light stem: a plural loses its s (ligaments -> ligament, injuries -> injury),
   "-itis", "-algia", "-osis" stay; spellings and forms to the title's (disk -> disc), from data;
3. stop words dropped (of, and, the, other, unspecified ...), from data.

A phrase is also freed of what titles do not say in words (`parse_phrase`): ICD-10-CM codes
written in it, abbreviations (LBP, c-spine, R/L ...), side words (kept as its laterality),
encounter words (kept as its encounter) and spinal levels (L4-5 -> lumbar). Its remaining
words are grouped into concepts: a word or words that name what an `equivalents` group
names (cervical = neck; "herniated ... disc" = disc displacement) match a title holding any
member of the group.

All vocabulary is data: rules/vocab/diagnosis_words.yaml and diagnosis_abbreviations.yaml.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from checker.kb.data import vocabulary, vocabulary_path
from checker.regex_gate import Folded, required_literals

WORDS_FILE = "diagnosis_words"
ABBREVIATIONS_FILE = "diagnosis_abbreviations"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordList(_Strict):
    source: str = Field(min_length=1)
    words: list[str] = Field(min_length=1)


class Laterality(_Strict):
    source: str = Field(min_length=1)
    words: dict[str, Literal["right", "left", "bilateral", ""]]


class EncounterPhrase(_Strict):
    words: str = Field(min_length=1)
    encounter: Literal["initial", "subsequent", "sequela"]
    at_end: bool = False  # only as the phrase's last word ("lumbar strain, subsequent")


class Encounter(_Strict):
    source: str = Field(min_length=1)
    phrases: list[EncounterPhrase] = Field(min_length=1)


class Variant(_Strict):
    words: list[str] = Field(min_length=1)
    form: str = Field(min_length=1)
    source: str = Field(min_length=1)


class Equivalents(_Strict):
    members: list[str] = Field(min_length=2)
    source: str = Field(min_length=1)


class IndexTerm(_Strict):
    term: str = Field(min_length=1)
    code: str = Field(pattern=r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
    source: str = Field(min_length=1)


class SpinalLevels(_Strict):
    source: str = Field(min_length=1)
    letters: dict[str, str]  # vertebra letter -> region word (L -> lumbar)

    @field_validator("letters")
    @classmethod
    def _letters(cls, v: dict[str, str]) -> dict[str, str]:
        for k in v:
            if not re.fullmatch(r"[A-Z]", k):
                raise ValueError(f"expected one capital letter per vertebra group, got {k!r}")
        return v


class DiagnosisWords(_Strict):
    stop_words: WordList
    laterality: Laterality
    encounter: Encounter
    variants: list[Variant]
    equivalents: list[Equivalents]
    anatomy: WordList
    tissues: WordList
    generic: WordList
    qualifiers: WordList
    spinal_levels: SpinalLevels
    index_terms: list[IndexTerm]


class Abbreviation(_Strict):
    abbreviation: str = Field(min_length=1)
    expansion: str
    source: str = Field(min_length=1)
    before_word: bool = False  # a one-letter abbreviation ("R", "L") only before another word


class Abbreviations(_Strict):
    entries: list[Abbreviation] = Field(min_length=1)


# ------------------------------------------------------------------ tokens

GROUP_WINDOW = 3  # extra words allowed between the words of a several-word group member
_PAREN_S = re.compile(r"\((?:s|es)\)")
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_WORD = re.compile(r"[a-z0-9]+")
_RUN = re.compile(r"[\w/-]+")  # the characters an abbreviation may not have beside it
_KEEP_S = ("ss", "us", "is", "ys", "os", "as")


def stem(word: str) -> str:
    """Light stem: the singular of an English plural; everything else as written."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(_KEEP_S):
        return word[:-1]
    return word


PARSE_MEMO = 20_000  # phrases whose reading is kept (bounded memory)

@dataclass(frozen=True)
class Concept:
    """One thing a phrase says: matched by a title holding all words of any alternative."""

    alternatives: tuple[tuple[str, ...], ...]
    anatomy: bool  # names a place, a tissue or nothing specific ("other") only: no diagnosis alone


@dataclass(frozen=True)
class ParsedPhrase:
    text: str
    codes: tuple[str, ...]  # ICD-10-CM codes written in the phrase (normalized, valid)
    concepts: tuple[Concept, ...]
    laterality: tuple[str, ...]
    encounter: Optional[str]


class Reader:
    """Title and phrase tokenizer built from the vocabulary data."""

    def __init__(self, words: DiagnosisWords, abbreviations: Abbreviations):
        self._parsed: dict[tuple[str, tuple[str, ...]], ParsedPhrase] = {}  # parse's memo (immutable values)
        self._concepts: dict[tuple[tuple[str, ...], ...], Concept] = {}  # _concept's memo (immutable values)
        self._word_concepts: dict[str, Concept] = {}  # a word's own concept (bounded like _concepts)
        self.words = words
        self.stop = frozenset(words.stop_words.words)
        self.side = dict(words.laterality.words)
        self.variant = {w: v.form for v in words.variants for w in v.words}
        self.places = frozenset(self.token(w) for w in words.anatomy.words)
        self.generic = frozenset(self.token(w) for w in words.generic.words)
        self.anatomy = self.places | self.generic | frozenset(self.token(w) for w in words.tissues.words)
        self.qualifiers = frozenset(self.token(w) for w in words.qualifiers.words)
        self._levels = words.spinal_levels.letters
        # abbreviations: one alternation, longest first, whole words
        plain = sorted((a for a in abbreviations.entries if not a.before_word), key=lambda a: -len(a.abbreviation))
        self._abbr = {a.abbreviation.lower(): a.expansion for a in abbreviations.entries}
        # searched through its case-sensitive twin (regex_gate.Folded): the same matches, a phrase
        # without an abbreviation (most) is passed over in one fast scan
        self._abbr_re = Folded(re.compile(
            r"(?<![\w/-])(" + "|".join(re.escape(a.abbreviation) for a in plain) + r")(?![\w/-])", re.I))
        # what a match of _abbr_re starts with: its abbreviation's first run of [\w/-] characters, a whole
        # run of the (ASCII, lower-cased) phrase (see _RUN); None: an abbreviation that cannot be told so
        keys = [_RUN.match(a.abbreviation.lower()) if a.abbreviation.isascii() else None for a in plain]
        self._abbr_keys = None if None in keys else frozenset(m.group() for m in keys)
        letters = [a.abbreviation for a in abbreviations.entries if a.before_word]
        self._letter_re = re.compile(r"(?<![\w/.-])(" + "|".join(map(re.escape, letters)) + r")\.?(?=\s+[A-Za-z]{3})") \
            if letters else None
        # what every match of _letter_re holds (a letter, its dot, a space), found by re's fast scan for
        # a first character (the lookbehind in front of _letter_re leaves it none): most phrases have none
        self._letter_gate = re.compile(r"(?:" + "|".join(map(re.escape, letters)) + r")\.?\s") if letters else None
        enc = sorted(words.encounter.phrases, key=lambda p: -len(p.words))
        self._enc_re = Folded(re.compile(  # like _abbr_re
            r"[,;\s-]*\b(?:" + "|".join(
                re.escape(p.words).replace(r"\ ", r"\s+") + (r"\s*$" if p.at_end else r"\b") for p in enc) + r")",
            re.I))
        self._enc_of = {" ".join(p.words.lower().split()): p.encounter for p in enc}
        # words one of which every encounter match holds (None: none can be told): a phrase that holds
        # none is not scanned (_enc_re can start anywhere: its twin has no fast scan)
        self._enc_words = required_literals(self._enc_re.regex.pattern, re.I)
        # equivalents: member token tuple -> the group's alternatives
        self._groups: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
        for g in words.equivalents:
            alts = tuple(dict.fromkeys(self.title_tokens(m) for m in g.members))
            for a in alts:
                if a:
                    self._groups[a] = alts
        self._multi = sorted((k for k in self._groups if len(k) > 1), key=lambda k: (-len(k), k))
        # a member's first word -> the members (by position in _multi) that start with it
        self._multi_first: dict[str, list[int]] = {}
        for i, member in enumerate(self._multi):
            self._multi_first.setdefault(member[0], []).append(i)
        self._multi_firsts = frozenset(self._multi_first)

    # ---- both sides

    @lru_cache(maxsize=20000)
    def token(self, word: str) -> str:
        w = self.variant.get(word, word)
        w = stem(w)
        return self.variant.get(w, w)

    def raw_words(self, text: str) -> list[str]:
        text = text.lower()
        if "(" in text:
            text = _PAREN_S.sub("", text)
        if "'" in text or "\u2019" in text:
            text = _POSSESSIVE.sub("", text)
        return _WORD.findall(text)

    def title_tokens(self, text: str) -> tuple[str, ...]:
        """The content tokens of a title (order kept, duplicates dropped)."""
        out = []
        for w in self.raw_words(text):
            if w in self.side or w in self.stop:
                continue
            t = self.token(w)
            if t not in self.stop and t not in out:
                out.append(t)
        return tuple(out)

    # ---- phrases

    def expand_abbreviations(self, text: str) -> str:
        keys = self._abbr_keys
        # an abbreviation is matched whole (neither a word character, "/" nor "-" on either side): it starts
        # a run of the phrase; a phrase whose runs start none (most) is not scanned
        if keys is None or not text.isascii() or not keys.isdisjoint(_RUN.findall(text.lower())):
            text = self._abbr_re.sub(lambda m: " " + self._abbr[m.group(1).lower()] + " ", text)
        if self._letter_re is not None and self._letter_gate.search(text):
            text = self._letter_re.sub(lambda m: self._abbr[m.group(1).lower()], text)
        return text

    def _spinal_level(self, m: re.Match) -> str:
        return " " + self._levels.get(m.group(1).upper(), "") + " "

    def parse(self, text: str, codes: tuple[str, ...] = ()) -> ParsedPhrase:
        """A phrase (codes already removed by the caller and passed in) as concepts and attributes.
        Memoized (bounded): the list splitter, the index and the classifier read the same phrases."""
        key = (text, codes)
        parsed = self._parsed.get(key)
        if parsed is None:
            parsed = self._parse(text, codes)
            if len(self._parsed) < PARSE_MEMO:
                self._parsed[key] = parsed
        return parsed

    def _concept(self, alts: tuple[tuple[str, ...], ...]) -> Concept:
        """The concept of a group's (or a word's) alternatives; kept (bounded): a new phrase's words are
        mostly words other phrases said, so its concepts need not be built and judged again."""
        concept = self._concepts.get(alts)
        if concept is None:
            concept = Concept(alts, all(all(w in self.anatomy for w in a) for a in alts))
            if len(self._concepts) < PARSE_MEMO:
                self._concepts[alts] = concept
        return concept

    def _parse(self, text: str, codes: tuple[str, ...]) -> ParsedPhrase:
        encounter = None
        found = False
        enc_words = self._enc_words
        # the substring test on the lower-cased text tells only for ASCII (re.I folds a few other letters too)
        if enc_words is None or not text.isascii() or any(map(text.lower().__contains__, enc_words)):
            for m in self._enc_re.finditer(text):
                found = True
                encounter = encounter or self._enc_of.get(" ".join(m.group(0).strip(" ,;-").lower().split()))
        if found:  # no match found: sub would leave the text as it is (one scan saved)
            text = self._enc_re.sub(" ", text)
        text = self.expand_abbreviations(text)
        if _DIGIT.search(text):  # a spinal level has a digit (most phrases have none)
            text = _LEVEL.sub(self._spinal_level, text)
        sides: list[str] = []
        toks: list[str] = []
        side, stop, token = self.side, self.stop, self.token
        for w in self.raw_words(text):
            if w in side:
                if side[w] and side[w] not in sides:
                    sides.append(side[w])
                continue
            if w in stop:
                continue
            t = token(w)
            if t not in stop:
                toks.append(t)
        concepts: list[Concept] = []
        seen: set[tuple[tuple[str, ...], ...]] = set()
        groups, concept, word_concepts = self._groups, self._concept, self._word_concepts

        # A group member of several words matches its words in any order within a short window
        # ("bulging of the lumbar intervertebral disc" says "disc bulging"), longest member first.
        taken = [False] * len(toks)
        said = set(toks)
        holds = said.issuperset
        by_first = self._multi_first
        # the members whose first word the phrase has (no other can match), in _multi's order
        # (most phrases have none of the first words: one set test, in C)
        for k in () if said.isdisjoint(self._multi_firsts) else sorted(
                i for w in said if w in by_first for i in by_first[w]):
            member = self._multi[k]
            if not holds(member):  # a word of the member is missing: no match (cheap, exact)
                continue
            pos = [[i for i, t in enumerate(toks) if t == w and not taken[i]] for w in member]
            if all(pos):
                first = [p[0] for p in pos]
                if max(first) - min(first) < len(member) + GROUP_WINDOW:
                    for i in first:
                        taken[i] = True
                    alts = groups[member]
                    if alts not in seen:
                        seen.add(alts)
                        concepts.append(concept(alts))
        for t, took in zip(toks, taken):
            if not took:
                c = word_concepts.get(t)
                if c is None:
                    c = concept(groups.get((t,), ((t,),)))
                    if len(word_concepts) < PARSE_MEMO:
                        word_concepts[t] = c
                if c.alternatives not in seen:
                    seen.add(c.alternatives)
                    concepts.append(c)
        return ParsedPhrase(text, codes, tuple(concepts), tuple(sides), encounter)


_DIGIT = re.compile(r"\d")
# Spinal levels as clinicians write them: L4-5, L5-S1, C5/6, T12, L4 (the letter names the region).
_LEVEL = re.compile(r"(?<![\w.])([CTLScts])(\d{1,2})(?:\s?[-/]\s?[CTLScts]?\d{1,2})*(?![\w.])")
# An ICD-10-CM code written in a phrase (validated against the code set before use).
# Upper case with or without the dot (M54.5, S161XXA); any case with the dot (m54.5).
CODE_IN_TEXT = re.compile(
    r"(?<![\w.])((?:[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4}|[0-9A-Z]{1,4})?)|(?i:[a-tv-z]\d[0-9a-z]\.[0-9a-z]{1,4}))(?![\w.])")


def vocabulary_fingerprint() -> str:
    """A digest of the data files the index is built with (part of its cache key)."""
    h = hashlib.sha1()
    for name in (WORDS_FILE, ABBREVIATIONS_FILE):
        try:
            h.update(vocabulary_path(name).read_bytes())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def default_reader() -> Reader:
    return Reader(vocabulary(WORDS_FILE, DiagnosisWords), vocabulary(ABBREVIATIONS_FILE, Abbreviations))
