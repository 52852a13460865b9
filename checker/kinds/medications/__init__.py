"""Medications and urine drug tests: reading request lines and the drug knowledge they need.

    parse_medication(text) -> MedicationItem | None      (read.py)
    looks_like_medication(text) -> bool                  (read.py; cheap, for the item-line reader)
    parse_urine_drug_test(text) -> UrineDrugTest | None  (udt.py)

The knowledge is data: rules/vocab/drug_classes.yaml (classes, ingredients, brands, MME factors,
products) and rules/vocab/medication_terms.yaml (forms, routes, sig abbreviations, units, UDT terms),
loaded on first use. Importing this package costs next to nothing (the CLI's cold start): it
registers the kind (kind.py: attributes, facts, quantity, report lines; the kind registry imports
this package), and the other submodules load on first attribute access.
"""
from __future__ import annotations

import importlib

from . import kind as _kind  # noqa: F401  (registers the medications kind)

_EXPORTS = {
    "parse_medication": "read",
    "looks_like_medication": "read",
    "parse_urine_drug_test": "udt",
    "MedicationItem": "model",
    "Ingredient": "model",
    "Strength": "model",
    "UrineDrugTest": "model",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
