"""Vocabulary data files: rules/vocab/<name>.yaml, validated by a pydantic model at load.

Knowledge the checker reads text with (service codes and the words offices use for them,
body-part words, diagnosis abbreviations, drug classes, negation cues ...) lives in data
files beside the rules, never as literals in code. Each file is a mapping whose entries
carry their `source`; the model given to :func:`load_vocabulary` says what an entry holds.
Errors are the rule base's one-line errors: `rules/vocab/x.yaml: entries[3].codes: ...`.

The files ship inside the wheel with the rules (checker/_rules/vocab) and are found in the
same place as the rule base (checker.kb.load.rules_dir).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel


VOCAB_DIR = "vocab"
M = TypeVar("M", bound=BaseModel)


def vocabulary_path(name: str, directory: Path | str | None = None) -> Path:
    from checker.kb.load import rules_dir

    return Path(directory or rules_dir()) / VOCAB_DIR / f"{name}.yaml"


def load_vocabulary(name: str, model: type[M], directory: Path | str | None = None) -> M:
    """rules/vocab/<name>.yaml validated into ``model``; InputError (one line) when it is not."""
    from checker.kb.load import _read_yaml, _validate

    path = vocabulary_path(name, directory)
    return _validate(model, path, _read_yaml(path))


def vocabulary_data(name: str) -> object:
    """The parsed YAML of the bundled rules/vocab/<name>.yaml, NOT validated (InputError when it does
    not parse): for reading a few ids cheaply (cached by content, checker.kb.yaml_cache) where the
    validated vocabulary is not needed yet; a caller that finds it malformed loads the validated one."""
    from checker.kb.load import _read_yaml

    return _read_yaml(vocabulary_path(name))


@lru_cache(maxsize=32)
def _cached(name: str, model: type[BaseModel]) -> BaseModel:
    return load_vocabulary(name, model)


def vocabulary(name: str, model: type[M]) -> M:
    """The bundled vocabulary ``name``, loaded once per process."""
    return _cached(name, model)  # type: ignore[return-value]
