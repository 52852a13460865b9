"""The medication kind's fact fields: name, type, what it means (checker.kinds.medications.facts computes them).

Kept apart from facts.py so that registering the kind (at every CLI start) imports no drug knowledge.
"""
from __future__ import annotations

FACT_DEFS = (
    ("strength_stated", "tri", "the request states the drug's strength (or the product has one label strength)"),
    ("quantity_stated", "tri", "the request states the quantity (tablets, grams, mL ...)"),
    ("days_supply", "number", "days the requested quantity lasts (written, or quantity / units a day)"),
    ("mme_per_day", "number", "morphine milligram equivalents a day of the requested opioid"),
    ("form_oral_suspension", "bool", "the drug is requested as an oral suspension (a compounding kit)"),
    ("drug_indication", "tri", "a diagnosis documents an indication of the drug (drug_criteria.yaml)"),
    ("any_ingredient_not_recommended_topically", "tri",
     "an ingredient the guideline does not recommend topically (baclofen, gabapentin, muscle relaxants, "
     "lidocaine but as a patch)"),
    ("topical_nsaid_acute_or_oa", "tri", "a topical NSAID for acute pain or for osteoarthritis of a joint"),
    ("drug_taken_before", "tri", "the patient has taken the drug before this request (no: it starts now)"),
    ("drug_days_taken", "number", "days the patient has taken the drug so far"),
    ("course_days", "number", "days taken so far plus the days' supply requested"),
    ("drug_relief_percent", "number", "pain relief with the drug, in % (scores with and without it)"),
    ("pain_moderate_or_severe", "tri", "pain is moderate to severe (a score in the moderate band or above, or words)"),
    ("drug_pain_relief", "tri", "the drug relieves pain"),
    ("drug_functional_benefit", "tri", "function improves with the drug"),
    ("drug_side_effects_assessed", "tri", "the record says whether the drug has side effects"),
    ("non_opioid_tried", "tri", "non-opioid analgesics (NSAIDs, acetaminophen) tried before"),
    ("neuropathic_first_line_tried", "tri", "antidepressants and anticonvulsants tried before"),
    ("first_line_failed", "tri", "first-line medications tried and failed"),
    ("oral_intolerance", "tri", "the patient cannot swallow or tolerate oral medication"),
    ("gi_event_history", "tri", "history of peptic ulcer, GI bleeding or perforation"),
    ("nsaid_high_dose_or_multiple", "tri", "high-dose or multiple NSAIDs"),
    ("dyspepsia_on_nsaid", "tri", "dyspepsia (reflux, gastritis, GI upset) while on an NSAID"),
    ("opioid_risk_screen", "tri", "an opioid risk screen was done"),
    ("cures_checked", "tri", "the CURES report was checked"),
    ("udt_done", "tri", "a urine drug test was done"),
    ("treatment_agreement", "tri", "a written opioid treatment agreement"),
    ("aberrant_behavior_assessed", "tri", "aberrant behavior assessed (stated, or a drug test or CURES check done)"),
    ("on_opioids", "tri", "the patient takes or starts an opioid"),
    ("days_since_last_udt", "number", "days from the last dated urine drug test to the request"),
    ("udt_high_risk", "tri", "aberrant behavior, substance use history or an inconsistent drug test"),
    ("severe_acute_injury", "tri", "a severe acute injury: fracture, crush or major trauma"),
    ("neuropathic_pain", "tri", "neuropathic pain: a neuropathic diagnosis or radicular symptoms"),
    ("active_care", "tri", "active care (therapy, chiropractic, acupuncture, home exercise) given or continued"),
    ("special_fill_window", "bool", "within 7 days after the injury (formulary special fill)"),
    ("perioperative_fill_window", "bool", "within 4 days of a surgery (formulary perioperative fill)"),
    ("formulary_status", "text", "the drug's status on the MTUS Drug List loaded from a rule pack (8 CCR "
     "9792.27.1-.23): exempt, non_exempt, unlisted, compounded, or unknown (no list loaded, or a date before "
     "2018-01-01 or before the list's effective date); a product takes its strictest ingredient's"),
    ("formulary_special_fill", "tri", "the MTUS Drug List marks the drug for Special Fill (8 CCR 9792.27.12)"),
    ("formulary_perioperative_fill", "tri",
     "the MTUS Drug List marks the drug for Perioperative Fill (8 CCR 9792.27.13)"),
    ("formulary_special_fill_days", "number", "the days' supply the MTUS Drug List allows a Special Fill of the drug"),
    ("formulary_perioperative_fill_days", "number",
     "the days' supply the MTUS Drug List allows a Perioperative Fill of the drug"),
    ("formulary_list", "text", "the MTUS Drug List the status was read from (version, effective date, pack); "
     "empty when none"),
)
