"""Negation on IMR case summaries: our patterns (checker.letters.facts_negation) vs medspacy ConText.

Run by hand, in a throw-away venv that has medspacy (it is not a project dependency):

    python3 -m venv /tmp/msp && /tmp/msp/bin/pip install medspacy
    /tmp/msp/bin/python bench/negation_compare.py            # letters from ../shared/letters
    IMR_SHARED_LETTERS=/path/to/letters /tmp/msp/bin/python bench/negation_compare.py

Without medspacy it still runs and reports our patterns only.

Gold: short target phrases (a few words) in the case summaries of the seed and dev letters,
each labelled negated or affirmed:

* GOLD: treatment-benefit and prior-treatment mentions (what fact extraction uses);
* HELDOUT: ordinary clinical findings from other dev letters, labelled after the
  patterns were written and never used to tune them (a check of generality).

"Negated" means the letter says the thing did not happen / was absent / gave no benefit
("no prior chiropractic therapy", "minimal to temporary benefit", "had not proven
beneficial"). The letters are not copied here: targets are located in them at run time.
"""
from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.letters.facts_negation import LIMITED_BENEFIT, negating_cue  # noqa: E402
from checker.letters.facts_text import normalize, sentences  # noqa: E402

LETTERS = Path(os.environ.get("IMR_SHARED_LETTERS", ROOT.parent / "shared" / "letters"))

# (letter, target phrase, occurrence index in the summary, negated?)
GOLD = [
    ("dev/CM16-0231706", "chiropractic therapy", 0, True),
    ("dev/CM16-0231706", "medication management", 0, False),
    ("dev/CM17-0015333", "conservative care", 0, True),
    ("dev/CM17-0015333", "6 sessions of physical therapy", 0, False),
    ("dev/CM16-0232182", "chiropractic treatment (under", 0, False),
    ("dev/CM16-0232182", "objective functional improvement", 0, True),
    ("dev/CM16-0232182", "activity modifications", 0, False),
    ("dev/CM16-0232182", "vast improvement in pain", 0, False),
    ("dev/CM16-0247660", "6 chiropractic treatments", 0, False),
    ("dev/CM16-0247660", "functional objective improvement", 0, True),
    ("seeds/002_273f9b4f92cc0344", "functional improvements", 0, True),
    ("seeds/002_273f9b4f92cc0344", "temporary benefit", 0, True),
    ("seeds/002_273f9b4f92cc0344", "acupuncture", 0, False),
    ("seeds/002_273f9b4f92cc0344", "massage", 0, False),
    ("dev/CM16-0236969", "improvement", 0, True),
    ("dev/CM16-0236969", "5 of 6 chiropractic sessions", 0, False),
    ("dev/CM17-0017104", "helping", 0, True),
    ("dev/CM17-0017104", "physical therapy was", 0, False),
    ("dev/CM17-0011543", "beneficial", 0, True),
    ("dev/CM17-0011543", "Six sessions of physical therapy had", 0, False),
    ("dev/CM17-0010006", "objective improvement", 0, True),
    ("dev/CM17-0010006", "chiropractic therapy sessions", 0, False),
    ("dev/CM17-0010006", "conservative treatment or", 0, True),
    ("dev/CM17-0010006", "chiropractic therapy, physical therapy", 0, False),
    ("seeds/004_0a1eae2b9c5340e3", "respond favorably", 0, True),
    ("seeds/004_0a1eae2b9c5340e3", "earlier treatment", 0, False),
    ("seeds/004_0a1eae2b9c5340e3", "at least eight prior sessions of massage therapy", 0, False),
    ("seeds/004_0a1eae2b9c5340e3", "proven beneficial", 0, False),
    ("seeds/004_0a1eae2b9c5340e3", "proven beneficial", 2, False),
    ("seeds/004_0a1eae2b9c5340e3", "much in the way of treatment", 0, True),
    ("seeds/004_0a1eae2b9c5340e3", "physical therapy and massage therapy for", 0, False),
    ("seeds/004_0a1eae2b9c5340e3", "was working", 0, True),
    ("seeds/001_1e2e42f9e3cdd1ff", "ineffective", 0, True),
    ("seeds/001_1e2e42f9e3cdd1ff", "home exercise program", 0, False),
    ("seeds/000_9c78cd4ffcf5a619", "increased mobility", 0, False),
    ("seeds/000_9c78cd4ffcf5a619", "physical therapy and oral", 0, False),
    ("seeds/003_9b5c584dd3b7d288", "24 sessions of physical therapy", 0, False),
    ("dev/CM17-0004738", "improved range of motion", 0, False),
    ("dev/CM17-0004738", "decreased tenderness", 0, False),
    ("dev/CM17-0004738", "6 sessions of chiropractic physiotherapy", 0, False),
    ("dev/CM16-0248233", "improvement in pain and functioning", 0, False),
    ("dev/CM17-0003619", "have helped", 0, False),
    ("dev/CM16-0246635", "some benefit", 0, False),
    ("dev/CM16-0246635", "radiation of pain", 0, True),
    ("dev/CM17-0004344", "decreased his pain", 0, False),
    ("dev/CM16-0248698", "trialed and failed conservative care", 0, True),
    ("dev/CM16-0248698", "failed first line therapy", 0, True),
    ("dev/CM16-0243453", "exhaustion of conservative treatment", 0, True),
    ("dev/CM16-0238035", "3 months of conservative care", 0, True),
    ("dev/CM16-0238035", "activity modification, rest", 0, False),
    ("dev/CM17-0013754", "home exercises", 0, False),
    ("dev/CM17-0013754", "#3 sessions chiropractic", 0, False),
    ("dev/CM17-0016311", "home exercise program", 0, False),
    ("dev/CM17-0013077", "functional improvement", 0, True),
    ("dev/CM17-0011992", "1 out of 12 physical therapy sessions", 0, False),
    ("dev/CM17-0011992", "improvement in pain level", 0, False),
    ("dev/CM17-0019218", "definite improvement", 0, False),
    ("dev/CM17-0003917", "X-rays or labs", 0, True),
    ("dev/CM16-0245796", "tolerate oral medications", 0, False),
    ("dev/CM16-0236134", "tolerating current medications", 0, False),
    ("dev/CM17-0019907", "tolerating sitting", 0, True),
    ("dev/CM16-0240900", "specific reason", 0, True),
    ("dev/CM16-0235724", "physical therapy, TENS unit", 0, False),
    ("dev/CM17-0010728", "TENS (transcutaneous", 0, False),
    ("dev/CM16-0242419", "acupuncture and medications", 0, False),
    ("dev/CM17-0008241", "chiropractic care; physical therapy", 0, False),
    ("dev/CM16-0229336", "transfer independently", 0, True),
    ("dev/CM17-0020243", "changes in complaints", 0, True),
    ("dev/CM16-0239110", "helping", 0, False),
    ("dev/CM17-0013754", "surgical inter", 0, False),
]

