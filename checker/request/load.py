"""Read a request file (YAML or JSON) into a TreatmentRequest, or raise a one-line InputError.

Bounds, so that any file costs little time and memory before it is refused:
  1. A regular file of at most MAX_BYTES, checked with fstat before reading (checker.files).
  2. YAML anchors and aliases (&name, *name) are refused: a request has no need of them, and
     they are how a file of a few hundred bytes expands to gigabytes (an "alias bomb").
  3. At most MAX_ITEMS items: each is evaluated, and a request names a few.
  4. Text is Unicode characters: a JSON "\\ud800" escape (half a UTF-16 pair) is refused.
  5. Dates as a request can hold them: not after today, and a surgery dated after the request
     only when it is planned.
An error quotes at most a few dozen characters of the file (checker.errors.quote).
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
from pathlib import Path
from typing import get_args

import yaml
from pydantic import BaseModel, ValidationError

from checker.errors import InputError, from_validation_error, yaml_type
from checker.files import BadFile, read_bounded
from checker.request.model import TreatmentRequest

MAX_BYTES = 2_000_000  # a request is a few KB; refuse to parse anything absurd
MAX_ITEMS = 1000
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML that leaves dates as text and refuses duplicate keys.

    Dates stay text so that the request model checks them and names the field
    (`request_date: ... day value is outside expected range`); PyYAML itself would raise
    a bare ValueError for 2016-02-30. A key given twice would silently lose the first value.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regex) for tag, regex in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"found the key {key!r} twice in one mapping; expected each key once",
                    key_node.start_mark)
            seen.add(key) if isinstance(key, (str, int, float, bool)) else None
        return super().construct_mapping(node, deep)


def _json_object(pairs: list) -> dict:
    keys = [k for k, _ in pairs]
    for k in keys:
        if keys.count(k) > 1:
            raise ValueError(f"found the key {k!r} twice in one object; expected each key once")
    return dict(pairs)


def parse_document(path: Path, text: str) -> object:
    """YAML or JSON text -> Python data, with the line of a syntax error."""
    try:
        if path.suffix.lower() == ".json":
            try:
                return json.loads(text, object_pairs_hook=_json_object)
            except json.JSONDecodeError as e:
                raise InputError(path, f"line {e.lineno}", f"malformed JSON: {e.msg}") from None
            except ValueError as e:
                raise InputError(path, None, f"malformed JSON: {e}") from None
        try:
            if "&" in text or "*" in text:
                _refuse_aliases(path, text)
            return yaml.load(text, Loader=_Loader)
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            where = f"line {mark.line + 1}" if mark else None
            raise InputError(path, where, f"malformed YAML: {e.problem or e.context}") from None
        except (yaml.YAMLError, ValueError) as e:  # ValueError: an integer of more than 4300 digits
            raise InputError(path, None, f"malformed YAML: {' '.join(str(e).split())[:200]}") from None
    except RecursionError:
        raise InputError(path, None, "nests lists or mappings too deeply; expected a YAML or JSON request") from None


def _refuse_aliases(path: Path, text: str) -> None:
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            sign = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
            raise InputError(path, f"line {event.start_mark.line + 1}",
                             f"YAML {sign}{event.anchor} refused: a request file writes each value out "
                             "(anchors and aliases can expand a small file without bound)")


def _read(path: Path) -> bytes:
    try:
        return read_bounded(path, MAX_BYTES)
    except BadFile as e:
        problem = {
            "missing": "not found; expected a YAML or JSON request file",
            "directory": "is a directory, expected a YAML or JSON request file",
            "special": "is not a regular file (a pipe or device?); expected a YAML or JSON request file",
            "too_large": f"is larger than {MAX_BYTES // 1000} KB; expected a YAML or JSON request",
            "unreadable": f"cannot be read ({e.detail})",
        }[e.kind]
        raise InputError(path, None, problem) from None


def _no_surrogates(path: Path, data: object, where: str = "") -> None:
    """Refuse text holding half a UTF-16 pair (JSON "\\ud800"): it is no character, and
    could not be printed or written out."""
    stack = [(where, data)]
    while stack:
        place, value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as e:
                raise InputError(path, place or "(top level)",
                                 f"text holds \\u{ord(value[e.start]):04x}, half of a UTF-16 surrogate pair, "
                                 "which is no character; expected Unicode text") from None
        elif isinstance(value, dict):
            for k, v in value.items():
                stack.append((place, k))
                stack.append((f"{place}.{k}" if place else str(k), v))
        elif isinstance(value, list):
            stack.extend((f"{place}[{i}]", v) for i, v in enumerate(value))


def load_request(path: str | Path, today: dt.date | None = None) -> TreatmentRequest:
    path = Path(path)
    raw = _read(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(path, f"byte {e.start}", "is not UTF-8 text; expected a YAML or JSON request") from None
    if not text.strip():
        raise InputError(path, None, "is empty; expected a YAML or JSON request with patient and items")
    data = parse_document(path, text)
    if not isinstance(data, dict):
        raise InputError(path, "(top level)", f"expected a mapping with patient and items, got {_kind(data)}")
    _no_surrogates(path, data)
    items = data.get("items")
    if isinstance(items, list) and len(items) > MAX_ITEMS:
        raise InputError(path, "items", f"{len(items):,} items; the limit is {MAX_ITEMS} per request file")
    request = validate_request(path, data)
    check_dates(path, request, today or dt.date.today())
    return request


def _kind(data: object) -> str:
    return "nothing" if data is None else yaml_type(data)


def validate_request(path: str | Path, data: dict) -> TreatmentRequest:
    """The request model of `data`, or its first problem in the user's words."""
    try:
        return TreatmentRequest.model_validate(data)
    except ValidationError as e:
        problems = e.errors(include_url=False)
        # An unknown key first: it is often the misspelling of a missing one ("itmes").
        first = next((p for p in problems if p["type"] == "extra_forbidden"), problems[0])
        error = from_validation_error(str(path), e, first=first)
        loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and "[" in p))
        if first["type"] == "extra_forbidden":
            known = _fields_at(TreatmentRequest, loc[:-1])
            if known:
                guess = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
                hint = f"did you mean {guess[0]}? " if guess else ""
                error = InputError(error.file, error.where, error.problem.replace(
                    "unknown field", f"unknown key; {hint}expected one of {', '.join(known)}", 1))
        elif first["type"] in ("model_type", "model_attributes_type"):
            known = _fields_at(TreatmentRequest, loc)
            if known:
                error = InputError(error.file, error.where, error.problem.replace(
                    "expected a mapping (key: value)", f"expected a mapping with keys such as {', '.join(known[:6])}", 1))
        raise error from None


