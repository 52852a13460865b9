"""Moved to :mod:`checker.letters.facts.text`: the old name is that module, for the callers that import it."""
import sys

from checker.letters.facts import text

sys.modules[__name__] = text
