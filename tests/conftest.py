"""Shared test fixtures.

The real IMR letters are public records but not ours to redistribute: tests read them
from ../shared/letters (or $IMR_SHARED_LETTERS) and skip, saying why, when absent.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_LETTERS = Path(os.environ.get("IMR_SHARED_LETTERS", ROOT.parent / "shared" / "letters"))


def _require(path: Path) -> Path:
    if not path.is_dir():
        pytest.skip(f"real IMR letters not found at {path} (set IMR_SHARED_LETTERS); they are not redistributed")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return _require(SHARED_LETTERS / "seeds")


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    return _require(SHARED_LETTERS / "dev")


def read_labels(directory: Path) -> list[dict]:
    with open(directory / "labels.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