HELDOUT = [
    ("dev/CM16-0221706", "pitting edema", 0, True),
    ("dev/CM16-0221706", "smoking", 0, True),
    ("dev/CM16-0221706", "alcohol abuse", 0, True),
    ("dev/CM16-0221706", "illicit drug use", 0, True),
    ("dev/CM16-0221706", "coronary artery stenting", 0, False),
    ("dev/CM16-0233904", "radiating pain", 0, True),
    ("dev/CM16-0236134", "weakness in the lower extremities", 0, True),
    ("dev/CM16-0236134", "spasms of the thoracolumbar", 0, True),
    ("dev/CM16-0236134", "tenderness of the thoracolumbar", 0, False),
    ("dev/CM16-0236969", "subluxations", 0, True),
    ("dev/CM16-0236969", "spasms of the thoracolumbar", 0, False),
    ("dev/CM17-0002551", "tinnitus", 0, True),
    ("dev/CM17-0002551", "nausea", 0, True),
    ("dev/CM17-0002551", "acute loud event", 0, True),
    ("dev/CM17-0010364", "reflex asymmetry", 0, True),
    ("dev/CM17-0010364", "straight leg raise", 0, True),
    ("dev/CM17-0010364", "constant low back pain", 0, False),
    ("dev/CM17-0008753", "abnormal findings", 0, True),
    ("dev/CM16-0249735", "rebound tenderness", 0, True),
    ("dev/CM17-0009574", "joint effusion", 0, True),
    ("dev/CM16-0240434", "medial joint line tenderness", 0, False),
    ("dev/CM17-0012593", "lateralizing signs", 0, True),
    ("dev/CM17-0003917", "seated straight leg raise", 0, True),
    ("dev/CM17-0014944", "guarding", 0, True),
    ("dev/CM17-0014944", "normal bowel sounds", 0, False),
    ("dev/CM17-0019218", "complaints", 0, True),
    ("dev/CM17-0019218", "redness", 0, True),
]

