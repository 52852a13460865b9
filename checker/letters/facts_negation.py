"""Moved to :mod:`checker.letters.facts.negation`: the old name is that module, for the callers that import it."""
import sys

from checker.letters.facts import negation

sys.modules[__name__] = negation
