"""The body region an ICD-10-CM code names (rules/vocab/diagnosis_regions.yaml).

Policy:
1. The longest code prefix of the table that matches the code decides ("" = no region).
2. Else a chapter 13 (M) code whose title names exactly one site ("..., lumbar region",
   "Pain in right knee") is of that site's region.
3. Else the code names no region.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

from checker.kb.data import vocabulary
from checker.vocab import Region

REGIONS_FILE = "diagnosis_regions"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrefixRegion(_Strict):
    prefix: str
    region: Union[Region, Literal[""]]
    source: str = Field(min_length=1)

    @field_validator("prefix")
    @classmethod
    def _shape(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Z][0-9?][0-9A-Z?]?(\.[0-9A-Z?]{0,4})?", v):
            raise ValueError(f"expected an ICD-10-CM code prefix such as S13 or M51.?6, got {v!r}")
        return v


class TitleSites(_Strict):
    source: str = Field(min_length=1)
    sites: dict[str, Region]


class DiagnosisRegions(_Strict):
    prefixes: list[PrefixRegion] = Field(min_length=1)
    title_sites: TitleSites


class RegionTable:
    def __init__(self, data: DiagnosisRegions):
        # longest prefix first; "?" matches any one character
        entries = sorted(data.prefixes, key=lambda e: -len(e.prefix))
        # kept by the prefix's first character (a letter, never "?": PrefixRegion), in that order: a
        # code is tried only against the prefixes that start with its own first character
        self._by_letter: dict[str, list[tuple[re.Pattern, Union[Region, Literal[""]]]]] = {}
        for e in entries:
            self._by_letter.setdefault(e.prefix[0], []).append(
                (re.compile(re.escape(e.prefix).replace(r"\?", ".")), e.region))
        sites = sorted(data.title_sites.sites.items(), key=lambda kv: -len(kv[0]))
        self._sites = re.compile(r"\b(" + "|".join(re.escape(k) for k, _ in sites) + r")s?\b", re.I)
        self._site_region = {k.lower(): v for k, v in sites}

    def region(self, code: str, title_of: Callable[[str], Optional[str]]) -> Optional[Region]:
        """The region of ``code``; ``title_of(code)`` is asked only when the prefixes are silent."""
        for pattern, region in self._by_letter.get(code[:1], ()):
            if pattern.match(code):
                return region or None
        title = None
        if code.startswith("M"):  # the code's title, else its nearest ancestor's (M25.561 -> M25.56)
            for n in range(len(code), 2, -1):
                title = title_of(code[:n].rstrip("."))
                if title:
                    break
        if title:
            found = {self._site_region[m.group(1).lower()] for m in self._sites.finditer(title)}
            if len(found) == 1:
                return found.pop()
        return None


@lru_cache(maxsize=1)
def default_regions() -> RegionTable:
    return RegionTable(vocabulary(REGIONS_FILE, DiagnosisRegions))

