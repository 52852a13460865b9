"""Drug names in running text (case summaries, a request's medication history), found by word look-up.

Policy:
1. Every generic, alias, brand and product name of rules/vocab/drug_classes.yaml is a name; a name
   of several words ("MS Contin", "methyl salicylate", "Tylenol with Codeine") is matched word by
   word, the longest first; a name matches case-insensitively, hyphens and spaces alike.
2. Words are looked up in a table, never tried as one big alternation: a summary of 40 sentences
   costs a dictionary look-up per word (the request-line reader's regex is for one short line).
3. A name resolves to its generic ingredients and their classes (a product to all its ingredients);
   `resolve()` does the same for a drug written in a request file's medication history.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional


_TOKEN = re.compile(r"[a-z][a-z0-9'.-]*[a-z0-9]|[a-z]|#?\d+")
_NOT_KEY = re.compile(r"[^a-z0-9#]")


def _key(name: str) -> str:
    """A name as looked up: lower case, letters, digits and # only ("Tylenol No. 3" -> tylenolno3)."""
    return _NOT_KEY.sub("", name.lower())


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str  # the table's name ("Norco", "oxycodone")
    generics: tuple[str, ...]
    classes: tuple[str, ...]  # with parents


@dataclass(frozen=True)
class _Table:
    single: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]  # key -> (name, generics, classes)
    multi: dict[str, list[tuple[int, str]]]  # first word key -> [(words, whole key)], longest first
    gate: re.Pattern  # the first word of every name, as one trie-shaped regex: a text without one has no name
    firsts: tuple[str, ...]  # those first words


def _trie(words) -> str:
    """The words as a regex that tries them as a trie (re does not factor an alternation itself)."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict) -> str:
        alts = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return walk(root)


def expand_classes(parents: dict[str, list[str]], classes) -> tuple[str, ...]:
    """Classes with their parents (drug_classes.yaml), in a stable order."""
    out: list[str] = []
    todo = list(classes)
    while todo:
        c = todo.pop(0)
        if c not in out:
            out.append(c)
            todo.extend(parents.get(c, []))
    return tuple(out)


@lru_cache(maxsize=1)
def _table() -> _Table:
    from .vocab import drug_classes

    dc = drug_classes()
    parents = {c.id: list(c.parents) for c in dc.classes}
    drugs = {d.generic: d for d in dc.drugs}
    entries: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}

    def add(name: str, generics: list[str], extra: list[str]) -> None:
        classes = [c for g in generics for c in drugs[g].classes] + list(extra)
        entries[_key(name)] = (name, tuple(generics), expand_classes(parents, classes))
        words = [w for w in _TOKEN.findall(name.lower())]
        if len(words) > 1:
            multi.setdefault(words[0], []).append((len(words), _key(name)))

    multi: dict[str, list[tuple[int, str]]] = {}
    for d in dc.drugs:
        for n in [d.generic, *d.aliases, *d.brand_names()]:
            add(n, [d.generic], [])
    for p in dc.products:
        for n in [p.name, *p.aliases]:
            add(n, [i.generic for i in p.ingredients], list(p.classes))
    for options in multi.values():
        options.sort(reverse=True)
    firsts = {_TOKEN.findall(e[0].lower())[0] for e in entries.values() if _TOKEN.findall(e[0].lower())}
    gate = re.compile(r"(?<![a-z0-9#])(?:" + _trie(sorted(firsts)) + r")(?![a-z0-9])")
    return _Table(entries, multi, gate, tuple(sorted(firsts)))


def first_words() -> tuple[str, ...]:
    """The first word of every name, lower case: a text whose lower case holds none of them (as a
    substring) names no drug."""
    return _table().firsts


def drug_mentions(text: str) -> list[Mention]:
    """Each drug name of the table in ``text``, left to right (policy 1-2)."""
    table = _table()
    low = text.lower()
    if table.gate.search(low) is None:  # most sentences name no drug: one scan, no tokens
        return []
    single, multi = table.single, table.multi
    out: list[Mention] = []
    tokens = None
    for m in _TOKEN.finditer(low):
        word = m.group(0)
        options = multi.get(word)
        if options:
            if tokens is None:
                tokens = [(t.start(), t.end(), t.group(0)) for t in _TOKEN.finditer(low)]
                index = {t[0]: k for k, t in enumerate(tokens)}
            i = index[m.start()]
            hit = None
            for n, key in options:
                if i + n <= len(tokens) and _key("".join(t[2] for t in tokens[i:i + n])) == key:
                    hit = (tokens[i + n - 1][1], key)
                    break
            if hit is not None:
                if out and out[-1].end > m.start():
                    continue
                name, generics, classes = single[hit[1]]
                out.append(Mention(m.start(), hit[0], name, generics, classes))
                continue
        entry = single.get(word) or (single.get(_key(word)) if not word.isalpha() else None)
        if entry is not None and not (out and out[-1].end > m.start()):
            out.append(Mention(m.start(), m.end(), entry[0], entry[1], entry[2]))
    return out


def resolve(drug: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(generics, classes) of a drug as written ("Norco 10/325", "hydrocodone/APAP"); empty when none is named."""
    generics: list[str] = []
    classes: list[str] = []
    for m in drug_mentions(drug):
        generics += [g for g in m.generics if g not in generics]
        classes += [c for c in m.classes if c not in classes]
    return tuple(generics), tuple(classes)


@lru_cache(maxsize=4096)
def resolve_cached(drug: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return resolve(drug)


def classes_of(generic: str) -> tuple[str, ...]:
    """The classes (with parents) of one generic of the table; empty when unknown."""
    entry: Optional[tuple] = _table().single.get(_key(generic))
    return entry[2] if entry else ()
