"""Clinical facts of an IMR letter's CLINICAL CASE SUMMARY, each with the sentence it came from.

``extract_facts(summary)`` reads only the case-summary text (``Letter.summary``) and returns
a :class:`CaseFacts`: patient, injury, diagnoses, regions, surgeries, prior treatment per
family (visit counts and objective functional improvement), work status, medications,
the request / utilization-review dates and what UR already authorized, and the clinical
facts imaging, nerve-study, injection, surgery, equipment and service rules ask
(``CaseFacts.clinical``: findings, red flags, conservative care, prior studies and injections,
plans, comorbidities, function and care needs, hearing, work capability, and the medications:
drugs with their status, start and effect, GI risk, opioid monitoring, oral intake;
checker.request.clinical). Every fact comes with an :class:`Evidence` whose sentence is a
substring of the whitespace-normalized summary (``" ".join(summary.split())``).

Design: the summary is split into sentences once (:mod:`.sentences`); each extractor is a
module of this package named for the fact it reads, a small set of linear regexes over
sentences plus the negation scope of :mod:`.negation`. The shared vocabulary (treatment
families, regions, drugs) is in :mod:`.terms`, numbers and dates in :mod:`.text`.
Extractors are independent and guarded, so a surprise in one never loses the others, and
``extract_facts`` never raises: a failed extractor is named, on one line, in
``CaseFacts.problems`` (a bug to report; the tests require it empty on every letter).

The order of the steps matters: regions read the diagnoses' evidence; functional improvement
and the prior courses share the courses ``prior`` found; conservative care reads the prior
courses, the home-exercise flag, the work status and the medications; surgery planned reads
the surgeries; the medication steps share the drug names found once (``ctx["drug_mentions"]``)
and leave their findings in ``ctx["medications"]``, assembled by medication_history; the clinical
extractors leave their fields in ``ctx["clinical"]`` and the last step assembles them into one
validated ``Clinical``.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checker.request.clinical import Clinical
from checker.request.model import Evidence, PriorCourse, Surgery
from checker.vocab import Family, Region, Tri

from .clinical import emit_clinical as _emit_clinical
from .comorbidities import comorbidities as _comorbidities
from .conservative_care import conservative_care as _conservative_care
from .dates import dates as _dates
from .demographics import demographics as _demographics
from .diagnoses import diagnoses as _diagnoses
from .drug_response import drug_response as _drug_response
from .drug_use import drug_use as _drug_use
from .findings import findings as _findings
from .function import function as _function
from .gi_risk import gi_risk as _gi_risk
from .history_flags import adjunct as _adjunct
from .history_flags import flare as _flare
from .history_flags import home_exercise as _home_exercise
from .history_flags import indication as _indication
from .history_flags import medication_flag as _medication_flag
from .injury import injury_date as _injury_date
from .medication_history import emit_medications as _emit_medications
from .medications import medications as _medications
from .opioid_monitoring import opioid_monitoring as _opioid_monitoring
from .oral_intake import oral_intake as _oral_intake
from .plans import invasive_procedure_planned as _invasive_procedure_planned
from .plans import surgery_planned as _surgery_planned
from .prior_injections import prior_injections as _prior_injections
from .prior_treatment import emit_prior as _emit_prior
from .prior_treatment import functional_improvement as _functional_improvement
from .prior_studies import prior_studies as _prior_studies
from .prior_treatment import prior as _prior
from .red_flags import red_flags as _red_flags
from .regions import regions as _regions
from .sentences import Out, summary_sentences
from .surgeries import surgeries as _surgeries
from .ur_authorized import ur_authorized as _ur_authorized
from .work import work as _work

__all__ = ["CaseFacts", "extract_facts"]


class CaseFacts(BaseModel):
    """What the case summary says, fact by fact (see module docstring)."""

    model_config = ConfigDict(extra="forbid")

    age: Optional[int] = None
    sex: Optional[Literal["male", "female"]] = None
    injury_date: Optional[dt.date] = None
    diagnoses: list[str] = Field(default_factory=list)
    regions: list[Region] = Field(default_factory=list)
    surgeries: list[Surgery] = Field(default_factory=list)
    prior: dict[Family, PriorCourse] = Field(default_factory=dict)
    home_exercise_program: Tri = Tri.not_stated
    returned_to_work: Tri = Tri.not_stated
    work_status: Optional[str] = None
    medications: list[str] = Field(default_factory=list)
    medication_reduced_or_not_tolerated: Tri = Tri.not_stated
    adjunct_to_exercise: Tri = Tri.not_stated
    flare_up: Tri = Tri.not_stated
    indication_documented: Tri = Tri.not_stated
    request_date: Optional[dt.date] = None
    ur_date: Optional[dt.date] = None
    latest_date: Optional[dt.date] = None  # the latest day-precise date the summary mentions
    ur_authorized: dict[Family, int] = Field(default_factory=dict)
    clinical: Clinical = Field(default_factory=Clinical)  # findings, red flags, care, studies, injections, plans
    evidence: list[Evidence] = Field(default_factory=list)
    # extractors that failed on this summary, one line each: their facts are missing
    problems: list[str] = Field(default_factory=list)


def extract_facts(summary: str) -> CaseFacts:
    """The clinical facts of a case summary, each with its sentence. Never raises."""
    try:
        sents = summary_sentences(summary)
    except Exception as e:  # pragma: no cover - defensive
        return CaseFacts(problems=[_problem("sentences", e)])
    out = Out()
    ctx: dict = {"courses": {}}
    steps: list[tuple[str, Callable[[], None]]] = [
        ("demographics", lambda: _demographics(sents, out)),
        ("injury_date", lambda: _injury_date(sents, out)),
        ("diagnoses", lambda: _diagnoses(sents, out)),
        ("regions", lambda: _regions(sents, out)),
        ("surgeries", lambda: _surgeries(sents, out)),
        ("prior", lambda: _prior(sents, out, ctx)),
        ("functional_improvement", lambda: _functional_improvement(sents, out, ctx)),
        ("emit_prior", lambda: _emit_prior(out, ctx)),
        ("home_exercise", lambda: _home_exercise(sents, out)),
        ("work", lambda: _work(sents, out)),
        ("medications", lambda: _medications(sents, out)),
        ("medication_flag", lambda: _medication_flag(sents, out)),
        ("adjunct", lambda: _adjunct(sents, out)),
        ("flare", lambda: _flare(sents, out)),
        ("indication", lambda: _indication(sents, out)),
        ("dates", lambda: _dates(sents, out)),
        ("ur_authorized", lambda: _ur_authorized(sents, out)),
        ("findings", lambda: _findings(sents, out, ctx)),
        ("red_flags", lambda: _red_flags(sents, out, ctx)),
        ("conservative_care", lambda: _conservative_care(sents, out, ctx)),
        ("prior_studies", lambda: _prior_studies(sents, out, ctx)),
        ("prior_injections", lambda: _prior_injections(sents, out, ctx)),
        ("surgery_planned", lambda: _surgery_planned(sents, out, ctx)),
        ("invasive_procedure_planned", lambda: _invasive_procedure_planned(sents, out, ctx)),
        ("comorbidities", lambda: _comorbidities(sents, out, ctx)),
        ("function", lambda: _function(sents, out, ctx)),
        ("drug_use", lambda: _drug_use(sents, out, ctx)),
        ("drug_response", lambda: _drug_response(sents, out, ctx)),
        ("gi_risk", lambda: _gi_risk(sents, out, ctx)),
        ("opioid_monitoring", lambda: _opioid_monitoring(sents, out, ctx)),
        ("oral_intake", lambda: _oral_intake(sents, out, ctx)),
        ("medication_history", lambda: _emit_medications(out, ctx)),
        ("clinical", lambda: _emit_clinical(out, ctx)),
    ]
    problems: list[str] = []
    for name, step in steps:
        n_ev = len(out.evidence)
        try:
            step()
        except Exception as e:  # one extractor's surprise must not lose the others
            problems.append(_problem(name, e))
            del out.evidence[n_ev:]
    try:
        return CaseFacts(**out.fields, evidence=out.evidence, problems=problems)
    except ValidationError as e:  # pragma: no cover - defensive: keep the fields that validate
        bad = {str(err["loc"][0]) for err in e.errors() if err["loc"]}
        problems.append(_problem("validation", e))
        good = {k: v for k, v in out.fields.items() if k not in bad}
        evidence = [ev for ev in out.evidence if ev.fact.split(".")[0] not in bad]
        return CaseFacts(**good, evidence=evidence, problems=problems)


def _problem(step: str, error: Exception) -> str:
    return " ".join(f"{step}: {type(error).__name__}: {error}".split())[:300]
