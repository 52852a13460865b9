"""The shared clinical fields of an item's fact (checker.kinds.clinical_facts), generated over regions.

A finding counts for an item when it lies in the item's territory (the limb and its spinal
segment); a study only for the item's own regions; what the record does not say is not_stated.
"""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from checker.kinds.clinical_facts import FIELDS, clinical_fields
from checker.request.clinical import Clinical, territory
from checker.vocab import Region

DAY = dt.date(2016, 10, 1)
REGIONS = [r for r in Region if r is not Region.head]


def fields(clinical: dict, regions: list[Region], age=None) -> dict:
    return clinical_fields(Clinical.model_validate(clinical), regions, age, DAY)


def test_nothing_stated_is_not_stated_and_unknown_numbers_are_minus_one():
    out = fields({}, [Region.lumbar])
    assert set(out) == {name for name, _, _ in FIELDS}
    for name, kind, _ in FIELDS:
        assert out[name] == ("not_stated" if kind == "tri" else -1), name


@pytest.mark.parametrize("item, where", list(itertools.product(REGIONS, REGIONS)))
def test_a_neurologic_finding_counts_only_in_the_items_territory(item, where):
    present = fields({"findings": [{"name": "sensory_deficit", "region": where.value}]}, [item])
    absent = fields({"findings": [{"name": "sensory_deficit", "present": "no", "region": where.value}]}, [item])
    inside = where in territory([item])
    assert present["neuro_deficit"] == ("yes" if inside else "not_stated")
    assert absent["neuro_deficit"] == ("no" if inside else "not_stated")


@pytest.mark.parametrize("item, where", list(itertools.product(REGIONS, REGIONS)))
def test_a_prior_film_counts_only_for_its_own_region(item, where):
    out = fields({"prior_studies": [{"study": "xray", "region": where.value, "result": "normal"},
                                    {"study": "mri", "region": where.value, "result": "abnormal"}]}, [item])
    assert out["plain_films"] == ("yes" if item == where else "not_stated")
    assert out["imaging_abnormal"] == ("yes" if item == where else "not_stated")


def test_conservative_care_response_weeks_and_comorbidities():
    out = fields({"conservative_care": {"tried": ["physical therapy"], "response": "no improvement",
                                        "since": "2016-08-20"},
                  "comorbidities": [{"name": "diabetes"}, {"name": "anticoagulants", "present": "no"}]},
                 [Region.knee], age=61)
    assert out["conservative_care_tried"] == "yes" and out["conservative_care_failed"] == "yes"
    assert out["conservative_care_weeks"] == 6.0 and out["age"] == 61
    assert out["comorbidity_diabetes"] == "yes" and out["comorbidity_anticoagulant"] == "no"
    assert out["comorbidity_hypertension"] == "not_stated"
    helping = fields({"conservative_care": {"tried": ["physical therapy"], "response": "improving"}}, [Region.knee])
    assert helping["conservative_care_failed"] == "no"
