"""The keyword stems of the extractors' cheap pre-tests, found with the sentence's one word scan.

Many extractors skip a sentence that holds none of their stems ("work", "duty" ...: a sentence
without one has nothing for them to read). ``st.has(STEMS)`` (Sent.has) says what
``any(s in st.low for s in STEMS)`` says, from the words the sentence holds (``Sent.words``:
cues.WORDS finds every registered word in one scan, the term matchers' required words and these
stems alike). (Measured on the 71 real letters: 16 stem tests of every sentence with ``in`` cost
0.22 ms per summary; a second scan of their own, 0.06 ms more than sharing the one scan.)
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from .cues import WORDS

if TYPE_CHECKING:
    from .sentences import Sent

REGISTERED: dict[str, None] = {}  # every stem registered through ``stems`` (the tests check each one)


class Stems(frozenset):
    """Stems registered with the sentence word scan (made by ``stems``): Sent.has answers them by a set test."""

    __slots__ = ()


def stems(*words: str) -> Stems:
    """Register lower-case stems (at import, or once on first use) and return them for ``Sent.has``."""
    for w in words:
        if not w or w != w.lower():
            raise ValueError(f"a stem is a non-empty lower-case substring, got {w!r}")
    REGISTERED.update(dict.fromkeys(words))
    WORDS.add(words)
    return Stems(words)


def later(provider: Callable[[], Iterable[str]]) -> Callable[[], Stems]:
    """Stems of a vocabulary loaded on first use (not at import: the CLI's cold start), registered
    before the next scan of a sentence, so that the scan's regex is built once. Returns what gives them."""
    box: list[Stems] = []

    def words() -> Stems:
        if not box:
            box.append(stems(*provider()))
        return box[0]

    WORDS.add_later(words)
    return words


def held(st: "Sent") -> set[str]:
    """The registered stems the sentence holds."""
    return {w for w in st.words if w in REGISTERED}


def holding(sents: Iterable["Sent"], words: Stems) -> list["Sent"]:
    """The sentences that contain any of ``words`` (Sent.has), in order (the extractors that read only
    such sentences loop over these)."""
    return [st for st in sents if st.has(words)]
