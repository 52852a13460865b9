"""The summary as sentences, with what several extractors ask of each sentence, computed once.

``summary_sentences`` normalizes the summary, drops the reviewer's boilerplate opening and
splits it into :class:`Sent` objects; a ``Sent`` computes lazily its treatment mentions,
negation scopes, dates, drug names and whether it speaks of history or of a request.
:class:`Out` collects the fields extractors fill and the evidence sentence of each.
"""
from __future__ import annotations

import re
from typing import Iterable

from checker.regex_gate import Folded, ascii_lowered
from checker.request.model import Evidence

from .cues import WORDS
from .negation import CONTEXT, CUE_WORDS, negating_cue, scopes as negation_scopes
from .stems import Stems, stems
from .terms import FAMILY_ABBREVIATIONS, FAMILY_STEMS as _FAMILY_WORDS, Mention, drug_mentions, family_mentions, region_mentions
from .text import DateHit, Sentence, find_dates, normalize_paragraphs, sentences


def gated(first_letters: str, pattern: str) -> re.Pattern:
    """``pattern`` (case-insensitive) behind a lookahead for the letters its matches can start with.

    The same matches, found faster: re has no fast scan for a case-insensitive pattern, so it
    tries every alternative at every position of a sentence; the lookahead leaves only the
    positions where one of ``first_letters`` (any case) stands. ``first_letters`` must hold
    the first letter of every alternative: a pattern's new alternative needs its letter here.
    (Measured: 11% of the case-summary work, the most searched patterns gated.)
    """
    return re.compile(f"(?=[{first_letters}])(?:{pattern})", re.I)
BOILERPLATE = re.compile(
    r"^(?:CLINICAL CASE SUMMARY\s*)?The expert reviewer developed the following clinical case summary based on a"
    r" review of the case file, including all medical records:?\s*",
    re.I,
)
# History cues (rules/vocab/negation_cues.yaml): "has had", "to date", "status post" ...; the
# pseudo ones ("prior review", "previously denied", "prior to") speak of utilization review or
# time, and are blanked out before the history cues are looked for.
UR_PRIOR = Folded(CONTEXT.compile(CONTEXT.select("historical", "pseudo")))
HIST = Folded(CONTEXT.compile(CONTEXT.select("historical", "forward")))
REQUEST_SENT = re.compile(
    r"\b(?=[racundmi])(?:request\w*|\bRFA\b|\bauthori[sz]\w*|utilization\sreview|\bUR\b|\bnon-?\s?certif\w*|\bcertif\w*|\bdenied\b"
    r"|\bmodified\b|\bmodification\b|\bdetermination\b|\bappeal\w*|\bIMR\b|\bclaims\sadministrator\b)",
    re.I,
)
_REQUEST_LOWERED = ascii_lowered(REQUEST_SENT)  # its twin for the lower-cased ASCII sentence (the same matches)


# a non-physical-medicine treatment as the subject: "Home traction unit was noted to be ineffective"
OTHER_TX = re.compile(
    r"\b(?:traction|unit|brace|bracing|splint|injections?|medications?|meds|drugs?|surgery|ice|heat|rest|orthotics?|cane"
    r"|crutch\w*|pillow|shockwave|ultrasound|creams?|patch\w*|blocks?|ESI|TENS|pills?|tablets?|inhaler|device|sling)\b",
    re.I,
)
NON_PM_TX = re.compile(r"\b(?:medications?|opioids?|injections?|epidural|surgery|ESI|TENS|block)\b", re.I)


# the negation cues' required words: an ASCII sentence without one has no cue (not searched); None: no such words
CUE_STEMS = stems(*CUE_WORDS) if CUE_WORDS is not None else None
FAMILY_STEMS = stems(*_FAMILY_WORDS)  # terms.family_mentions finds none in a sentence without one (or PT, OT, TENS)


