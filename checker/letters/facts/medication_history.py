"""The medication facts assembled: checker.request.clinical.Medications from what the medication steps found.

drug_use (the drugs and their status, start and duration), drug_response (their effects),
gi_risk, opioid_monitoring and oral_intake leave their findings in ``ctx["medications"]``; this step
builds one DrugUse per drug (a drug named only with an effect gets one too; what the summary says of
"medications" in general is the entry named "medications") and puts the validated Medications in
``ctx["clinical"]``, where the clinical step assembles it with the rest. Each drug's evidence is the
sentence that told its status (else the first that named it).
"""
from __future__ import annotations

from checker.request.clinical import DrugStatus, DrugUse, GiRisk, Medications

from .sentences import Out

_RESPONSE_FIELDS = ("pain_with", "pain_without", "relief_percent", "pain_relief", "functional_benefit",
                    "side_effects", "failed")


def emit_medications(out: Out, ctx: dict) -> None:
    found = ctx.get("medications", {})
    records = found.get("drugs", {})
    responses = found.get("responses", {})
    drugs: list[DrugUse] = []
    for key in list(records) + [k for k in responses if k not in records]:
        record = records.get(key, {})
        response = responses.get(key, {})
        use = DrugUse(
            drug=record.get("drug") or response["drug"],
            status=record.get("status", DrugStatus.not_stated),
            since=record.get("since"), weeks=record.get("weeks"),
            **{f: response[f] for f in _RESPONSE_FIELDS if f in response},
        )
        drugs.append(use)
        if record:
            told = [use.status.value] if use.status is not DrugStatus.not_stated else []
            told += [f"since {use.since.isoformat()}"] if use.since else []
            told += [f"{use.weeks:g} weeks"] if use.weeks else []
            out.ev("clinical.medications.drugs", f"{use.drug}: {', '.join(told) or 'named'}", record["sentence"])
        for field, sentence in response.get("sentences", {}).items():
            value = getattr(use, field)
            out.ev(f"clinical.medications.drugs.{field}", f"{use.drug}: {getattr(value, 'value', value)}", sentence)
    fields = {k: v for k, v in found.items() if k not in ("drugs", "responses", "gi_risk")}
    ctx.setdefault("clinical", {})["medications"] = Medications(
        drugs=drugs, gi_risk=GiRisk(**found.get("gi_risk", {})), **fields)
