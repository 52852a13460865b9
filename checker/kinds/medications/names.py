"""Finding drug names in a request line: the table's names first, then one misspelt name.

Policy:
1. Every generic, alias, brand and product name of rules/vocab/drug_classes.yaml is matched
   whole-word, longest first, spaces and hyphens inside a name optional ("MS Contin", "ms-contin");
   salt words after a name belong to it ("Oxycodone HCL").
2. Only when no name matches: a word of 5 letters or more that is no prescription word, within an
   edit distance of 1 (2 for 8 letters or more) of exactly one table name, is read as that name
   and a note says so ("Ketoprophen" -> ketoprofen).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Lexicon, NameEntry, name_key
from .text import Line

_WORD = re.compile(r"[a-z][a-z'\-]{4,}")


@dataclass
class Hit:
    start: int
    end: int
    entry: NameEntry
    match: str = "exact"


def find_names(lx: Lexicon, t: Line) -> list[Hit]:
    hits = []
    for m in lx.name_re.finditer(t.folded):
        entry = lx.names.get(name_key(m.group(0)))
        if entry is None:
            continue
        end = m.end()
        while (salt := lx.salt_re.match(t.folded, end)) is not None:
            end = salt.end()
        hits.append(Hit(m.start(), end, entry))
    for h in hits:
        t.take(h.start, h.end)
    return hits


def _edit_distance(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def fuzzy_names(lx: Lexicon, t: Line, notes: list[str]) -> list[Hit]:
    """A misspelt name ("Ketoprophen"): the one table name within a small edit distance."""
    for m in _WORD.finditer(str(t)):
        word = m.group(0)
        if word in lx.vocabulary_words:
            continue
        limit = 1 if len(word) < 8 else 2
        best: list[tuple[int, str]] = []
        for n in range(len(word) - limit, len(word) + limit + 1):
            for key in lx.single_names.get(n, ()):
                if key[0] != word[0]:
                    continue
                d = _edit_distance(word, key, limit)
                if d <= limit:
                    best.append((d, key))
        if not best:
            continue
        best.sort()
        if len(best) > 1 and best[0][0] == best[1][0] and lx.names[best[0][1]] != lx.names[best[1][1]]:
            continue  # two names as close: no guess
        entry = lx.names[best[0][1]]
        notes.append(f"{t.original[m.start():m.end()].strip()!r} read as {entry.name} (spelling differs)")
        t.take(m.start(), m.end())
        return [Hit(m.start(), m.end(), entry, match="fuzzy")]
    return []