# Written after HELDOUT had been used once (and the patterns changed for its misses): a fresh
# out-of-sample set, labelled before the first run and never used for tuning.
HELDOUT2 = [
    ("dev/CM16-0233904", "full range of motion", 0, False),
    ("dev/CM16-0229336", "safe for home", 0, True),
    ("dev/CM16-0240434", "bear weight", 0, True),
    ("dev/CM16-0240434", "locking", 0, False),
    ("dev/CM16-0246635", "paresthesias", 0, True),
    ("dev/CM16-0246635", "numbness and tingling", 0, True),
    ("dev/CM16-0246635", "weakness in the lower", 0, True),
    ("dev/CM16-0246635", "intact sensation", 0, False),
    ("dev/CM16-0246635", "acute injury", 0, True),
    ("dev/CM16-0246635", "mild degenerative changes", 0, False),
    ("dev/CM17-0006287", "normal electrodiagnostic study", 0, False),
    ("dev/CM17-0009574", "tenderness was noted over the left lateral", 0, True),
    ("dev/CM17-0009574", "subluxation", 0, True),
    ("dev/CM17-0009574", "adduction stress testing", 0, True),
    ("dev/CM17-0009574", "Cruciate function", 0, False),
    ("dev/CM17-0009574", "posterior drawer's signs", 0, True),
    ("dev/CM17-0011543", "neural foraminal narrowing", 0, True),
    ("dev/CM17-0011543", "Paracervical tenderness", 0, False),
    ("dev/CM17-0011543", "upper extremity paresthesias", 0, True),
    ("dev/CM17-0015333", "Wright's maneuver", 0, True),
    ("dev/CM17-0015333", "Tinel's sign over the brachial", 0, True),
    ("dev/CM17-0015333", "atrophy of the thenar", 0, False),
    ("dev/CM17-0019218", "mild hyperemia", 0, False),
    ("dev/CM17-0021126", "better or worse", 0, True),
    ("dev/CM17-0013587", "asthma", 0, True),
    ("dev/CM17-0013587", "wheezing", 0, True),
    ("dev/CM17-0013587", "hemoptysis", 0, True),
    ("dev/CM17-0013587", "shortness of breath", 0, False),
    ("dev/CM17-0002551", "apparent distress", 0, True),
    ("dev/CM17-0002551", "tenderness to palpation", 0, True),
]

# --------------------------------------------------------------------------- letters

_START = re.compile(r"CLINICAL CASE SUMMARY")
_END = re.compile(r"IMR ISSUES,? DECISIONS AND RATIONALES")


def load_summary(name: str) -> str:
    path = LETTERS / f"{name}.txt"
    try:
        from checker.letters.parse import load_letter  # the project's parser, when present
        return load_letter(path).summary
    except ImportError:  # no parser (or its PDF dependency) in this venv: slice the summary here
        text = path.read_text(encoding="utf-8", errors="replace")
        a = _START.search(text)
        b = _END.search(text, a.end() if a else 0)
        return text[a.end() if a else 0: b.start() if b else None]


def locate(summary: str, target: str, occurrence: int):
    """(sentence text, start, end) of the target in the normalized summary."""
    text = normalize(summary)
    k = -1
    for _ in range(occurrence + 1):
        k = text.find(target, k + 1)
        if k < 0:
            raise LookupError(target)
    for s in sentences(text):
        if s.start <= k < s.end:
            return s.text, k - s.start, k - s.start + len(target)
    raise LookupError(target)


# --------------------------------------------------------------------------- systems

def ours(sentence: str, start: int, end: int) -> bool:
    """Our product logic: a negation scope, or a 'limited benefit' phrase over the target."""
    if negating_cue(sentence, start, end) is not None:
        return True
    return any(m.start() < end and start < m.end() for m in LIMITED_BENEFIT.finditer(sentence))


def context_system(extra_rules: bool):
    import medspacy  # noqa: F401  (registers the medspacy_context factory)
    import spacy

    nlp = spacy.blank("en")
    ctx = nlp.add_pipe("medspacy_context", config={"rules": "default"})
    if extra_rules:
        ctx.add(imr_rules())

    def run(sentence: str, start: int, end: int) -> bool:
        doc = nlp.make_doc(sentence)
        for i, tok in enumerate(doc):
            tok.is_sent_start = i == 0
        span = doc.char_span(start, end, label="TARGET", alignment_mode="expand")
        if span is None:
            return False
        doc.ents = (span,)
        doc = ctx(doc)
        return bool(doc.ents[0]._.is_negated)

    return run


