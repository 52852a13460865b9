"""The check path memoizes what does not change between items and requests (a diagnosis's regions,
a surgery's categories, the MTUS guidelines governing a region on a day). A caller that changes
the answer it was given must not change the next caller's answer."""
from __future__ import annotations

import datetime as dt

from checker.decide import governing_mtus
from checker.engine.facts import surgery_sites
from checker.kb.load import default_kb

KB = default_kb()
DAY = dt.date(2016, 3, 1)


def test_surgery_sites_answer_is_the_callers_own():
    first = surgery_sites("arthroscopic partial medial meniscectomy, right knee", KB)
    assert first, "a knee arthroscopy is in some surgery category"
    expected = dict(first)
    first.clear()
    first["bogus"] = frozenset()
    assert surgery_sites("arthroscopic partial medial meniscectomy, right knee", KB) == expected


def test_diagnosis_regions_answer_is_the_callers_own():
    first = KB.diagnosis_regions("lumbar radiculopathy", "M54.16")
    assert first, "M54.16 names the lumbar region"
    expected = list(first)
    first.clear()
    assert KB.diagnosis_regions("lumbar radiculopathy", "M54.16") == expected


def test_governing_mtus_answer_is_the_callers_own():
    fact = {"regions": ["lumbar"], "phase": "chronic"}
    first = governing_mtus(KB, fact, DAY)
    assert first, "the MTUS has guidelines for the low back and chronic pain in 2016"
    expected = list(first)
    first.append("bogus")
    assert governing_mtus(KB, fact, DAY) == expected



def test_patient_context_answer_is_the_callers_own_and_follows_the_patient():
    from checker.engine.facts import patient_context
    from checker.request.model import TreatmentRequest

    def request(diagnoses, surgeries=()):
        return TreatmentRequest.model_validate({
            "request_date": "2016-03-01", "items": ["Physical therapy x 6 for the low back"],
            "patient": {"diagnoses": diagnoses, "surgeries": [{"procedure": p, "date": "2015-12-01"} for p in surgeries]}})

    lumbar = request(["lumbar radiculopathy"], ["lumbar microdiscectomy L4-5"])
    first = patient_context(lumbar, KB)
    assert first.conditions and first.regions and first.surgery_sites[0]
    expected = (list(first.conditions), list(first.regions), [dict(s) for s in first.surgery_sites])
    first.conditions.append("bogus")
    first.regions.clear()
    first.surgery_sites[0].clear()
    again = patient_context(request(["lumbar radiculopathy"], ["lumbar microdiscectomy L4-5"]), KB)
    assert (again.conditions, again.regions, list(again.surgery_sites)) == expected
    # another patient: another answer (the memo is keyed on what the context reads)
    knee = patient_context(request(["medial meniscus tear"]), KB)
    assert knee.regions != expected[1] and knee.surgery_sites == ()
