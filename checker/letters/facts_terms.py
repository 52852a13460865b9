"""Moved to :mod:`checker.letters.facts.terms`: the old name is that module, for the callers that import it."""
import sys

from checker.letters.facts import terms

sys.modules[__name__] = terms
