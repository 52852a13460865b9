"""The precheck pipeline for one request: normalize -> build facts -> evaluate -> decide."""
from __future__ import annotations

import datetime as dt

from checker.decide import ItemResult, decide, not_covered
from checker.engine.engine import Engine
from checker.engine.facts import Dates, Patient, build_fact, patient_context, pick_dates, prior_course
from checker.kb.load import KnowledgeBase, default_kb
from checker.normalize.item import normalize_item
from checker.request.model import RequestItem, TreatmentRequest
from checker.vocab import Family


class Checker:
    """The rule base compiled once; check any number of requests with it (one thread)."""

    def __init__(self, kb: KnowledgeBase | None = None):
        self.kb = kb or default_kb()
        self.engine = Engine(self.kb)

    def check_item(self, request: TreatmentRequest, item: RequestItem, dates: Dates,
                   patient: Patient | None = None) -> ItemResult:
        """One item of `request`; `patient` (patient_context of the request) is shared by its items."""
        normalized = normalize_item(item)
        fact = build_fact(request, normalized, self.kb, dates, patient)
        course = prior_course(request, normalized.family)
        prior = None if course is None else ("unknown number" if course.visits is None else str(course.visits))
        if normalized.unread or normalized.family is Family.other:  # said, never guessed
            reason = normalized.unread or "not a treatment the rule base recognizes"
            return not_covered(normalized, fact, dates.guideline, reason, prior, date_basis=dates.basis)
        firings = self.engine.evaluate(fact)
        return decide(normalized, fact, firings, self.engine.checks, self.kb, dates.guideline, prior, dates.basis)

    def check(self, request: TreatmentRequest, as_of: dt.date | None = None,
              today: dt.date | None = None) -> list[ItemResult]:
        dates = pick_dates(request, as_of, today or dt.date.today())
        patient = patient_context(request, self.kb)
        return [self.check_item(request, item, dates, patient) for item in request.items]
