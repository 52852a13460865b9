"""A request line being read: a lower-cased copy of the same length (spans index the original),
with the spans already read blanked out so that a number is used once."""
from __future__ import annotations

from .lexicon import fold

MARK = "\x00"  # not a word character, not whitespace (str.isspace() is true for \\x1c-\\x1f)


class Line:
    """The folded line with the spans already read blanked out, so a number is used once."""

    def __init__(self, original: str):
        self.original = original
        self.folded = fold(original)
        self.chars = list(self.folded)

    def __str__(self) -> str:
        return "".join(self.chars)

    def take(self, start: int, end: int) -> None:
        # A mark that is neither a word character nor a space: what is left around a span read
        # does not become adjacent ("#60 [supply] RF x1" must not read "60 RF").
        self.chars[start:end] = MARK * (end - start)
