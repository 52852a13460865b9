"""decide's criteria logic combines each node of a requirement once (_walk): it must say what the
plain recursive definitions say (kept here), on every status of every generated requirement."""
import itertools
import random

from checker.decide import _combine, _wanted
from checker.kb.schema import AllOf, AnyOf

STATUSES = ("met", "not_met", "not_documented")
IDS = ("a", "b", "c", "d")


def plain_combine(req, status):
    if isinstance(req, str):
        return status[req]
    parts = [plain_combine(p, status) for p in (req.all if isinstance(req, AllOf) else req.any)]
    if isinstance(req, AllOf):
        return "not_met" if "not_met" in parts else "met" if all(p == "met" for p in parts) else "not_documented"
    return "met" if "met" in parts else "not_met" if all(p == "not_met" for p in parts) else "not_documented"


def plain_wanted(req, status):
    if isinstance(req, str):
        return {req} if status[req] == "not_documented" else set()
    if plain_combine(req, status) != "not_documented":
        return set()
    parts = req.all if isinstance(req, AllOf) else req.any
    return set().union(*(plain_wanted(p, status) for p in parts))


def requirement(rng, depth):
    if depth == 0 or rng.random() < 0.3:
        return rng.choice(IDS)
    parts = [requirement(rng, depth - 1) for _ in range(rng.randint(1, 3))]
    return AllOf(all=parts) if rng.random() < 0.5 else AnyOf(any=parts)


def test_combine_and_wanted_agree_with_the_plain_definitions():
    rng = random.Random(7)
    for _ in range(300):
        req = requirement(rng, 3)
        for values in itertools.product(STATUSES, repeat=len(IDS)):
            status = dict(zip(IDS, values))
            assert _combine(req, status) == plain_combine(req, status)
            assert set(_wanted(req, status)) == plain_wanted(req, status)
