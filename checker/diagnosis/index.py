"""An index of the ICD-10-CM code titles: a diagnosis phrase -> the codes whose titles say it.

Policy (what `DiagnosisIndex.search` ranks, in this order):
1. Coverage: the share of the phrase's concepts, weighted by their rarity among titles
   (idf), that a title holds. A word no title knows weighs as the rarest word, so a phrase
   that says more than any title matches only partly.
2. Generality: among titles that cover the phrase equally, the one with the fewest words
   the phrase does not say ("Low back pain" before "Low back pain, unspecified"), a
   qualifier ("congenital", "recurrent" ...) counting as QUALIFIER_WEIGHT words, then the
   shorter code (the parent before its children: M25.51 before M25.511).
   A phrase that states an encounter ("initial encounter") names an injury code: titles of
   codes that take a 7th (encounter) character come first.
3. A title matched only on body-part words names a place, not a diagnosis: no match.

The documents are every ICD-10-CM code up to its 6th character (the 7th character of an
injury code is its encounter, read apart), its title and its inclusion terms, as
simple-icd-10-cm gives them, plus the ICD-10-CM Index entries of diagnosis_words.yaml.
Building takes seconds (the library parses its XML); the built index is cached on disk,
keyed by the library version, this module's format and the vocabulary files, and loaded
in tens of milliseconds on first use.
"""
from __future__ import annotations

import gc
from bisect import insort
import json
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Optional

from checker import icd10
from checker.diagnosis.words import CODE_IN_TEXT, Concept, ParsedPhrase, Reader, default_reader, vocabulary_fingerprint

FORMAT = 4  # bump when the cached layout or the tokenizer changes
PARTIAL_MIN = 0.6  # a title must hold at least this share of a phrase's weight to be a candidate
QUALIFIER_WEIGHT = 3
COVER_MARGIN = 0.002  # covers(): a concept weighing more than this share of the phrase leaves it uncovered when missed
RANK_MEMO = 20_000  # phrases whose ranking is kept (bounded memory)
TITLE, INCLUSION_TERM, INDEX_TERM = 0, 1, 2  # what a document's text is


@dataclass(frozen=True)
class Match:
    code: str
    title: str
    coverage: float  # share of the phrase's weight the title holds (1.0: all of it)
    extra: int  # title words the phrase does not say (a qualifier counts QUALIFIER_WEIGHT)
    extra_anatomy: bool = False  # the title names a body part the phrase does not


@dataclass(frozen=True)
class Lookup:
    """What a phrase says: the codes written in it and the titles that match it, best first."""

    phrase: ParsedPhrase
    matches: tuple[Match, ...]

    @property
    def codes_written(self) -> tuple[str, ...]:
        return self.phrase.codes

    @property
    def best(self) -> Optional[Match]:
        return self.matches[0] if self.matches else None

    @property
    def covered(self) -> bool:
        """A title says all the phrase says."""
        return bool(self.matches) and self.matches[0].coverage >= 0.999


def _cache_file() -> Path:
    return icd10.cache_dir() / f"icd10cm-index-{metadata.version('simple-icd-10-cm')}-f{FORMAT}-{vocabulary_fingerprint()}.json"


