"""Normalizers: free text as offices and IMR letters write it, read into structured fields."""
from checker.normalize.item_text import ParsedItem, detect_family, detect_regions, parse_item

__all__ = ["ParsedItem", "detect_family", "detect_regions", "parse_item"]
