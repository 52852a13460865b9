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


def from_validation_error(file: str, err: ValidationError, prefix: str = "") -> InputError:
    """The first pydantic error as an InputError; pydantic's own wording is kept short."""
    first = err.errors(include_url=False)[0]
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
        msg = first["msg"]
        msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        given = first.get("input")
        quoted = repr(given)
        if isinstance(given, (dict, list)) or given is None or quoted in msg:
            problem = msg
        else:
            problem = f"{msg} (got {quoted})"
        # A model-level check names its field as "field: problem".
        if path.endswith("(top level)") and (m := re.match(r"^([a-z_][\w.\[\]]*): (.*)$", problem)):
            path = path.replace("(top level)", m[1]) if prefix else m[1]
            problem = m[2]
    more = len(err.errors()) - 1
    if more > 0:
        problem += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(file, path, problem)
