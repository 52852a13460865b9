"""Invented IMR letters for tests: the layout of a DWC final determination letter (header,
reviewer, clinical case summary, issues), around the summary and items a test writes."""
from __future__ import annotations

_HEAD = """Case Number:          {case}
Date Assigned:        11/01/2016                      Date of Injury:      01/10/2016
Decision Date:        12/01/2016                      UR Denial Date:      10/15/2016
Priority:             Standard                        Application          10/20/2016
                                                      Received:

                 HOW THE IMR FINAL DETERMINATION WAS MADE
MAXIMUS Federal Services sent the complete case file to an expert reviewer.

The Expert Reviewer has the following credentials:
State(s) of Licensure: California
Certification(s)/Specialty: {specialty}

                                CLINICAL CASE SUMMARY
The expert reviewer developed the following clinical case summary based on a review of the
case file, including all medical records:

"""
_ISSUES = """                      IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:
"""


def letter_head(case: str, summary: str, specialty: str = "Physical Medicine & Rehabilitation") -> str:
    """Everything of an invented letter before its first item: `summary` ends with a newline."""
    return _HEAD.format(case=case, specialty=specialty) + summary + _ISSUES
