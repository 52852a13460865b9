"""Schemas of the item-reading vocabularies (rules/vocab/services.yaml, regions.yaml, item_cues.yaml).

Each file is a list of entries with an `id` and a `source`; an error names the file, the entry
and the field on one line: `rules/vocab/services.yaml: services[ther_ex].family: Input should be ...`.
Terms are plain words (any case; "word*" a prefix, "*word" a suffix), `abbreviations` count only
as written, and a term may be a mapping with guards (see checker.normalize.lexicon).
"""
from __future__ import annotations

import re
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from checker.errors import field_path
from checker.kb.data import vocabulary
from checker.vocab import Family, Kind, Region

_ID = re.compile(r"^[a-z0-9_]+$")
_CODE = re.compile(r"^[0-9A-Z]\d{3}[0-9A-Z]$")
Side = Literal["left", "right", "bilateral"]
Plain = Union[str, bool, int, float, list[str]]


class Term(BaseModel):
    """A term with conditions: the words around it, or a service it must stand beside."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    term: Optional[str] = None  # any case
    abbreviation: Optional[str] = None  # only as written
    side: Optional[Side] = None  # a region abbreviation that names the side too (RUE)
    previous: list[str] = []  # the word before must be one of these
    not_previous: list[str] = []
    next: list[str] = []  # the word after must be one of these
    not_next: list[str] = []
    with_: Optional[str] = Field(None, alias="with")  # counts only beside a service of this family or kind

    @model_validator(mode="after")
    def _one_form(self):
        if (self.term is None) == (self.abbreviation is None):
            raise ValueError("a term needs exactly one of `term` or `abbreviation`")
        if self.with_ is not None and self.with_ not in _FAMILY_OR_KIND:
            raise ValueError(f"with: expected a family or a kind of service, got {self.with_!r}")
        return self

    @property
    def text(self) -> str:
        return self.term if self.term is not None else self.abbreviation  # type: ignore[return-value]


_FAMILY_OR_KIND = {f.value for f in Family} | {k.value for k in Kind}
TermLike = Union[str, Term]


def _check_term_text(value: str) -> str:
    words = value[1:] if value.startswith("*") else value
    words = words[:-1] if words.endswith("*") else words
    if not words.strip() or not re.search(r"[A-Za-z0-9]", words):
        raise ValueError(f"a term needs a word, got {value!r}")
    if "*" in words or (value.startswith("*") and value.endswith("*")):
        raise ValueError(f"'*' marks a prefix (word*) or a suffix (*word) of one word, got {value!r}")
    if ("*" in value) and (" " in words or len(words) < 3):
        raise ValueError(f"a prefix or suffix is one word of 3 letters or more, got {value!r}")
    return value


def _terms(values: list) -> list:
    for v in values:
        _check_term_text(v if isinstance(v, str) else v.text)
    return values


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    terms: list[TermLike] = []
    abbreviations: list[str] = []
    source: str = Field(min_length=3)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"expected lower-case letters, digits and _, got {v!r}")
        return v

    @field_validator("terms", "abbreviations")
    @classmethod
    def _words(cls, v: list) -> list:
        return _terms(v)

    def lexicon_terms(self, payload: Any, lenient: bool = False) -> list[tuple[str, Any, dict]]:
        """(term, payload, options) for checker.normalize.lexicon.build: every term and abbreviation."""
        out: list[tuple[str, Any, dict]] = []
        for t in self.terms:
            if isinstance(t, str):
                out.append((t, payload, {}))
            else:
                abbreviation = t.abbreviation is not None
                options = {"abbreviation": abbreviation, "lenient": abbreviation and lenient and not t.with_,
                           "spec": t, "extra": t.side}
                out.append((t.text, payload, options))
        out += [(a, payload, {"abbreviation": True, "lenient": lenient}) for a in self.abbreviations]
        return out


# ------------------------------------------------------------------ codes

def code_key(code: str) -> tuple[str, int]:
    """'E0720' -> ('E####', 720): codes compare within one shape (the same letters in the same places)."""
    shape = "".join(c if c.isalpha() else "#" for c in code)
    return shape, int("".join(c for c in code if c.isdigit()))


class CodeRange(BaseModel):
    model_config = ConfigDict(frozen=True)

    low: str
    high: str

    @classmethod
    def parse(cls, text: str) -> "CodeRange":
        parts = [p.strip().upper() for p in str(text).split("-")]
        if len(parts) not in (1, 2) or not all(_CODE.match(p) for p in parts):
            raise ValueError(f"expected a CPT/HCPCS code (97110, E0720, 0232T) or a range (97161-97168), got {text!r}")
        low, high = parts[0], parts[-1]
        (ls, ln), (hs, hn) = code_key(low), code_key(high)
        if ls != hs or ln > hn:
            raise ValueError(f"a range runs from a lower to a higher code of the same form, got {text!r}")
        return cls(low=low, high=high)

    def contains(self, code: str) -> bool:
        shape, n = code_key(code)
        lshape, ln = code_key(self.low)
        return shape == lshape and ln <= n <= code_key(self.high)[1]

    @property
    def size(self) -> int:
        return code_key(self.high)[1] - code_key(self.low)[1] + 1

    def codes(self) -> list[str]:
        """Every code of the range (for tests and the benchmark)."""
        shape, low = code_key(self.low)
        high = code_key(self.high)[1]
        width = shape.count("#")
        out = []
        for n in range(low, high + 1):
            digits = iter(str(n).zfill(width))
            out.append("".join(c if c != "#" else next(digits) for c in shape))
        return out

    def __str__(self) -> str:
        return self.low if self.low == self.high else f"{self.low}-{self.high}"


# ------------------------------------------------------------------ services

Role = Literal["service", "setting", "weak", "neutral"]
# Attribute names an entry may set, per kind (values are plain JSON; enumerations are checked below).
ENTRY_ATTRIBUTES: dict[Kind, set[str]] = {
    Kind.physical_medicine: {"therapy", "modality", "electrical_stimulation", "evaluation", "device", "technique"},
    Kind.imaging: {"modality", "region", "site", "contrast", "preoperative_test", "guidance"},
    Kind.electrodiagnostics: {"study"},
    Kind.injections: {"type", "region"},
    Kind.surgery: {"procedure", "service", "test"},
    Kind.medications: {"test"},
    Kind.equipment: {"device"},
    Kind.services: {"service", "setting", "mode"},
    Kind.other: set(),
}
ENUMS: dict[str, set] = {
    "therapy": {"active", "passive"},
    "contrast": {"with", "without", "with_and_without", "none_stated"},
    "region": {r.value for r in Region},
    "type": {"epidural", "transforaminal", "interlaminar", "caudal", "facet", "medial_branch", "radiofrequency",
             "joint", "trigger_point", "prp", "sacroiliac", "tendon", "nerve_block", "sympathetic_block",
             "viscosupplementation", "chemodenervation", "intramuscular", "other"},
    "study": {"emg", "ncs", "ssep", "mep", "vep", "eeg", "surface_emg", "qst"},
    "setting": {"inpatient_rehab", "snf", "frp", "partial_hospitalization", "inpatient_hospital", "gym_membership"},
}


class ServiceEntry(_Entry):
    codes: list[str] = []
    family: Family
    role: Role = "service"
    lenient: bool = True  # abbreviations also count in lower case right before a quantity ("pt 2x4")
    description: str = Field(min_length=3)
    attributes: dict[str, Plain] = {}
    code_attributes: dict[str, dict[str, Plain]] = {}  # attributes one code adds (72148: contrast without)

    @field_validator("codes", mode="before")
    @classmethod
    def _codes(cls, v: Any) -> Any:
        if not isinstance(v, list):
            return v
        out = []
        for c in v:
            if isinstance(c, int) and not isinstance(c, bool):
                c = str(c)  # YAML reads 97110 as a number; a code with a leading zero must be quoted
            if isinstance(c, str):
                CodeRange.parse(c)
            out.append(c)
        return out

    @model_validator(mode="after")
    def _check(self):
        if not (self.codes or self.terms or self.abbreviations):
            raise ValueError("terms: an entry needs codes, terms or abbreviations")
        allowed = ENTRY_ATTRIBUTES[self.family.kind]
        groups = [("attributes", self.attributes)]
        groups += [(f"code_attributes.{c}", a) for c, a in self.code_attributes.items()]
        for where, attributes in groups:
            for name, value in attributes.items():
                if name not in allowed:
                    raise ValueError(f"{where}.{name}: not an attribute of {self.family.kind.value}; expected one of "
                                     f"{sorted(allowed)}")
                if name in ENUMS and value not in ENUMS[name]:
                    raise ValueError(f"{where}.{name}: expected one of {sorted(ENUMS[name])}, got {value!r}")
        for code in self.code_attributes:
            if not any(r.contains(code) for r in self.ranges):
                raise ValueError(f"code_attributes.{code}: not one of this entry's codes")
        return self

    @property
    def ranges(self) -> list[CodeRange]:
        return [CodeRange.parse(c) for c in self.codes]


_TAGS = {"str", "int", "bool", "float", "Term"}  # pydantic's names of a union's members in an error location


def _named_entries(data: Any, group: str, model: type[BaseModel]) -> None:
    """Validate each entry of ``data[group]`` alone, so that an error names the entry by id."""
    if not isinstance(data, dict) or not isinstance(data.get(group), list):
        return
    for index, entry in enumerate(data[group]):
        label = entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else index
        if not isinstance(entry, dict):
            raise ValueError(f"{group}[{label}]: expected a mapping, got {type(entry).__name__}")
        try:
            model.model_validate(entry)
        except ValidationError as e:
            errors = e.errors(include_url=False)
            # of a union (a word or a mapping), the deeper error, and of two as deep not "should be a string"
            first = max(errors, key=lambda err: (len(err["loc"]), err["type"] != "string_type"))
            loc = field_path(tuple(p for p in first["loc"] if not (isinstance(p, str) and ("[" in p or p in _TAGS))))
            msg = first["msg"].removeprefix("Value error, ")
            if loc == "(top level)" and (m := re.match(r"^([a-z_][\w.]*): (.*)$", msg)):
                loc, msg = m[1], m[2]
            given = first.get("input")
            got = "" if isinstance(given, (dict, list)) or given is None or repr(given) in msg else f" (got {given!r})"
            raise ValueError(f"{group}[{label}].{loc}: {msg}{got}") from None


def _unique_ids(entries: list, group: str) -> None:
    seen: set[str] = set()
    for e in entries:
        if e.id in seen:
            raise ValueError(f"{group}[{e.id}].id: duplicate entry id")
        seen.add(e.id)


class ServicesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    anchors: list[str] = []  # the sources the entries cite, written once as YAML anchors
    services: list[ServiceEntry]

    @model_validator(mode="before")
    @classmethod
    def _entries(cls, data: Any) -> Any:
        _named_entries(data, "services", ServiceEntry)
        return data

    @model_validator(mode="after")
    def _across(self):
        _unique_ids(self.services, "services")
        ranges: list[tuple[CodeRange, str]] = []
        for e in self.services:
            for r in e.ranges:
                for other, owner in ranges:
                    if owner != e.id and r.low == other.low and r.high == other.high:
                        raise ValueError(f"services[{e.id}].codes: {r} is already listed by {owner}")
                ranges.append((r, e.id))
        terms: dict[tuple[tuple[str, ...], bool], str] = {}
        from checker.normalize.lexicon import term_tokens

        for e in self.services:
            for t in [*e.terms, *e.abbreviations]:
                text = t if isinstance(t, str) else t.text
                if not isinstance(t, str) and (t.with_ or t.previous or t.next or t.not_previous or t.not_next):
                    continue  # a conditional sense may share its words with a plain one
                words = term_tokens(text) if "*" not in text else (text.lower(),)
                key = (words, isinstance(t, str) and t in e.abbreviations)
                if key in terms and terms[key] != e.id:
                    raise ValueError(f"services[{e.id}].terms: {text!r} is already a term of {terms[key]}")
                terms[key] = e.id
        return self


# ------------------------------------------------------------------ regions, sides, levels

class RegionEntry(_Entry):
    region: Region


class SideEntry(_Entry):
    side: Side


class SpinalLevel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    letter: str = Field(pattern=r"^[A-Z]$")
    region: Region
    first: int = Field(ge=1)
    last: int = Field(ge=1)
    alone: bool  # "C5" alone names the region; "T2" alone does not (an MRI sequence), only "T11-12"
    source: str = Field(min_length=3)


class SpineWords(BaseModel):
    model_config = ConfigDict(extra="forbid")

    terms: list[str]
    source: str = Field(min_length=3)


class RegionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    regions: list[RegionEntry]
    sides: list[SideEntry]
    levels: list[SpinalLevel]
    spine: SpineWords

    @model_validator(mode="before")
    @classmethod
    def _entries(cls, data: Any) -> Any:
        _named_entries(data, "regions", RegionEntry)
        _named_entries(data, "sides", SideEntry)
        return data

    @model_validator(mode="after")
    def _across(self):
        _unique_ids(self.regions, "regions")
        _unique_ids(self.sides, "sides")
        return self


# ------------------------------------------------------------------ cues

CueKind = Literal["associated_surgery", "preoperative", "postoperative", "surgery_relation", "contrast",
                  "imaging_flag", "specialty"]


class CueEntry(_Entry):
    cue: CueKind
    value: str  # contrast: with / without / with_and_without; imaging_flag: open / upright / repeat; specialty name

    @model_validator(mode="after")
    def _value(self):
        allowed = {"contrast": ENUMS["contrast"] - {"none_stated"}, "imaging_flag": {"open", "upright", "repeat"}}
        if self.cue in allowed and self.value not in allowed[self.cue]:
            raise ValueError(f"value: expected one of {sorted(allowed[self.cue])} for a {self.cue} cue, "
                             f"got {self.value!r}")
        return self


class CuesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cues: list[CueEntry]

    @model_validator(mode="before")
    @classmethod
    def _entries(cls, data: Any) -> Any:
        _named_entries(data, "cues", CueEntry)
        return data

    @model_validator(mode="after")
    def _across(self):
        _unique_ids(self.cues, "cues")
        return self


def services_vocabulary() -> ServicesFile:
    return vocabulary("services", ServicesFile)


def regions_vocabulary() -> RegionsFile:
    return vocabulary("regions", RegionsFile)


def cues_vocabulary() -> CuesFile:
    return vocabulary("item_cues", CuesFile)
