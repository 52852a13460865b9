"""The clinical facts assembled: checker.request.clinical.Clinical from what the clinical extractors found.

Each clinical extractor (findings, red_flags, conservative_care, prior_studies,
prior_injections, plans, comorbidities) leaves its fields in ``ctx["clinical"]``; this last
step validates them into one :class:`Clinical`, which derives neuro_deficit and
radicular_symptoms per region from the findings and red_flags from the flags. Should the
assembly fail, the clinical evidence goes with it and the step is named in the problems.
"""
from __future__ import annotations

from checker.request.clinical import OBJECTIVE_NEURO, RADICULAR, Clinical

from .sentences import Out


def emit_clinical(out: Out, ctx: dict) -> None:
    try:
        out.fields["clinical"] = Clinical(**ctx.get("clinical", {}))
    except Exception:
        out.evidence[:] = [e for e in out.evidence if not e.fact.startswith("clinical.")]
        raise
    clinical = out.fields["clinical"]
    for name, names in (("neuro_deficit", OBJECTIVE_NEURO), ("radicular_symptoms", RADICULAR)):
        for region, value in getattr(clinical, name).items():
            sentence = _sentence_of(out, clinical, names, region, value)
            if sentence:
                out.ev(f"clinical.{name}", f"{getattr(region, 'value', region)}: {value.value}", sentence)


def _sentence_of(out: Out, clinical: Clinical, names, region, value) -> str:
    """The evidence of a derived per-region value: the sentence of the first finding it comes from."""
    evidence = [e for e in out.evidence if e.fact == "clinical.findings"]
    for finding, e in zip(clinical.findings, evidence):  # the findings and their evidence, in one order
        if finding.name in names and (finding.region or "unspecified") == region and finding.present is value:
            return e.sentence
    return ""