def imr_rules():
    """Our cue vocabulary ported to ConText rules (the fair comparison: same cues, ConText's scoping)."""
    from medspacy.context import ConTextRule

    neg = "NEGATED_EXISTENCE"
    fwd = [
        "no documentation", "no documentation of", "no evidence of", "no provided", "without documentation of",
        "lack of", "absence of", "did not indicate", "did not document", "did not provide", "did not state",
        "failed to", "not able to", "unable to", "denied", "denies", "has not", "had not", "have not", "never",
        "not", "minimal to temporary", "minimal", "temporary", "limited", "without",
    ]
    back = ["ineffective", "were not described as performed", "was not documented", "were not documented", "is unknown"]
    term = ["as", "due to", "because", "however", "which", "since", "given", ";", "(", ")"]
    pseudo = ["whether or not", "non-certified", "not medically necessary", "not only"]
    rules = [ConTextRule(c, neg, direction="FORWARD") for c in fwd]
    rules += [ConTextRule(c, neg, direction="BACKWARD") for c in back]
    rules += [ConTextRule(c, neg, direction="TERMINATE") for c in term]
    rules += [ConTextRule(c, neg, direction="PSEUDO") for c in pseudo]
    return rules


# --------------------------------------------------------------------------- measurement

def score(system, items) -> dict:
    tp = fp = tn = fn = 0
    misses = []
    located = [(name, target, gold, locate(load_summary_cached(name), target, occ)) for name, target, occ, gold in items]
    t0 = time.perf_counter()
    results = [system(sentence, a, b) for _, _, _, (sentence, a, b) in located]
    dt = time.perf_counter() - t0
    for (name, target, gold, _), got in zip(located, results):
        if got and gold:
            tp += 1
        elif got and not gold:
            fp += 1
            misses.append(f"  false negation: {name} {target!r}")
        elif gold:
            fn += 1
            misses.append(f"  missed negation: {name} {target!r}")
        else:
            tn += 1
    n = tp + fp + tn + fn
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "n": n, "acc": (tp + tn) / n if n else 0.0, "p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "ms_per_target": dt / n * 1000 if n else 0.0, "misses": misses,
    }


_CACHE: dict[str, str] = {}


def load_summary_cached(name: str) -> str:
    if name not in _CACHE:
        _CACHE[name] = load_summary(name)
    return _CACHE[name]


def throughput(system, names: list[str]) -> float:
    """ms per summary to classify every treatment / benefit mention of a summary (what extraction needs)."""
    from checker.letters.facts_terms import family_mentions

    benefit = re.compile(r"\b(?:improv\w*|benefi\w*|help\w*|relief|progress\w*|functional\simprovement)\b", re.I)
    work = []
    for name in names:
        for s in sentences(normalize(load_summary_cached(name))):
            spans = [(m.start, m.end) for m in family_mentions(s.text)]
            spans += [(m.start(), m.end()) for m in benefit.finditer(s.text)]
            work.extend((s.text, a, b) for a, b in spans)
    t0 = time.perf_counter()
    for sentence, a, b in work:
        system(sentence, a, b)
    return (time.perf_counter() - t0) / len(names) * 1000


def main() -> int:
    if not LETTERS.is_dir():
        print(f"letters not found at {LETTERS} (set IMR_SHARED_LETTERS)")
        return 2
    systems = {"ours (facts_negation)": ours}
    try:
        t0 = time.perf_counter()
        systems["ConText, default rules"] = context_system(extra_rules=False)
        systems["ConText, default + our cues"] = context_system(extra_rules=True)
        print(f"medspacy pipeline built in {time.perf_counter() - t0:.2f}s")
    except Exception as exc:  # medspacy not installed here
        print(f"medspacy unavailable ({exc.__class__.__name__}: {exc}); ours only")
    names = sorted({p.relative_to(LETTERS).with_suffix("").as_posix()
                    for d in ("seeds", "dev") for p in (LETTERS / d).glob("*.txt")})
    sets = (
        ("GOLD (treatment benefit / prior treatment)", GOLD),
        ("HELDOUT (clinical findings; used once, then patterns fixed)", HELDOUT),
        ("HELDOUT2 (clinical findings; never used for tuning)", HELDOUT2),
    )
    for label, items in sets:
        negs = sum(1 for *_, g in items if g)
        print(f"\n{label}: {len(items)} targets, {negs} negated")
        print(f"{'system':32s} {'acc':>6s} {'prec':>6s} {'rec':>6s} {'F1':>6s} {'ms/target':>10s}")
        for sname, system in systems.items():
            r = score(system, items)
            print(f"{sname:32s} {r['acc']:6.3f} {r['p']:6.3f} {r['r']:6.3f} {r['f1']:6.3f} {r['ms_per_target']:10.3f}")
            for m in r["misses"]:
                print(m)
    print(f"\nthroughput over {len(names)} summaries (every treatment / benefit mention):")
    for sname, system in systems.items():
        print(f"{sname:32s} {throughput(system, names):8.3f} ms/summary")
    return 0


if __name__ == "__main__":
    sys.exit(main())
