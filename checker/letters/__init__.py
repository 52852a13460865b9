"""IMR final determination letters: reading (.txt/.pdf), parsing, and clinical facts.

The names below are loaded on first use (PEP 562): every CLI start imports the `letter`
command from this package, and `imr-check check` or `--help` should not pay for loading
the letter parser and its models.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "Citation": ".model", "Letter": ".model", "LetterItem": ".model", "Reviewer": ".model",
    "load_letter": ".parse", "parse_letter": ".parse", "read_letter_text": ".read",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
