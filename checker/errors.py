"""One-line, user-facing input errors.

Every problem with a user's file (a request, a letter, a rule file) is raised as an
InputError naming the file, the place in it (field path or line) and what was
expected. The CLI prints str(error) on one line and exits with status 2; nothing
below the CLI prints or exits.
"""
from __future__ import annotations

import re

from pydantic import ValidationError


class InputError(Exception):
    def __init__(self, file: str, where: str | None, problem: str):
        self.file = str(file)
        self.where = where
        self.problem = " ".join(str(problem).split())  # always one line
        super().__init__(str(self))

    def __str__(self) -> str:
        place = f"{self.file}: {self.where}" if self.where else self.file
        return f"{place}: {self.problem}"


def field_path(loc: tuple) -> str:
    """('items', 0, 'visits') -> 'items[0].visits'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


MAX_QUOTED = 60  # characters of the user's value quoted in an error (a value may be megabytes)

# pydantic's wording where it speaks of Python ("instance of", "valid dictionary", "Datetimes
# provided to dates ..."), by error type; every message says what was expected.
_DATE = "expected a date as YYYY-MM-DD"
_PLAIN = {
    "model_type": "expected a mapping (key: value)",
    "model_attributes_type": "expected a mapping (key: value)",
    "dict_type": "expected a mapping (key: value)",
    "date_from_datetime_inexact": f"{_DATE}, without a time",
    "date_from_datetime_parsing": _DATE,
    "date_parsing": _DATE,
    "date_type": _DATE,
    "datetime_type": _DATE,
    "datetime_parsing": _DATE,
    "list_type": "expected a list",
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_parsing_size": "expected a whole number of a sensible size",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
    "greater_than": "expected a number greater than {gt}",
    "greater_than_equal": "expected a number of at least {ge}",
    "less_than": "expected a number less than {lt}",
    "less_than_equal": "expected a number of at most {le}",
    "too_short": "expected at least {min_length} item(s)",
    "too_long": "expected at most {max_length} item(s)",
    "string_too_short": "expected at least {min_length} character(s)",
    "string_too_long": "expected at most {max_length} character(s)",
}


def yaml_type(value: object) -> str:
    """A value's kind as a request file's author knows it."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def quote(value: object) -> str:
    """repr() of a scalar, cut to MAX_QUOTED characters: an error never copies large input."""
    if isinstance(value, str) and len(value) > MAX_QUOTED:
        return repr(value[:MAX_QUOTED]) + f" (… {len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3 * MAX_QUOTED:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"  # str() of it is slow
    text = repr(value)
    return text if len(text) <= MAX_QUOTED else text[:MAX_QUOTED] + "…"


def from_validation_error(file: str, err: ValidationError, prefix: str = "",
                          first: dict | None = None) -> InputError:
    """One pydantic error (the first unless `first` is given) as an InputError; pydantic's own
    wording is kept where it speaks of the file, and replaced where it speaks of Python."""
    first = first or err.errors(include_url=False)[0]
    # Drop pydantic's internal union/function tags from the location.
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
    path = field_path(loc)
    if prefix:
        path = f"{prefix}: {path}" if path != "(top level)" else prefix
    kind = first["type"]
    if kind == "extra_forbidden":
        problem = "unknown field"
    elif kind == "missing":
        problem = "required field is missing"
    else:
        given = first.get("input")
        quoted = None if isinstance(given, (dict, list, tuple)) or given is None else quote(given)
        msg = first["msg"]
        if kind in _PLAIN:
            msg = _PLAIN[kind].format(**first.get("ctx", {}))
            msg = re.sub(r"\b(\d+) (\w+)\(s\)", lambda m: f"{m[1]} {m[2]}{'' if m[1] == '1' else 's'}", msg)
            if kind.startswith("date") and "outside expected range" in first["msg"]:
                msg += "; " + first["msg"].rsplit(", ", 1)[-1]  # "day value is outside expected range"
            if quoted is None and not kind.startswith(("too_", "string_too")):
                msg += f", got {yaml_type(given)}"
        msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ").replace(" after validation", "")
        msg = msg.replace("Input should be ", "expected ", 1)  # enum and literal: "expected 'rental' or 'purchase'"
        said = quoted is None or quoted in msg or "got " in msg  # our own validators say what they got
        problem = msg if said else f"{msg} (got {quoted})"
        # A model-level check names its field as "field: problem".
        if path.endswith("(top level)") and (m := re.match(r"^([a-z_][\w.\[\]]*): (.*)$", problem)):
            path = path.replace("(top level)", m[1]) if prefix else m[1]
            problem = m[2]
    more = len(err.errors()) - 1
    if more > 0:
        problem += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(file, path, problem)
