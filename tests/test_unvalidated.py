"""The results checker.decide and checker.normalize.item build without validation (checker.unvalidated) are what
validation would have made: every result of every sample request, on dates across the guideline
editions, validates back to the same values of the same types, with the same JSON and the same
fields set; a default is never shared between two results."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import BaseModel

from checker.check import Checker
from checker.decide import Citation, CriterionResult, Finding, ItemResult
from checker.unvalidated import build as _build
from checker.request.load import load_request

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples" / "requests").glob("*.yaml"))
CHECKER = Checker()
# the request's own date, one under the 2016 MTUS, one under ACOEM with ODG as tier 2
DATES = (None, dt.date(2012, 5, 1), dt.date(2019, 3, 1))


def typed(value):
    """The value with the type of every part of it, and of every model its fields set."""
    if isinstance(value, BaseModel):
        return (type(value), sorted(value.model_fields_set), [(k, typed(v)) for k, v in value.__dict__.items()],
                value.__pydantic_extra__, value.__pydantic_private__)
    if isinstance(value, (list, tuple)):
        return (type(value), [typed(v) for v in value])
    if isinstance(value, dict):
        return (dict, [(typed(k), typed(v)) for k, v in value.items()])
    return (type(value), value)


def revalidated(model: BaseModel) -> BaseModel:
    """The model as pydantic validates its fields: its nested models revalidated too, the fields
    set kept (as a request file leaves unset what it does not state)."""
    data = {}
    for name in model.model_fields_set:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            value = revalidated(value)
        elif isinstance(value, list):
            value = [revalidated(v) if isinstance(v, BaseModel) else v for v in value]
        data[name] = value
    return type(model)(**data)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_result_is_what_validation_makes(path):
    request = load_request(path)
    for as_of in DATES:
        for result in CHECKER.check(request, as_of=as_of, today=dt.date(2026, 1, 1)):
            again = revalidated(result)
            assert typed(result) == typed(again), result.item
            assert result.model_dump_json() == again.model_dump_json()


def test_revalidated_catches_a_value_validation_would_convert():
    """The check above can fail: a list where the model keeps tuples, a string for an enum."""
    result = CHECKER.check(load_request(SAMPLES[0]), today=dt.date(2026, 1, 1))[0]
    for name, wrong in (("details", [["Label", "value"]]), ("family", result.understood.family.value)):
        broken = result.understood.model_copy(update={name: wrong})
        assert typed(broken) != typed(revalidated(broken))


def test_defaults_are_filled_copied_and_not_in_the_fields_set():
    cite = Citation(source="s", section="x", pages="1")
    kw = dict(rule="r", check="within", kind="course", effect="ok", message="m", citation=cite,
              confidence="confirmed", tier=1, tier_label="MTUS", values={})
    a, b = _build(Finding, **kw), _build(Finding, **kw)
    assert a == Finding(**kw) and a.model_fields_set == Finding(**kw).model_fields_set
    assert a.criteria == [] and a.criteria is not b.criteria
    assert list(a.__dict__) == list(Finding.model_fields)
    item = _build(CriterionResult, id="c", label="l", status="met", counted_as="met", fact="f", value=1, citation=cite)
    assert item.missing is None and "missing" not in item.model_fields_set
    assert ItemResult.model_fields["not_covered_reason"].default is None


STRUCTURED = [
    {"family": "physical_therapy", "frequency_per_week": 2, "weeks": 6, "regions": ["knee", "lumbar"]},
    {"family": "tens", "mode": "rental", "duration_days": 30},
    {"text": "Acupuncture 2 x 4", "visits": 6, "authorized_visits": 2, "maintenance": True},
    {"text": "Chiropractic 1-2 times a week for 4 weeks, 4 of 8 authorized"},
    {"text": "MRI of the lumbar spine without contrast"},
    {"text": "Tramadol 50 mg #60"},
    {"text": "Something unreadable"},
]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_normalized_item_is_what_validation_makes(path):
    from checker.normalize.item import normalize_item
    from checker.request.model import RequestItem

    items = list(load_request(path).items) + [RequestItem.model_validate(s) for s in STRUCTURED]
    for item in items:
        normalized = normalize_item(item)
        again = revalidated(normalized)
        assert typed(normalized) == typed(again), normalized.text
        assert normalized.model_dump_json() == again.model_dump_json()
