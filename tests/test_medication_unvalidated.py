"""parse_medication builds its MedicationItem without validation (checker.unvalidated.build): every reading
is the same, of the same types, with the same fields set, as when the item is made by validation, over
every name of every drug with every phrasing, every product, and lines that name no drug; two readings
never share a default list or dict."""
from __future__ import annotations

import pytest
from pydantic import BaseModel

from checker.kinds.medications import read
from checker.kinds.medications.vocab import drug_classes
from tests.test_medication_items import FORMS, QUANTITIES, REFILLS, SIGS, STRENGTHS, SUPPLIES, _cases, _line


def _typed(value):
    if isinstance(value, BaseModel):
        return (type(value), sorted(value.model_fields_set), [(k, _typed(v)) for k, v in value.__dict__.items()])
    if isinstance(value, (list, tuple)):
        return (type(value), [_typed(v) for v in value])
    if isinstance(value, dict):
        return (dict, [(_typed(k), _typed(v)) for k, v in value.items()])
    return (type(value), value)


def _lines() -> list[str]:
    lines = [_line(c[0], c[2][0], c[3][0], c[4][0], c[5][0], c[6][0], c[7][0]) for c in _cases()]
    for k, (q, s, sup, rf) in enumerate(zip(QUANTITIES * 3, SIGS * 2, SUPPLIES * 3, REFILLS * 4)):
        lines.append(_line("Tramadol", STRENGTHS[k % len(STRENGTHS)][0], FORMS[k % len(FORMS)][0], q[0], s[0], sup[0],
                           rf[0]))
    lines += [f"{p.name} {k + 1}%, 240 grams" for k, p in enumerate(drug_classes().products)]
    lines += ["60 tablets", "Ketoprophen 20% cream", "compound cream 120 g", "MRI lumbar spine"]
    return lines


LINES = _lines()


def test_every_reading_is_what_validation_makes(monkeypatch):
    built = [read.parse_medication(line) for line in LINES]
    monkeypatch.setattr(read, "build", lambda cls, **values: cls(**values))
    validated = [read.parse_medication(line) for line in LINES]
    assert sum(b is not None for b in built) > 300
    for line, b, v in zip(LINES, built, validated):
        assert _typed(b) == _typed(v), line
        assert (b.model_dump_json() if b else None) == (v.model_dump_json() if v else None), line


@pytest.mark.parametrize("field", ["notes", "unread", "incomplete", "generics", "mg_per_day"])
def test_two_readings_share_no_default(field):
    a, b = read.parse_medication("Tramadol 50mg"), read.parse_medication("Tramadol 50mg")
    assert getattr(a, field) is not getattr(b, field)
