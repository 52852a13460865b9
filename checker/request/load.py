"""Read a request file (YAML or JSON) into a TreatmentRequest, or raise a one-line InputError."""
from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import yaml
from pydantic import BaseModel, ValidationError

from checker.errors import InputError, from_validation_error
from checker.request.model import TreatmentRequest

MAX_BYTES = 2_000_000  # a request is a few KB; refuse to parse anything absurd
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
            return yaml.load(text, Loader=_Loader)
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            where = f"line {mark.line + 1}" if mark else None
            raise InputError(path, where, f"malformed YAML: {e.problem or e.context}") from None
        except yaml.YAMLError as e:
            raise InputError(path, None, f"malformed YAML: {e}") from None
    except RecursionError:
        raise InputError(path, None, "nests lists or mappings too deeply; expected a YAML or JSON request") from None


def load_request(path: str | Path) -> TreatmentRequest:
    path = Path(path)
    try:
        raw = path.read_bytes()[: MAX_BYTES + 1]
    except IsADirectoryError:
        raise InputError(path, None, "is a directory, expected a YAML or JSON request file") from None
    except FileNotFoundError:
        raise InputError(path, None, "not found; expected a YAML or JSON request file") from None
    except OSError as e:
        raise InputError(path, None, f"cannot be read ({e.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise InputError(path, None, f"is larger than {MAX_BYTES // 1000} KB; expected a YAML or JSON request")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(path, f"byte {e.start}", "is not UTF-8 text; expected a YAML or JSON request") from None
    if not text.strip():
        raise InputError(path, None, "is empty; expected a YAML or JSON request with patient and items")
    data = parse_document(path, text)
    if not isinstance(data, dict):
        raise InputError(path, "(top level)", f"expected a mapping with patient and items, got {type(data).__name__}")
    try:
        return TreatmentRequest.model_validate(data)
    except ValidationError as e:
        error = from_validation_error(str(path), e)
        first = e.errors(include_url=False)[0]
        if first["type"] == "extra_forbidden":
            known = _fields_at(TreatmentRequest, first["loc"][:-1])
            if known:
                error = InputError(error.file, error.where, error.problem.replace(
                    "unknown field", f"unknown field; expected one of {', '.join(known)}", 1))
        raise error from None


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
