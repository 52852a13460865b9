"""Benchmark of the `check` path: in-process latency per item, and CLI cold start.

    .venv/bin/python bench/bench_check.py            # or: make bench (runs every bench script)

In-process: Checker.check on every request of samples/requests/* and of a fixed set of
generated requests (every family, prior courses, surgeries, dates across the guideline
editions) after a warm-up; a request's time divided by its number of items is its
per-item latency (a request's items share the patient's classification). Each request is
timed in every round and its median kept; p50 and p99 are over requests. Beside it, a bare
durable-rules evaluation of a comparable ruleset: the same conditions compiled straight into
durable-rules rulesets whose actions only note the rule name, each item's fact asserted in a
fresh session that is deleted afterwards, with none of our normalizing, fact building, firing
records or decision; like the engine, it drives durable-rules' C extension directly (assert,
read the queued firings' rule names, delete the session), the cheapest path durable-rules
offers; the row below it goes through durable-rules' Python host (Host.assert_fact and
delete_state, a Python action per firing), as the engine did until it took the cheaper path.
The engine and bare rows time the same requests' facts, a request at a
time divided by its number of items, so every row is per item of the same requests (an
earlier version took the p50 over single facts, whose cheap families outnumber the rest:
0.13 ms against 0.23 ms per request item, an unfair denominator for the ratio).
The bare row compiles each family's checks into one ruleset, as a plain user of durable-rules
would; the engine groups them into smaller rulesets and asserts a fact only into those whose
checks it can meet (README, "Design"), so its own durable-rules step costs less than the bare row.
Goal: check p50 within 2x of the bare durable-rules p50. parse_item is memoized (a letter's
item line is read by several steps), so after the warm-up the check row reads no item text;
the row below it clears that memo before each request: what a new request costs.

CLI: wall and CPU time of `imr-check check samples/requests/tens.yaml` and of `imr-check --help`,
each a fresh process, median of several runs after one untimed run that fills the user's caches.
Goal: check under 0.6 s (wall; on a shared machine the CPU column says what the process itself cost).

Speed goals live here only; the test suite asserts behaviour, never timing.
"""
from __future__ import annotations

import datetime as dt
import gc
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import durable_rules_engine  # noqa: E402

from checker.check import Checker  # noqa: E402
from checker.engine.conditions import flags, list_values, to_durable, without_field  # noqa: E402
from checker.engine.engine import SENTINEL, _QuietHost, _to_json  # noqa: E402
from checker.engine.facts import build_fact, pick_dates  # noqa: E402
from checker.normalize.item import normalize_item  # noqa: E402
from checker.normalize.item_text import parse_item  # noqa: E402
from checker.request.load import load_request  # noqa: E402
from checker.request.model import TreatmentRequest  # noqa: E402
from checker.vocab import PHYSICAL_MEDICINE, Family  # noqa: E402

SAMPLES = sorted((ROOT / "samples" / "requests").glob("*.yaml"))
ROUNDS = 30
CLI_RUNS = 7
GOAL_RATIO = 2.0
GOAL_COLD_S = 0.6

# ------------------------------------------------------------------ generated requests

DIAGNOSES = [
    "lumbar strain", "cervical radiculopathy", "lumbar radiculopathy", "myofascial pain", "M54.5", "S39.012A",
    "lumbar disc herniation", "rotator cuff tendinitis", "medial meniscus tear", "carpal tunnel syndrome",
    "complex regional pain syndrome", "osteoarthritis of the hip", "lateral epicondylitis", "chronic pain syndrome",
    "cervicalgia", "knee sprain", "headaches", "lumbar spinal stenosis", "post laminectomy syndrome", "M25.561",
]
ITEMS = [
    "Physical therapy 2 x 6 for the lumbar spine", "Physical therapy x 8 for the neck", "PT 3x4 right knee",
    "Additional physical therapy 2 times a week for 3 weeks", "Post-op physical therapy 2 x 6 for the right knee",
    "Acupuncture x 6 low back", "Acupuncture 2 times a week for 6 weeks", "Chiropractic care for the low back; six sessions",
    "Chiropractic manipulation, cervical spine x 12", "Massage therapy x 6 for the low back",
    "Aquatic therapy x 8 for the low back", "Work conditioning 10 visits", "TENS unit 30 day rental",
    "TENS unit 60 day rental", "TENS unit purchase", "Occupational therapy x 12 for the left wrist",
]
SURGERIES = [
    "arthroscopic partial medial meniscectomy, right knee", "lumbar microdiscectomy L4-5",
    "carpal tunnel release", "total knee arthroplasty", "rotator cuff repair",
]
FAMILIES = [f.value for f in Family if f in PHYSICAL_MEDICINE]
TRI = ["yes", "no", "not stated"]


