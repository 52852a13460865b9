"""Read a request file (YAML or JSON) into a TreatmentRequest, or raise a one-line InputError."""
from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import ValidationError

from checker.errors import InputError, from_validation_error
from checker.request.model import TreatmentRequest

MAX_BYTES = 2_000_000  # a request is a few KB; refuse to parse anything absurd


def parse_document(path: Path, text: str) -> object:
    """YAML or JSON text -> Python data, with the line of a syntax error."""
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(path, f"line {e.lineno}", f"malformed JSON: {e.msg}") from None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 1}" if mark else None
        raise InputError(path, where, f"malformed YAML: {e.problem or e.context}") from None
    except yaml.YAMLError as e:
        raise InputError(path, None, f"malformed YAML: {e}") from None


def load_request(path: str | Path) -> TreatmentRequest:
    path = Path(path)
    try:
        raw = path.read_bytes()[: MAX_BYTES + 1]
    except IsADirectoryError:
        raise InputError(path, None, "is a directory, expected a YAML or JSON request file") from None
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
        raise from_validation_error(str(path), e) from None
