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