def build_documents(reader: Reader) -> dict:
    """The index's documents and postings, from the ICD-10-CM library (slow: seconds).

    Documents whose words are the same keep only the most general code (the shortest):
    the ranking would always prefer it (policy 2), so the others could never come first.
    """
    icd = icd10.icd10cm()  # parses a 10 MB XML file on import

    vocab: dict[str, int] = {}
    encounter_codes: set[str] = set()  # codes whose subtree takes a 7th character
    best: dict[tuple[int, ...], tuple[str, str, list[int], int]] = {}

    def add(code: str, text: str, kind: int) -> None:
        toks = [vocab.setdefault(t, len(vocab)) for t in reader.title_tokens(text)]
        if not toks:
            return
        key = tuple(sorted(toks))
        old = best.get(key)
        if old is None or (len(code), code, kind) < (len(old[0]), old[0], old[3]):
            best[key] = (code, text, toks, kind)

    all_codes = icd.get_all_codes(with_dots=True)
    for code in all_codes:
        if len(code.replace(".", "")) == 7 and not (icd.is_chapter(code) or icd.is_block(code)):
            for n in range(3, len(code)):
                encounter_codes.add(code[:n].rstrip("."))
    for code in all_codes:
        if icd.is_chapter(code) or icd.is_block(code) or len(code.replace(".", "")) > 6:
            continue
        add(code, icd.get_description(code), TITLE)
        for term in icd.get_inclusion_term(code):
            add(code, term, INCLUSION_TERM)
    for entry in reader.words.index_terms:
        add(entry.code, entry.term, INDEX_TERM)
    docs = sorted(best.values(), key=lambda d: (d[0], d[1]))
    postings: list[list[int]] = [[] for _ in vocab]
    for i, (_, _, toks, _) in enumerate(docs):
        for t in toks:
            postings[t].append(i)
    return {
        "tokens": list(vocab),
        "codes": [d[0] for d in docs],
        "titles": [d[1] for d in docs],
        "docs": [d[2] for d in docs],
        "postings": postings,
        "encounter": [int(d[0] in encounter_codes) for d in docs],
        "kind": [d[3] for d in docs],
    }


