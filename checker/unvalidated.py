"""Pydantic models built without validation, for hot paths that build them from validated parts.

Validating a model costs 2-4 µs (model_construct more), and checking one item builds a dozen:
the normalized item, its findings, criteria and result. `build` makes what `cls(**values)`
would, provided every value is already what validation would keep (the right types: enum
members, floats, tuples; no field left out that is required). tests/test_unvalidated.py
revalidates whole results to check that.
"""
from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

_new = object.__new__
# BaseModel's slots, set through their descriptors (object.__setattr__ would look each up by name)
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
# per model: every field in declaration order with its default (PydanticUndefined: required),
# and the fields whose default is mutable (a list or dict, which pydantic copies per instance)
_TEMPLATES: dict[type, tuple[dict, tuple[str, ...]]] = {}


def build(cls: type[M], **values) -> M:
    """cls(**values) without validation. Like model_construct: the fields in declaration order,
    defaults filled in (a mutable one copied), the names given as the fields set. A caller that
    gives every field gives them in declaration order (that dict is kept as it is)."""
    template = _TEMPLATES.get(cls)
    if template is None:
        defaults = {name: f.default for name, f in cls.model_fields.items()}
        template = _TEMPLATES[cls] = (defaults, tuple(n for n, d in defaults.items() if isinstance(d, (list, dict))))
    if len(values) == len(template[0]):  # every field given: no defaults to fill in
        fields = values
    else:
        fields = {**template[0], **values}  # the template's keys first: declaration order
        for name in template[1]:
            if name not in values:
                fields[name] = fields[name].copy()
    return _instance(cls, fields, set(values))


def adopt(cls: type[M], fields: dict) -> M:
    """build(cls, **fields) for a dict that gives every field of cls in declaration order: the
    dict becomes the model's own (the caller makes a fresh one per model)."""
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = set(cls.model_fields)
    return _instance(cls, fields, names.copy())  # (copying a set is cheaper than making one of a dict)


def _instance(cls: type[M], fields: dict, fields_set: set[str]) -> M:
    """A model of ``cls`` holding ``fields`` as they are, ``fields_set`` the names given."""
    model = _new(cls)
    _set_dict(model, fields)
    _set_fields_set(model, fields_set)
    _set_extra(model, None)
    _set_private(model, None)
    return model


_NAMES: dict[type, set[str]] = {}  # per model, its fields' names (adopt)