def check_dates(path: str | Path, request: TreatmentRequest, today: dt.date) -> None:
    """Dates a request file can hold: none after today; no surgery after the request unless planned."""
    patient = request.patient
    for where, day in (("request_date", request.request_date), ("patient.injury_date", patient.injury_date)):
        if day and day > today:
            raise InputError(path, where, f"{day} is after today ({today}); expected a date that has passed")
    asked = request.request_date or today
    for i, surgery in enumerate(patient.surgeries):
        if surgery.date and surgery.date > asked and not surgery.planned:
            than = f"the request date {asked}" if request.request_date else f"today ({today})"
            raise InputError(path, f"patient.surgeries[{i}].date",
                             f"{surgery.date} is after {than}; expected a surgery already done, or planned: true")


def check_as_of(path: str | Path, request: TreatmentRequest, as_of: dt.date | None) -> None:
    """--as-of picks the guidelines of a day; a day before the injury cannot concern it."""
    injury = request.patient.injury_date
    if as_of and injury and as_of < injury:
        raise InputError(path, "--as-of", f"{as_of} is before the injury date {injury}; expected a date on or after it")


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names of the model found at `loc` inside `model` (for "expected one of")."""
    for part in loc:
        if isinstance(part, int) or not isinstance(model, type) or not issubclass(model, BaseModel):
            continue
        info = model.model_fields.get(part)
        if info is None:  # a dict key (a family in prior_treatment)
            continue
        model = _inner_model(info.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _inner_model(annotation):
    """list[X], dict[K, X], Optional[X] -> X, when X is a model."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in reversed(get_args(annotation)):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