class DiagnosisIndex:
    def __init__(self, data: dict, reader: Reader):
        self.reader = reader
        self.tokens: list[str] = data["tokens"]
        self.token_id = {t: i for i, t in enumerate(self.tokens)}
        self.codes: list[str] = data["codes"]
        self.titles: list[str] = data["titles"]
        self.doc_tokens: list[list[int]] = data["docs"]
        self.postings: list[list[int]] = data["postings"]
        self.takes_encounter: list[int] = data["encounter"]
        self.kind: list[int] = data["kind"]
        q = reader.qualifiers
        self.qualifier_ids = frozenset(i for i, t in enumerate(self.tokens) if t in q)
        self.place_ids = frozenset(i for i, t in enumerate(self.tokens) if t in reader.places)
        n = len(self.codes)
        self._doc_len: Optional[list[int]] = None  # each title's word count (_first_scored), made on first use
        self.idf = [math.log(n / len(p)) if p else 0.0 for p in self.postings]
        self.unknown_weight = math.log(n)
        self._code_title: Optional[dict[str, str]] = None
        self._posting_sets: dict[int, frozenset[int]] = {}  # bounded by the vocabulary
        self._matching = lru_cache(maxsize=4096)(self._matching_docs)
        # the ranking of a phrase's concepts: the letter reader and the classifier (and the
        # diagnoses of every request) search the same phrases again
        # (the first scores, how many were kept: None for all of them)
        self._ranked: dict[tuple[tuple[Concept, ...], bool], tuple[tuple[tuple, ...], Optional[int]]] = {}

    def title(self, code: str) -> Optional[str]:
        """The ICD-10-CM title of a code, when the index kept it (a code whose title says
        what its parent's says was merged into the parent), else None."""
        if self._code_title is None:
            self._code_title = {c: t for c, t, k in zip(self.codes, self.titles, self.kind) if k == TITLE}
        return self._code_title.get(code)

    # ---- search

    def _posting_set(self, t: int) -> frozenset[int]:
        """Token t's documents as a set, made once per token on first use (a phrase's common words,
        "pain", "lumbar", recur across letters: their sets are not rebuilt for each new phrase)."""
        found = self._posting_sets.get(t)
        if found is None:
            found = self._posting_sets[t] = frozenset(self.postings[t])
        return found

    def _matching_docs(self, alternatives: tuple[tuple[str, ...], ...]
                       ) -> tuple[frozenset[int], float, tuple[tuple[int, ...], ...]]:
        """The documents holding any alternative of a concept, the concept's weight, and its
        alternatives as token ids (those whose words the index knows)."""
        docs: frozenset[int] = frozenset()
        weight = 0.0
        alt_ids = []
        for a in alternatives:
            ids = [self.token_id.get(w) for w in a]
            if None in ids:
                continue
            alt_ids.append(tuple(ids))
            if len(ids) == 1:
                found = self._posting_set(ids[0])
            else:
                ids.sort(key=lambda t: len(self.postings[t]))
                found = self._posting_set(ids[0]).intersection(*(self._posting_set(t) for t in ids[1:]))
            docs = docs | found if docs else found
            weight = max(weight, sum(self.idf[i] for i in ids) / len(ids))
        return docs, (weight if docs else self.unknown_weight), tuple(alt_ids)

    def search(self, text: str, limit: int = 5) -> Lookup:
        return self._lookup(self.parse(text), limit)

    def parse(self, text: str) -> ParsedPhrase:
        """The phrase as search reads it: the codes written in it apart, the rest as concepts."""
        codes, rest = split_codes(text)
        return self.reader.parse(rest, codes)

    def _lookup(self, phrase: ParsedPhrase, limit: int) -> Lookup:
        return Lookup(phrase, tuple(self._rank(phrase.concepts, limit, phrase.encounter is not None)))

    def covers(self, phrase: ParsedPhrase) -> bool:
        """``search(text).covered`` of the phrase ``parse(text)`` reads: a title says all it says; the titles are ranked
        only when that cannot be told from the concepts' documents (the list splitter asks it of
        every segment and joined phrase, most covered by no title: ranking those was most of its work)."""
        concepts = phrase.concepts
        if not concepts or all(c.anatomy for c in concepts):
            return False  # _scored: no match
        matching = [self._matching(c.alternatives) for c in concepts]
        sets = sorted((docs for docs, _, _ in matching), key=len)
        if sets[0] and sets[0].intersection(*sets[1:]):
            return True  # titles hold every concept: coverage 1 (the fast path of _scored)
        # No title holds every concept: each misses at least the lightest one's weight, so coverage
        # is at most 1 - lightest / total; well under the 0.999 of Lookup.covered, no title covers it.
        weights = [w for _, w, _ in matching]
        if min(weights) > COVER_MARGIN * sum(weights):
            return False
        return self._lookup(phrase, 1).covered

    def _extra(self, d: int, singles: frozenset[int], multis: tuple[tuple[int, ...], ...]) -> tuple[int, bool]:
        """The weight of document d's words the phrase does not say (a qualifier counts
        QUALIFIER_WEIGHT), and whether one of them is a place. Every member of a concept's group
        the title holds is explained: a one-word alternative whenever the title has its word
        (``singles``), a longer one when the title has all its words (``multis``)."""
        toks = self.doc_tokens[d]
        if multis:
            has = set(toks).issuperset
            used = set(singles)
            for ids in multis:
                if has(ids):
                    used.update(ids)
            extra = [t for t in toks if t not in used]
        else:  # the common case: no set of the title's words needed
            extra = [t for t in toks if t not in singles]
        if not extra:
            return 0, False
        weight = len(extra) + (QUALIFIER_WEIGHT - 1) * sum(map(self.qualifier_ids.__contains__, extra))
        return weight, not self.place_ids.isdisjoint(extra)

    def _rank(self, concepts: tuple[Concept, ...], limit: int, injury: bool = False) -> list[Match]:
        key = (concepts, injury)
        need = 1 if limit == 1 else limit * 3  # the scores read below (the first is always taken)
        entry = self._ranked.get(key)
        if entry is None or (entry[1] is not None and entry[1] < need):
            ranked = self._scored(concepts, injury, head=need)
            if entry is not None or len(self._ranked) < RANK_MEMO:
                self._ranked[key] = (ranked, need if len(ranked) >= need else None)  # None: all of them
        else:
            ranked = entry[0]
        out: list[Match] = []
        seen: set[str] = set()
        # the first limit * 3 of the sorted scores (as heapq.nsmallest(limit * 3, scores) gave them)
        for _, _, extra, _, code, d, cover, other_place in ranked[:limit * 3]:
            if code not in seen:
                seen.add(code)
                out.append(Match(code, self.titles[d], cover, extra, other_place))
                if len(out) == limit:
                    break  # the rest would be cut off
        return out[:limit]

    def _scored(self, concepts: tuple[Concept, ...], injury: bool, head: Optional[int] = None) -> tuple[tuple, ...]:
        """The scores of the titles that rank for the phrase's concepts, best first (policy);
        ``head``: the first ``head`` of them only (the same tuples)."""
        if not concepts or all(c.anatomy for c in concepts):
            return ()
        matching = [self._matching(c.alternatives) for c in concepts]
        parts = [(c, docs, w) for c, (docs, w, _) in zip(concepts, matching)]
        total = sum(w for _, _, w in parts)
        known = sorted((p for p in parts if p[1]), key=lambda p: len(p[1]))
        if not known:
            return ()
        # Fast path: the documents that hold every concept (set intersections, in C, the smallest
        # set first and not copied).
        candidates: frozenset[int] | set[int] = set()
        if len(known) == len(parts):
            candidates = known[0][1]
            for _, docs, _ in known[1:]:
                if not candidates:
                    break
                candidates = candidates.intersection(docs)
        every = bool(candidates)  # each candidate holds every concept
        if not candidates:
            candidates = set()
            # Partial coverage: a document that holds none of the heaviest concepts cannot
            # reach PARTIAL_MIN (max-score pruning), so only their documents are scored.
            rest = sum(w for _, _, w in known)
            for _, docs, w in sorted(known, key=lambda p: -p[2]):
                if rest < PARTIAL_MIN * total:
                    break
                candidates |= docs
                rest -= w
            # A title holding only place or generic words is never a match (place_only below):
            # keep the candidates holding a diagnosis word, in C, before the loop in Python
            # ("unspecified" alone is in 9,765 titles).
            # (each diagnosis concept's documents met with the candidates, not their union built:
            # a common word's documents are many)
            keep: set[int] = set()
            for c, docs, _ in known:
                if not c.anatomy:
                    keep |= candidates.intersection(docs)
            candidates = keep
        # Coverage first; the words a title adds are counted only for the titles whose coverage
        # can still rank (within 0.1 of the best). The candidates are grouped by which concepts
        # they hold (set operations, in C): a group's titles share one coverage, summed in the
        # concepts' order as title by title.
        groups: list[tuple[tuple[int, ...], set[int]]] = [((), candidates)]
        if every:  # one group, of every concept (what the split below would give)
            groups = [(tuple(range(len(parts))), candidates)]
        for i, (_, docs, _) in enumerate(parts if not every else ()):
            if not docs:
                continue
            split = []
            for held_by, members in groups:
                inside = members.intersection(docs)
                if inside:
                    split.append((held_by + (i,), inside))
                if len(inside) < len(members):
                    split.append((held_by, members.difference(inside)))
            groups = split
        floor = PARTIAL_MIN * total
        covered = []
        for held_by, members in groups:
            got = 0.0
            for i in held_by:
                got += parts[i][2]
            # a title holding only place or generic words is never a match
            if got >= floor and not all(parts[i][0].anatomy for i in held_by):
                covered.append((got / total, held_by, members))
        if not covered:
            return ()
        top = max(cv for cv, _, _ in covered)
        alt_ids = [ids for _, _, ids in matching]
        if head is not None:
            return self._first_scored(covered, top, alt_ids, injury, head)
        return self._all_scored(covered, top, alt_ids, injury)

    def _all_scored(self, covered: list, top: float, alt_ids: list, injury: bool) -> tuple[tuple, ...]:
        """The score of every title of the groups covering within 0.1 of ``top``, sorted."""
        scored = []
        extra_of, codes, takes_encounter = self._extra, self.codes, self.takes_encounter
        for cover, held_by, members in covered:
            if cover < top - 0.1:
                continue
            _, singles, multis = _held(held_by, alt_ids)
            neg_cover = -round(cover, 6)
            for d in members:
                extra, other_place = extra_of(d, singles, multis)
                code = codes[d]
                scored.append((neg_cover, int(injury and not takes_encounter[d]), extra, len(code), code, d, cover,
                               other_place))
        return tuple(sorted(scored))

    def _first_scored(self, covered: list, top: float, alt_ids: list, injury: bool, keep: int) -> tuple[tuple, ...]:
        """The ``keep`` smallest scores of _scored's, without scoring every title: a title's extra words
        are at least its words less the phrase's (a title's tokens are distinct: title_tokens), so the
        titles of a group, taken shortest first, stop counting once that bound passes the last score
        kept (ties are scored in full)."""
        kept: list[tuple] = []  # sorted
        doc_len = self._doc_len
        if doc_len is None:  # not at load: a run that never ranks a phrase does not pay for it
            doc_len = self._doc_len = [len(t) for t in self.doc_tokens]
        extra_of, codes, takes_encounter = self._extra, self.codes, self.takes_encounter
        ranked = [g for g in sorted(covered, key=lambda g: -g[0]) if not g[0] < top - 0.1]
        if sum(len(members) for _, _, members in ranked) <= keep:  # every title is kept: scored in any order, sorted once
            return self._all_scored(ranked, top, alt_ids, injury)
        for cover, held_by, members in ranked:
            held, singles, multis = _held(held_by, alt_ids)
            said = len({t for ids in held for t in ids})  # the phrase's tokens a title can hold
            neg_cover = -round(cover, 6)
            for d in sorted(members, key=doc_len.__getitem__):
                if len(kept) >= keep and (neg_cover, 0, doc_len[d] - said) > kept[-1][:3]:
                    break  # this title and the longer ones rank after the last one kept
                extra, other_place = extra_of(d, singles, multis)
                code = codes[d]
                score = (neg_cover, int(injury and not takes_encounter[d]), extra, len(code), code, d, cover, other_place)
                if len(kept) < keep:
                    insort(kept, score)
                elif score < kept[-1]:
                    insort(kept, score)
                    kept.pop()
        return tuple(kept)