class Sent:
    """One sentence with what several extractors need, computed lazily."""

    __slots__ = ("s", "text", "low", "_mentions", "_cues", "_dates", "_drugs", "_hist", "_req", "_other_tx", "_non_pm",
                 "_regions", "_words", "_matchers", "_version")

    def __init__(self, s: Sentence):
        self.s = s
        self.text = s.text
        self._mentions = self._cues = self._dates = self._drugs = None
        self._hist = self._req = self._other_tx = self._non_pm = self._regions = self._words = self._matchers = None
        self._version = -1
        self.low = s.text.lower()

    def has(self, words: Iterable[str]) -> bool:
        """Cheap pre-filter: does the sentence contain any of these lower-case substrings?

        Stems made by stems.stems are found with the term matchers' words, in the one scan of the
        sentence that finds those (cues.WORDS): a set test per call, not a substring search per stem
        (measured: 200 calls per summary, 0.23 ms). Any other words are searched one by one."""
        if type(words) is not Stems:
            return any(map(self.low.__contains__, words))  # map: no generator frame per stem
        found = self._words
        if found is None or self._version != WORDS.version:
            found = self.words
        return not words.isdisjoint(found)

    def may_mention(self) -> bool:
        """Can family_mentions find a treatment here? Its own pre-test, read off the word scan."""
        text = self.text
        return self.has(FAMILY_STEMS) or any(map(text.__contains__, FAMILY_ABBREVIATIONS))

    @property
    def mentions(self) -> list[Mention]:
        if self._mentions is None:
            self._mentions = family_mentions(self.text) if self.may_mention() else []
        return self._mentions

    @property
    def cues(self):
        if self._cues is None:
            # not for a text that is not ASCII: re.I reads "ſ" as "s", which lower() leaves
            if CUE_STEMS is not None and self.text.isascii() and not self.has(CUE_STEMS):
                self._cues = []
            else:
                self._cues = negation_scopes(self.text)
        return self._cues

    @property
    def dates(self) -> list[DateHit]:
        if self._dates is None:
            self._dates = find_dates(self.text)
        return self._dates

    @property
    def words(self) -> set[str]:
        """The words of cues.WORDS the sentence holds: the required words of the clinical vocabularies
        and the stems ``has`` was asked for."""
        if self._words is None or self._version != WORDS.version:
            self._version = WORDS.version
            self._words = WORDS.find(self.low)
        return self._words

    @property
    def matchers(self) -> set[int]:
        """The term matchers (cues.TermMatcher.id) that may find something in the sentence."""
        if self._matchers is None:
            self._matchers = WORDS.matchers_for(self.words)
        return self._matchers

    @property
    def regions(self):
        """(start, end, regions) of the sentence's region words (terms.region_mentions)."""
        if self._regions is None:
            self._regions = region_mentions(self.text)
        return self._regions

    @property
    def drugs(self):
        if self._drugs is None:
            self._drugs = drug_mentions(self.text)
        return self._drugs

    @property
    def hist(self) -> bool:
        if self._hist is None:
            self._hist = bool(HIST.search(UR_PRIOR.sub(" ", self.text)))
        return self._hist

    @property
    def request(self) -> bool:
        if self._req is None:
            if _REQUEST_LOWERED is not None and self.text.isascii():
                self._req = _REQUEST_LOWERED.search(self.low) is not None
            else:
                self._req = REQUEST_SENT.search(self.text) is not None
        return self._req

    @property
    def other_tx(self) -> list[tuple[int, int]]:
        """Spans of the non-physical-medicine treatment words (OTHER_TX) of the sentence."""
        if self._other_tx is None:
            self._other_tx = [m.span() for m in OTHER_TX.finditer(self.text)]
        return self._other_tx

    @property
    def non_pm(self) -> bool:
        """Does the sentence name a non-physical-medicine treatment (NON_PM_TX) anywhere?"""
        if self._non_pm is None:
            self._non_pm = NON_PM_TX.search(self.text) is not None
        return self._non_pm

    def negated(self, start: int, end: int) -> bool:
        return negating_cue(self.text, start, end, self.cues) is not None


class Out:
    """Collects field values and their evidence."""

    def __init__(self) -> None:
        self.fields: dict = {}
        self.evidence: list[Evidence] = []

    def ev(self, fact: str, value: object, sentence: str) -> None:
        self.evidence.append(Evidence(fact=fact, value=str(value), sentence=sentence))



def summary_sentences(summary: object) -> list[Sent]:
    """The summary's sentences, after its boilerplate opening; paragraph breaks end sentences."""
    text, breaks = normalize_paragraphs(summary)
    m = BOILERPLATE.match(text)
    if m:
        text = text[m.end():]
        breaks = [b - m.end() for b in breaks if b > m.end()]
    return [Sent(s) for s in sentences(text, breaks)]
