"""The keyword stems of the extractors' cheap pre-tests, found in a sentence in one scan.

Many extractors skip a sentence that holds none of their stems ("work", "duty" ...: a sentence
without one has nothing for them to read). ``has(st, STEMS)`` says what
``any(s in st.low for s in STEMS)`` says, from the set of every registered stem the sentence
holds, found once per sentence by one trie-shaped regex. (Measured on the 71 real letters:
16 stem tests of every sentence with ``in`` cost 0.22 ms per summary; one scan and set
look-ups, 0.08 ms.)
"""
from __future__ import annotations

import re
from typing import Callable, Iterable, Optional

from .sentences import Sent
from .text import words_regex

_STEMS: dict[str, None] = {}
_FINDER: Optional[tuple[re.Pattern, dict[str, tuple[str, ...]]]] = None
# the stems each sentence holds, per summary: extract_facts clears it for each summary (reset);
# bounded for callers that never do
_HELD: dict[Sent, set[str]] = {}
_MAX_HELD = 4096
_PENDING: list[Callable[[], object]] = []  # stems known on first use only (later), registered at the first scan


def stems(*words: str) -> frozenset[str]:
    """Register lower-case stems (at import, or once on first use) and return them for ``has``."""
    global _FINDER
    for w in words:
        if not w or w != w.lower():
            raise ValueError(f"a stem is a non-empty lower-case substring, got {w!r}")
    if any(w not in _STEMS for w in words):
        _STEMS.update(dict.fromkeys(words))
        _FINDER = None
        _HELD.clear()  # found without the new stems
    return frozenset(words)


def later(provider: Callable[[], Iterable[str]]) -> Callable[[], frozenset[str]]:
    """Stems of a vocabulary loaded on first use (not at import: the CLI's cold start), registered with
    the others before the first scan, so that the regex is built once. Returns what gives them."""
    box: list[frozenset[str]] = []

    def words() -> frozenset[str]:
        if not box:
            box.append(stems(*provider()))
        return box[0]

    _PENDING.append(words)
    return words


def held(st: Sent) -> set[str]:
    """The registered stems ``st.low`` contains."""
    found = _HELD.get(st)
    if found is None:
        if len(_HELD) >= _MAX_HELD:
            _HELD.clear()
        regex, prefixes = _FINDER or _build()
        found = _HELD[st] = set()
        low = st.low
        m = regex.search(low)
        while m is not None:  # the longest stem at each start; the next search begins one past it
            found.update(prefixes[m.group()])
            m = regex.search(low, m.start() + 1)
    return found


def has(st: Sent, words: frozenset[str]) -> bool:
    """Does the sentence contain any of ``words`` (registered with ``stems``) as a substring?"""
    return not held(st).isdisjoint(words)


def holding(sents: Iterable[Sent], words: frozenset[str]) -> list[Sent]:
    """The sentences that contain any of ``words``, in order: ``has`` of each, in one call (the
    extractors that read only such sentences loop over these)."""
    out = []
    get = _HELD.get
    for st in sents:
        found = get(st)
        if found is None:
            found = held(st)
        if not found.isdisjoint(words):
            out.append(st)
    return out


def reset() -> None:
    """Forget the sentences of the last summary."""
    _HELD.clear()


def _build() -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    """The stems as a trie-shaped regex (at a position, the longest stem starting there; the shorter
    ones starting there are its prefixes), and each stem's prefixes that are stems."""
    global _FINDER
    while _PENDING:
        _PENDING.pop()()  # registers them (stems)
    prefixes = {w: tuple(w[:i] for i in range(1, len(w) + 1) if w[:i] in _STEMS) for w in _STEMS}
    _FINDER = (re.compile(words_regex(_STEMS), re.S), prefixes)
    return _FINDER