def _held(held_by: tuple[int, ...], alt_ids: list) -> tuple[list, frozenset, tuple]:
    """A group's held alternatives (the token ids of each), its one-token ones as a set of ids,
    and its several-token ones (DiagnosisIndex._extra's arguments)."""
    held = [ids for i in held_by for ids in alt_ids[i]]
    return held, frozenset(ids[0] for ids in held if len(ids) == 1), tuple(ids for ids in held if len(ids) > 1)


_DIGIT = re.compile(r"\d")


def split_codes(text: str) -> tuple[tuple[str, ...], str]:
    """The valid ICD-10-CM codes written in ``text`` and the text without them."""
    codes: list[str] = []

    def take(m) -> str:
        code = icd10.normalize(m.group(1))
        if icd10.is_valid(code):
            codes.append(code)
            return " "
        return m.group(0)

    if _DIGIT.search(text) is None:  # no code without a digit (a scan in C, not a generator)
        return (), text
    rest = CODE_IN_TEXT.sub(take, text)
    return tuple(codes), rest


def _load_or_build(reader: Reader) -> dict:
    path = _cache_file()
    enabled = gc.isenabled()
    gc.disable()  # a million small lists: the collector would triple the load time
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if isinstance(data, dict) and {"tokens", "codes", "titles", "docs", "postings", "encounter", "kind"} <= data.keys():
            return data
    except (OSError, ValueError):
        pass
    finally:
        if enabled:
            gc.enable()
    data = build_documents(reader)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only cache directory only costs speed
    return data


@lru_cache(maxsize=1)
def default_index() -> DiagnosisIndex:
    """The index over the installed ICD-10-CM release, loaded (or built) once per process."""
    reader = default_reader()
    try:
        return DiagnosisIndex(_load_or_build(reader), reader)
    except (KeyError, TypeError, IndexError, ValueError):  # a cache file of another shape: rebuild it
        _cache_file().unlink(missing_ok=True)
        return DiagnosisIndex(_load_or_build(reader), reader)
