"""IMR final determination letters: reading (.txt/.pdf), parsing, and clinical facts."""
from .model import Citation, Letter, LetterItem, Reviewer
from .parse import load_letter, parse_letter
from .read import read_letter_text

__all__ = ["Citation", "Letter", "LetterItem", "Reviewer", "load_letter", "parse_letter", "read_letter_text"]
