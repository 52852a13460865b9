"""Field types shared by the rule-base and vocabulary schemas, validated once here."""
from __future__ import annotations

import re
from typing import Annotated, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

_ICD10_PREFIX = re.compile(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{0,4})?")


def _icd10_prefixes(values: list[str]) -> list[str]:
    for p in values:
        if not _ICD10_PREFIX.fullmatch(p):
            raise ValueError(f"expected an ICD-10-CM code prefix such as M54.1, got {p!r}")
    return values


def _patterns(values: list[str]) -> list[str]:
    for v in values:
        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"{v!r} is not a regular expression ({e})") from None
    return values


# ICD-10-CM code prefixes ("M54", "M54.1"): categories are defined by them.
Icd10Prefixes = Annotated[list[str], AfterValidator(_icd10_prefixes)]
# Phrases written as regular expressions; a broken one is a load error, not a silent miss.
Patterns = Annotated[list[str], AfterValidator(_patterns)]


class StrictModel(BaseModel):
    """A vocabulary entry: an unknown key is an error naming it, never ignored."""

    model_config = ConfigDict(extra="forbid")


class VocabSource(StrictModel):
    """Where a vocabulary's entries come from (each entry names one of these by key)."""

    title: str = Field(min_length=1)
    url: Optional[str] = None
