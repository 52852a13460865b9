"""Body regions named in free text: item lines, diagnoses, case summaries."""
from __future__ import annotations

import re

from checker.vocab import Region


def _words(pattern: str, abbreviations: str = "", raw: str = "") -> re.Pattern:
    """Words match in any case; abbreviations (UE, LS, ACL ...) only in upper case,
    since in lower case they are ordinary words. ``raw`` is added as written (any case)."""
    regex = r"(?i:\b(?:" + pattern + "))"
    if abbreviations:
        regex += r"|\b(?:" + abbreviations + r")\b"
    if raw:
        regex += r"|(?i:" + raw + ")"
    return re.compile(regex)


_PATTERNS: dict[Region, re.Pattern] = {
    Region.cervical: _words(
        r"cervic(?:al|o\w+)|cervicalgia|paracervical|(?<!femoral )neck\b(?!\s+of\s+(?:the\s+)?femur)"
        r"|c-?spine|whiplash|c[1-7](?:\s*-\s*c?[1-7])?\b"
    ),
    Region.thoracic: _words(
        r"thora(?:cic|x|co\w+)|cervicothoracic|mid(?:dle)?[-\s]?back|upper\s+back|t-?spine|dorsal\s+spine"
        r"|t(?:[1-9]|1[0-2])\s*-\s*[tl]?\d{1,2}\b"
    ),
    Region.lumbar: _words(
        r"lumb(?:ar|o\w+|ago)|thoracolumbar|low(?:er)?[-\s]back|l-?spine|sacr(?:al|um|oiliac)|si\s+joints?"
        r"|coccy\w*|sciatica|l[1-5](?:\s*-\s*(?:l?[1-5]|s1))?\b"
        r"|(?<!upper )(?<!mid )(?<!middle )(?<!mid-)back\s+(?:pain|strain|sprain|injury|spasms?|complaints?)",
        "LBP|L/?S",
        # bare "back" as a body part: "the back", "neck & back"; not "back to work", "upper back"
        r"(?:\b(?:the|his|her|their|and)\s+|[&/,]\s*)back\b(?!\s+(?:to|from|into|up|in|on|at|off|out|home|of)\b)",
    ),
    Region.shoulder: _words(r"shoulders?|rotator\s+cuff|acromi\w*|glenohumeral|subacromial|a\.?c\.?\s+joint"),
    Region.elbow: _words(r"elbows?|epicondyl\w*|olecranon|cubital"),
    Region.wrist_hand: _words(
        r"wrists?|(?<!other )hands?\b(?!-held)|fingers?|thumbs?|forearms?|(?:meta)?carpal\w*|digits\b|de\s+quervain"
    ),
    Region.upper_extremity: _words(r"upper\s+(?:extremit\w*|limbs?)|(?:upper\s+)?arms?\b", "[RLB]?UEs?"),
    Region.hip: _words(
        r"hips?\b|groin|pelvi[cs]|inguinal|buttocks?|gluteal|trochanter\w*|femoral\s+neck|neck\s+of\s+(?:the\s+)?femur"
    ),
    Region.knee: _words(r"knees?|patell\w*|menisc\w*|cruciate", "[AMP]CL"),
    Region.ankle_foot: _words(r"ankles?|foot|feet|toes?\b|heels?\b|plantar|achilles|calcane\w*|metatars\w*|tarsal"),
    Region.lower_extremity: _words(r"lower\s+(?:extremit\w*|limbs?)|legs?\b|thighs?\b|calf\b|calves", "[RLB]?LEs?"),
    Region.head: _words(r"head\b|headaches?|scalp|skull|concussion|cephal(?:al)?gia"),
}


def detect_regions(text: str) -> list[Region]:
    """Regions named in ``text``, sorted by value and de-duplicated."""
    if not text:
        return []
    found = [region for region, pattern in _PATTERNS.items() if pattern.search(text)]
    return sorted(found, key=lambda r: r.value)


_SPINE = re.compile(r"(?i:\bspin(?:e|al)\b)")


def names_the_spine(text: str) -> bool:
    """Whether ``text`` names the spine without saying which part ("spinal manipulation")."""
    return bool(text and _SPINE.search(text))
