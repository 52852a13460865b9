"""Electrodiagnostics: needle EMG, nerve conduction studies (NCS/NCV), surface EMG, evoked potentials, EEG.

An item names one or more studies of one or more limbs and sides (read by checker.normalize:
studies, limbs, sides). EMG and NCS are separate studies (MTUS 2016 CPMTG, Electrodiagnostic
testing): an item asking for both ("EMG/NCS of the right arm") is judged by the rules of each,
and the report shows both. Its quantity is what the line states ("x 2", "QTY: 2"), else one per
study named.

Policy of the kind's facts:
  1. requests_emg / requests_ncs: which of the two the item asks for.
  2. prior_eds: yes when the record holds an earlier EMG or NCS of the limbs' nerve territory (a
     side stated on both that differs makes it another study); not_stated otherwise.
     prior_eds_days: days since the latest dated one, -1 unknown.
  3. imaging_shows_pathology: what an MRI or CT of the spinal segment that supplies the limbs
     (cervical for an arm, lumbar for a leg) found: yes when one showed pathology, no when they
     were normal, not_stated otherwise (a nerve study for radiculopathy is not needed where
     imaging already shows the pathology at the level).
"""
from __future__ import annotations

from typing import Optional

from checker.engine.fact_fields import UNKNOWN
from checker.kinds.base import Attribute, KindFact, ServiceKind
from checker.kinds.clinical_facts import EDS_STUDIES
from checker.kinds.registry import register
from checker.request.clinical import StudyKind, StudyResult, territory
from checker.vocab import SPINE, Family, Kind, Tri

STUDIES = ("emg", "ncs", "surface_emg", "ssep", "mep", "vep", "eeg")
LIMBS = ("upper", "lower")
SIDES = ("left", "right", "bilateral")
CROSS_SECTIONAL = frozenset({StudyKind.mri, StudyKind.ct})


def _other_side(item_sides: list[str], study_side) -> bool:
    sides = set(item_sides) | ({study_side.value} if study_side else set())
    return {"left", "right"} <= sides and "bilateral" not in item_sides


class Electrodiagnostics(ServiceKind):
    def quantity(self, item) -> tuple[Optional[int], str, bool]:
        if item.quantity_specified and item.visits:
            return item.visits, "studies", True
        return max(1, len(item.attributes.get("studies") or [])), "studies", True

    def understood(self, item) -> list[tuple[str, str]]:
        a = item.attributes
        studies = [s.upper().replace("_", " ") for s in a.get("studies") or []]
        named = " and ".join(studies) if studies else "not stated"
        if len(studies) > 1:
            named += " (separate studies, each judged on its own criteria)"
        return [("Studies", named), ("Limbs", ", ".join(a.get("limbs") or []) or "not stated"),
                ("Sides", ", ".join(a.get("sides") or []) or "not stated")]

    def facts(self, item, context) -> dict:
        clinical = context.request.clinical
        area = territory(context.regions)
        sides = list(item.attributes.get("sides") or [])
        studies = set(item.attributes.get("studies") or [])
        prior = [s for s in clinical.prior_studies if s.study in EDS_STUDIES
                 and (s.region is None or not area or s.region in area) and not _other_side(sides, s.side)]
        dated = [s.date for s in prior if s.date is not None and s.date <= context.dates.clinical]
        spine = area & SPINE
        imaging = {s.result for s in clinical.prior_studies if s.study in CROSS_SECTIONAL and s.region in spine}
        shows = (Tri.yes if StudyResult.abnormal in imaging else Tri.no if StudyResult.normal in imaging
                 else Tri.not_stated)
        return {
            "requests_emg": "emg" in studies,
            "requests_ncs": "ncs" in studies,
            "prior_eds": (Tri.yes if prior else Tri.not_stated).value,
            "prior_eds_days": (context.dates.clinical - max(dated)).days if dated else UNKNOWN,
            "imaging_shows_pathology": shows.value,
        }


KIND = register(Electrodiagnostics(
    Kind.electrodiagnostics,
    frozenset({Family.electrodiagnostic}),
    attributes=(
        Attribute("studies", "the studies named (services.yaml: emg, ncs, surface_emg, ssep ...)", STUDIES, many=True),
        Attribute("limbs", "upper and/or lower, from the regions named", LIMBS, many=True),
        Attribute("sides", "left, right or bilateral", SIDES, many=True),
    ),
    fact_defs=(
        KindFact("requests_emg", "bool", "the item asks for needle EMG"),
        KindFact("requests_ncs", "bool", "the item asks for nerve conduction studies"),
        KindFact("prior_eds", "tri", "an earlier EMG or NCS of the limbs' territory (yes or not_stated)"),
        KindFact("prior_eds_days", "number", "days since that earlier study (-1 unknown)"),
        KindFact("imaging_shows_pathology", "tri", "an MRI or CT of the spinal segment that supplies the limbs showed pathology"),
    ),
    quantity_unit="studies",
))