def generated_requests(n: int = 60, seed: int = 20160729) -> list[TreatmentRequest]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        request_date = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(0, 8 * 365))
        injury = request_date - dt.timedelta(days=rng.randrange(10, 1500))
        patient = {"injury_date": injury.isoformat(), "diagnoses": rng.sample(DIAGNOSES, rng.randint(1, 3))}
        if rng.random() < 0.25:
            day = request_date - dt.timedelta(days=rng.randrange(5, 200))
            patient["surgeries"] = [{"procedure": rng.choice(SURGERIES), "date": day.isoformat()}]
        prior = {}
        for family in rng.sample(FAMILIES, rng.randint(0, 2)):
            prior[family] = {"visits": rng.choice([None, rng.randint(0, 30)]), "functional_improvement": rng.choice(TRI)}
        history = {"prior_treatment": prior, **{k: rng.choice(TRI) for k in (
            "home_exercise_program", "adjunct_to_exercise", "other_modalities_failed", "medication_reduced_or_not_tolerated",
            "plateau_after_therapy", "return_to_work_goal", "reduced_weight_bearing_needed")}}
        items = rng.sample(ITEMS, rng.randint(1, 3))
        out.append(TreatmentRequest.model_validate(
            {"request_date": request_date.isoformat(), "patient": patient, "history": history, "items": items}))
    return out


# ------------------------------------------------------------------ measurements

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def time_rounds(cases: dict[str, tuple[list, callable]], rounds: int) -> dict[str, list[float]]:
    """Per input, the median seconds per item over `rounds` rounds, for every case.

    `call(*args[:-1])` is timed for every args of every case; the cases take turns round by
    round, so a change of machine load during the run affects them alike, and the median of
    an input's rounds drops the spikes other processes cause. Each case is warmed up first
    (regex caches, durable-rules session pools, each family's ruleset compiled on first use).
    args[-1] is the number of items the call covers (a request's items).
    """
    for args_list, call in cases.values():
        for args in args_list:
            call(*args[:-1])
    samples: dict[str, list[list[float]]] = {name: [[] for _ in args_list] for name, (args_list, _) in cases.items()}
    gc.disable()
    try:
        for _ in range(rounds):
            for name, (args_list, call) in cases.items():
                out = samples[name]
                for i, args in enumerate(args_list):
                    t0 = time.perf_counter()
                    call(*args[:-1])
                    out[i].append((time.perf_counter() - t0) / args[-1])
            gc.collect()
    finally:
        gc.enable()
    return {name: [statistics.median(per_input) for per_input in values] for name, values in samples.items()}


class BareDurable:
    """The rule base's conditions as plain durable-rules rulesets, one per family; a firing only
    notes its rule. `evaluate` drives the C extension directly; `evaluate_host` uses the host."""

    def __init__(self, checker: Checker):
        self.host = _QuietHost()
        self.fired: list[str] = []
        self.names: dict[str, str] = {}
        definitions = {}
        self.lists: dict[str, dict] = {}
        for family in Family:
            rules = {}
            conditions = []
            for key, check in checker.engine.checks.items():
                rule = checker.kb.rule(check.rule_id)
                if family in rule.family:
                    # the durable-rules expression the engine compiles
                    conditions.append(without_field(check.condition, "family"))
                    rules[key] = {"all": [{"m": to_durable(conditions[-1])}], "run": self._note(key)}
            # list fields travel as flags, "conditions$s$sprain_strain": true (checker.engine.conditions.flag)
            self.lists[family.value] = list_values(c for c in conditions if c is not None)
            if rules:
                # durable-rules 2.0.28 needs an action to have run before a session is deleted
                # (see checker.engine.engine); a rule that matches every fact is part of the bare cost.
                rules[SENTINEL] = {"all": [{"m": {"$ex": {"family": 1}}}], "run": lambda c: None}
                self.names[family.value] = name = f"bare_{family.value}"
                definitions[name] = rules
        self.host.set_rulesets(definitions)
        self.handles = {family: self.host.get_ruleset(name)._handle for family, name in self.names.items()}
        self.sessions = 0

    def _note(self, key: str):
        def note(c):
            self.fired.append(key)
        return note

    def evaluate(self, fact: dict) -> None:
        handle = self.handles[fact["family"]]
        self.sessions += 1
        sid = f"bare-{self.sessions}"
        # serialized as the engine serializes (one C encoder made once): the bare row pays no more for it
        text = _to_json({**fact, **flags(fact, self.lists[fact["family"]]), "sid": sid})
        _, state = durable_rules_engine.assert_fact(handle, text)
        messages = durable_rules_engine.start_action_for_state(handle, state)[1]
        while messages is not None:
            self.fired.append(messages[2:messages.find('"', 2)])
            messages = durable_rules_engine.complete_and_start_action(handle, state)
        durable_rules_engine.delete_state(handle, sid)
        self.fired.clear()

    def evaluate_host(self, fact: dict) -> None:
        name = self.names[fact["family"]]
        self.sessions += 1
        sid = f"bare-{self.sessions}"
        self.host.assert_fact(name, {**fact, **flags(fact, self.lists[fact["family"]]), "sid": sid})
        self.host.delete_state(name, sid)
        self.fired.clear()


