"""A parsed IMR final determination letter."""
from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Citation(_Model):
    """One guideline a decision was based on, e.g. guideline "MTUS Chronic Pain Medical
    Treatment Guidelines 2016", section "Physical medicine treatment", pages None."""

    guideline: str
    section: Optional[str] = None
    pages: Optional[str] = None
    raw: str  # the citation as the letter writes it (whitespace collapsed)


class LetterItem(_Model):
    item_no: int  # 1-based, in letter order
    # What IMR decided: for a partial authorization the remaining IMR-eligible portion,
    # otherwise the whole heading (whitespace collapsed, without ": Upheld").
    item: str
    heading: str  # the whole heading as written, without the decision
    decision: Literal["Upheld", "Overturned"]
    original_request: Optional[str] = None  # partial-authorization parts, when present
    authorized: Optional[str] = None
    remaining: Optional[str] = None
    claims_administrator_guideline: list[Citation] = []
    maximus_guideline: list[Citation] = []
    rationale: str = ""


class Reviewer(_Model):
    licensure: list[str] = []
    specialty: list[str] = []


class Letter(_Model):
    file: str
    format: Literal["txt", "pdf"]
    case_number: Optional[str] = None  # e.g. "CM16-0242419"; None when the letter has no header
    date_assigned: Optional[dt.date] = None
    decision_date: Optional[dt.date] = None
    injury_date: Optional[dt.date] = None
    ur_denial_date: Optional[dt.date] = None
    application_received: Optional[dt.date] = None
    priority: Optional[str] = None
    reviewer: Reviewer = Reviewer()
    # The CLINICAL CASE SUMMARY without its boilerplate first sentence; paragraphs are
    # separated by a blank line, lines within a paragraph joined.
    summary: str = ""
    items: list[LetterItem]