def in_process() -> dict:
    checker = Checker()
    requests = [load_request(p) for p in SAMPLES] + generated_requests()
    today = dt.date.today()
    # each request's facts, the ones check hands to the engine, timed together and divided by
    # the request's number of items, like check: every row is per item of the same requests
    facts = []
    for request in requests:
        dates = pick_dates(request, None, today)
        of_request = []
        for item in request.items:
            normalized = normalize_item(item)
            if normalized.family is not Family.other and not normalized.evaluation_only:
                of_request.append(build_fact(request, normalized, checker.kb, dates))
        facts.append((of_request, len(request.items)))
    bare = BareDurable(checker)

    def each(evaluate):
        def run(of_request):
            for fact in of_request:
                evaluate(fact)
        return run

    def check_fresh(request):
        # parse_item is memoized, so after the warm-up "check" reads no item text; a new
        # request's items are read afresh: this is the latency a new request sees
        parse_item.cache_clear()
        return checker.check(request)

    samples = time_rounds({
        # a request's items share its patient's classification: time whole requests, per item
        "check": ([(r, len(r.items)) for r in requests], checker.check),
        "check_fresh": ([(r, len(r.items)) for r in requests], check_fresh),
        "engine": (facts, each(checker.engine.evaluate)),
        "bare": (facts, each(bare.evaluate)),
        "bare_host": (facts, each(bare.evaluate_host)),
    }, ROUNDS)
    return {"items": sum(len(r.items) for r in requests), "requests": len(requests),
            "facts": sum(len(f) for f, _ in facts), **samples}


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("imr-check")
    if script.exists():
        return [str(script)]
    found = shutil.which("imr-check")
    return [found] if found else [sys.executable, "-m", "checker"]


def cold_start(args: list[str], runs: int = CLI_RUNS) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of `runs` fresh processes, after one untimed run: that one fills the
    user's caches ($XDG_CACHE_HOME/imr-checker: the ICD-10-CM index, the parsed rule and vocabulary
    YAML), as the first start after an install or an edit of the rules does."""
    command = cli_command() + args
    walls, cpus = [], []
    for n in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
        if n:
            walls.append(wall)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def main() -> int:
    r = in_process()
    bare_p50 = statistics.median(r["bare"])
    check_p50 = statistics.median(r["check"])
    ratio = check_p50 / bare_p50
    print(f"check path, in process: {r['items']} items from {len(SAMPLES)} sample and "
          f"{r['requests'] - len(SAMPLES)} generated requests, {ROUNDS} rounds")
    rows = [
        ("Checker.check, per item (request / its items)", r["check"]),
        ("  the same, item text read afresh (no memo)", r["check_fresh"]),
        ("  engine.evaluate (our durable-rules step)", r["engine"]),
        ("bare durable-rules, comparable ruleset", r["bare"]),
        ("  the same through durable-rules' host", r["bare_host"]),
    ]
    print(f"  {'measure':<44} {'p50':>11} {'p99':>11} {'max':>11}")
    for name, values in rows:
        print(f"  {name:<44} {ms(statistics.median(values)):>11} {ms(percentile(values, 0.99)):>11} {ms(max(values)):>11}")
    host_ratio = check_p50 / statistics.median(r["bare_host"])
    verdict_ratio = "meets" if ratio <= GOAL_RATIO else "MISSES"
    print(f"  check p50 / bare durable-rules p50 = {ratio:.2f}x, durable-rules driven directly like the engine "
          f"(goal <= {GOAL_RATIO:g}x: {verdict_ratio}); item text read afresh: "
          f"{statistics.median(r['check_fresh']) / bare_p50:.2f}x; against the bare row through durable-rules' "
          f"host: {host_ratio:.2f}x ({'meets' if host_ratio <= GOAL_RATIO else 'MISSES'})")

    check_cli, check_cpu = cold_start(["check", "samples/requests/tens.yaml"])
    help_cli, help_cpu = cold_start(["--help"])
    print(f"\nCLI cold start ({' '.join(cli_command())}), median of {CLI_RUNS} fresh processes:")
    print(f"  {'command':<44} {'median':>11} {'min':>11} {'max':>11} {'CPU median':>11}")
    for name, values, cpu in (("imr-check check samples/requests/tens.yaml", check_cli, check_cpu),
                              ("imr-check --help", help_cli, help_cpu)):
        print(f"  {name:<44} {statistics.median(values):>9.3f} s {min(values):>9.3f} s {max(values):>9.3f} s "
              f"{statistics.median(cpu):>9.3f} s")
    cold = statistics.median(check_cli)
    print(f"  check cold start {cold:.3f} s (goal < {GOAL_COLD_S:g} s: {'meets' if cold < GOAL_COLD_S else 'MISSES'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
