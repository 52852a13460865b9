"""The diagnosis index reads ICD-10-CM titles however they are written (generated cases).

Every code under every condition category's prefixes is written as its title, reordered,
without "of/and/the", abbreviated, with or without side and encounter words, in upper or
lower case, as its code; each phrase must classify into the category through the ICD-10-CM
titles alone (no synonym). Titles of codes outside every category must classify into none.
bench/bench_diagnosis.py reports the same reading over all variants of every code, with timings.
"""
from __future__ import annotations

import random
import re

import pytest

from checker.diagnosis.classify import ConditionClassifier
from checker.diagnosis.index import default_index
from checker.diagnosis.phrases import diagnosis_phrases, split_list
from checker.diagnosis.regions import default_regions
from checker.kb.load import default_kb
from checker.vocab import Region
from tests.diagnosis_gen import VARIANTS, base_codes, category_codes, variant

KB = default_kb()


@pytest.fixture(scope="module")
def titles_only() -> ConditionClassifier:
    """The KB's categories without their synonyms: what the ICD-10-CM titles alone decide."""
    specs = KB.diagnoses.specs
    return ConditionClassifier([type(s)(s.id, s.prefixes, None) for s in specs])


@pytest.fixture(scope="module")
def codes() -> dict[str, str]:
    return base_codes()


def test_every_category_prefix_is_an_icd10cm_code(codes):
    for m in KB.conditions:
        for p in m.category.icd10:
            assert p in codes, f"{m.category.id}: {p} is not an ICD-10-CM code"


def same_words_as_another_title(code: str, title: str) -> bool:
    """The title says exactly what another code's title says (M54.89 and M54.8 "Other dorsalgia"):
    the index keeps the more general code for that wording, and the phrase is ambiguous."""
    best = default_index().search(title, limit=1).best
    return bool(best and best.code != code
                and best.coverage >= 0.999 and best.extra == 0 and not KB.diagnoses.of_code(best.code)
                == KB.diagnoses.of_code(code))


def test_every_code_of_every_category_reads_back_from_its_title_in_any_wording(codes, titles_only):
    """Each code's title, then one more wording per code (round robin over VARIANTS)."""
    rng = random.Random(8)
    failures, n, ambiguous = [], 0, 0
    for cat, members in category_codes(KB, codes).items():
        for i, code in enumerate(members):
            if same_words_as_another_title(code, codes[code]):
                ambiguous += 1
                continue
            for kind in ("title", VARIANTS[i % len(VARIANTS)]):
                phrase = variant(kind, code, codes[code], rng)
                n += 1
                if cat not in titles_only.classify(phrase):
                    failures.append((cat, code, kind, phrase, titles_only.explain(phrase).best[:2]))
    assert n > 5000 and ambiguous < 20
    assert not failures, f"{len(failures)} of {n} phrases misread, e.g. {failures[:8]}"


def test_codes_written_in_any_form_classify_by_prefix(codes):
    for cat, members in category_codes(KB, codes).items():
        for code in members[::7]:
            for written in (code, code.replace(".", ""), f"{code.lower()} {codes[code]}", f"Dx {code}"):
                assert cat in KB.classify_conditions(written), (cat, written)
            assert cat in KB.classify_conditions(None, code)


def test_titles_outside_every_category_get_no_category(codes):
    """Musculoskeletal, nervous-system, injury and symptom codes in no category, all of them;
    a seeded sample of the other chapters. A title with the very words of a category code's
    title (the index keeps one code per wording) is the same diagnosis, and is skipped."""
    in_some = {c for members in category_codes(KB, codes).values() for c in members}
    outside = [c for c in codes if c not in in_some]
    near = [c for c in outside if c[0] in "MGSR"]
    rest = random.Random(3).sample([c for c in outside if c[0] not in "MGSR"], 1500)
    wrong = []
    for code in near + rest:
        title = codes[code]
        if same_words_as_another_title(code, title):
            continue
        got = KB.classify_conditions(title)
        if got:
            wrong.append((code, title, got))
    assert len(near) > 5000
    assert not wrong, f"{len(wrong)} titles got a category they are not in, e.g. {wrong[:8]}"


@pytest.mark.parametrize("title_class, category, prefix", [
    (r"^(?:(?:Other|Unspecified)\s+)?(?:sprain|strain)\b", "sprain_strain", "S"),
    (r"^Contusion of", "contusion", ("S00", "S10", "S20", "S30", "S40", "S50", "S60", "S70", "S80", "S90")),
    (r"^(?:Low back pain|Cervicalgia|Pain in thoracic spine|Dorsalgia, unspecified)", "spinal_pain", "M54"),
    (r"^Radiculopathy", "radiculitis", "M54.1"),
    (r"^Spinal stenosis|stenosis of (?:neural canal|intervertebral foramina)", "spinal_stenosis", "M"),
    (r"^Pain in (?:right |left |unspecified )?(?:shoulder|elbow|wrist|hand|hip|knee|ankle)", "joint_pain", "M"),
    (r"^(?:Other )?(?:cervical |intervertebral )?disc displacement", "disc_disorder", "M5"),
    (r"^Carpal tunnel syndrome", "carpal_tunnel", "G"),
])
def test_title_classes_are_complete(codes, title_class, category, prefix):
    """Every code whose title is of the class (or whose ancestor's is) is in the category."""
    pattern = re.compile(title_class, re.I)
    heads = [c for c, t in codes.items() if c.startswith(prefix) and pattern.search(t)]
    assert heads
    missing = [(c, codes[c]) for c in heads if category not in KB.diagnoses.of_code(c)]
    assert not missing, missing[:10]


def test_region_of_code():
    table = default_regions()
    title = default_index().title
    for code, region in [("S16.1XXA", Region.cervical), ("S13.4", Region.cervical), ("S39.012", Region.lumbar),
                         ("S33.5XXD", Region.lumbar), ("M75.41", Region.shoulder), ("M51.26", Region.lumbar),
                         ("M50.20", Region.cervical), ("M54.16", Region.lumbar), ("M47.812", Region.cervical),
                         ("M25.561", Region.knee), ("S83.241A", Region.knee), ("S93.401A", Region.ankle_foot),
                         ("G56.01", Region.wrist_hand), ("M54.5", Region.lumbar)]:
        assert table.region(code, title) == region, code
    assert table.region("S39.011A", title) is None  # abdomen
    assert table.region("M62.830", title) is None  # back, no site character


def test_text_regions_come_only_from_titles_that_name_no_other_place():
    assert KB.diagnosis_regions("lumbago") == [Region.lumbar]
    assert KB.diagnosis_regions("whiplash") == [Region.cervical]
    assert KB.diagnosis_regions("sciatica") == [Region.lumbar]
    assert KB.diagnosis_regions("degenerative disc disease") == []  # cervical and lumbar titles tie
    assert KB.diagnosis_regions(None, "S46.011A") == [Region.shoulder]


def test_words_only_places_are_not_a_diagnosis():
    for phrase in ("right knee", "cervical spine", "left shoulder and upper arm", "lumbar region", "bilateral"):
        assert KB.classify_conditions(phrase) == [], phrase


def test_a_title_covering_the_phrase_decides_over_synonyms():
    # "contusion" is a synonym of the contusion category, but the title says an organ
    assert KB.classify_conditions("Contusion of spleen") == []
    assert KB.classify_conditions("Mitral stenosis") == []
    # a phrase no title covers still gets the synonyms' categories
    assert "sprain_strain" in KB.classify_conditions("myoligamentous strain of the neck")


# ------------------------------------------------------------------ diagnosis lists

CUES = ["The injured worker was diagnosed with {}.", "Diagnoses include {}.", "The diagnoses are {}.",
        "Her diagnosis was {}.", "Assessment: {}.", "IMPRESSION: {}.", "He is undergoing treatment for {}.",
        "The patient has been treated for {}.", "Working diagnoses: {}.", "Dx: {}.",
        "The current diagnoses are documented as {}.", "The diagnoses have included {}.",
        "She was being treated for {} and was seen on 1/2/2016."]
SEPARATORS = [", ", "; ", " and ", ", and "]


def test_generated_diagnosis_lists_split_into_their_titles(codes):
    """Lists of 1-3 category titles (some holding commas and "and"), joined and introduced
    every way, split back into exactly those titles."""
    rng = random.Random(11)
    members = {cat: cs for cat, cs in category_codes(KB, codes).items() if len(cs) >= 3}
    pool = sorted({c for cs in members.values() for c in cs})
    failures, n = [], 0
    for k in range(1500):
        # every third list from one category: titles that share their head word ("Strain of ...")
        source = members[rng.choice(sorted(members))] if k % 3 == 0 else pool
        chosen = rng.sample(source, rng.choice((1, 2, 3)))
        titles = [codes[c] for c in chosen]
        if len({t.lower() for t in titles}) < len(titles):
            continue
        sep = rng.choice(SEPARATORS)
        text = sep.join(titles)
        sentence = CUES[k % len(CUES)].format(text)
        got = [d.text for d in diagnosis_phrases([sentence])]
        n += 1
        if [g.lower() for g in got] != [" ".join(t.replace("[", " ").replace("]", " ").split()).lower() for t in titles]:
            failures.append((sentence, got))
    assert n > 1400
    # A list of titles that together are another title's words cannot be told apart from it.
    assert len(failures) <= n * 0.01, f"{len(failures)} of {n} lists misread, e.g. {failures[:6]}"


@pytest.mark.parametrize("text, phrases", [
    ("lumbar, hip, and neck strain", ["lumbar strain", "hip strain", "neck strain"]),
    ("cervical strain, right and left shoulder sprain, and lumbar radiculopathy",
     ["cervical strain", "right and left shoulder sprain", "lumbar radiculopathy"]),
    ("Strain of muscle, fascia and tendon at neck level, initial encounter and low back pain",
     ["Strain of muscle, fascia and tendon at neck level, initial encounter", "low back pain"]),
    ("lumbago and sciatica", ["lumbago", "sciatica"]),
    ("LBP, R shoulder impingement, bilat CTS", ["LBP", "R shoulder impingement", "bilat CTS"]),
    ("strain of the left hip, strain of the muscle, fascia and tendon of the low back",
     ["strain of the left hip", "strain of the muscle, fascia and tendon of the low back"]),
    ("Sprain of ligaments of cervical spine; strain of muscle", ["Sprain of ligaments of cervical spine",
                                                                 "strain of muscle"]),
    ("Other and unspecified polyneuropathies, Complex regional pain syndrome I of lower limb, bilateral",
     ["Other and unspecified polyneuropathies", "Complex regional pain syndrome I of lower limb, bilateral"]),
])
def test_list_splitting(text, phrases):
    assert split_list(text) == phrases


@pytest.mark.parametrize("sentence", [
    "He has not been diagnosed with any fracture.",
    "There is no diagnosis of radiculopathy.",
    "Ongoing assessments of function are required.",
    "Diagnostic studies have included an MRI.",
])
def test_no_list_where_none_is_introduced(sentence):
    assert diagnosis_phrases([sentence]) == []



def test_case_summary_reader_finds_title_diagnoses_under_every_cue(codes):
    """End to end: extract_facts reads a summary whose diagnosis list is written with any cue,
    and each diagnosis it finds classifies into the category of the code it was written from."""
    from checker.letters.facts import extract_facts

    rng = random.Random(5)
    members = category_codes(KB, codes)
    for k, cue in enumerate(CUES):
        for cat in sorted(members)[k::len(CUES)] + sorted(members)[:2]:
            code = rng.choice(members[cat])
            title = variant(rng.choice(("title", "lower", "side_removed", "encounter")), code, codes[code], rng)
            facts = extract_facts("The injured worker is a 50 year old male. " + cue.format(title) + " He works.")
            assert len(facts.diagnoses) == 1, (cue, title, facts.diagnoses)
            assert cat in KB.classify_conditions(facts.diagnoses[0]), (cue, title, facts.diagnoses)


def test_a_cache_file_of_another_shape_is_rebuilt(tmp_path, monkeypatch):
    from checker.diagnosis import index as index_mod

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = index_mod._cache_file()
    path.parent.mkdir(parents=True)
    path.write_text('{"tokens": 1, "codes": [], "titles": [], "docs": [], "postings": [], "encounter": [], "kind": []}')
    index_mod.default_index.cache_clear()
    try:
        assert index_mod.default_index().search("low back pain").best.code == "M54.5"
    finally:
        index_mod.default_index.cache_clear()


@pytest.mark.parametrize("phrase", ["low back pain", "lumbar radiculopathy", "sprain of ligaments of lumbar spine",
                                    "cervical disc displacement", "carpal tunnel syndrome, right", "knee pain",
                                    "myalgia", "anxiety", "insomnia"])  # the last three: one code, several titles
def test_a_remembered_ranking_answers_every_limit_as_a_fresh_search(phrase):
    """The index keeps a phrase's ranking; a search with a smaller limit after a larger one (the
    letter reader asks for 1 title, the classifier for 12) must give what a fresh search gives."""
    index = default_index()
    fresh = {}
    for limit in (1, 2, 5, 12):
        index._ranked.clear()
        fresh[limit] = index.search(phrase, limit=limit)
    for first in (12, 1):  # whichever limit came first
        index._ranked.clear()
        index.search(phrase, limit=first)
        for limit in (1, 2, 5, 12):
            assert index.search(phrase, limit=limit) == fresh[limit]


def test_the_first_scores_alone_are_those_of_the_full_ranking():
    """The list splitter asks for the best title only, the classifier for the first 36 scores, which the
    index finds without scoring every title: they must be the first of the full ranking, for titles,
    parts of titles and mixed words."""
    index = default_index()
    rng = random.Random(7)
    titles = rng.sample(index.titles, 600)
    words = [w for t in rng.sample(index.titles, 600) for w in t.split()]
    checked = 0
    for title in titles:
        ws = title.split()
        for phrase in (title, " ".join(ws[: max(1, len(ws) // 2)]), " ".join(rng.sample(words, rng.randint(1, 5))),
                       title + ", initial encounter"):
            parsed = index.reader.parse(phrase)
            for injury in (False, True):
                full = index._scored(parsed.concepts, injury)
                for keep in (1, 6, 36):
                    assert index._scored(parsed.concepts, injury, head=keep) == full[:keep], (phrase, keep)
                checked += bool(full)
    assert checked > 2000


def test_a_concepts_documents_are_the_titles_holding_all_words_of_one_alternative(codes):
    """The index reads a concept's documents from per-word sets made once: for phrases written from
    ICD-10-CM titles in every wording, they must be the documents whose words hold every word of one
    of the concept's alternatives (read here from the plain postings), with the ids of those words."""
    from checker.diagnosis.words import ABBREVIATIONS_FILE, Abbreviations, Reader
    from checker.kb.data import vocabulary

    index = default_index()
    rng = random.Random(5)
    checked = 0
    for code, title in rng.sample(sorted(codes.items()), 300):
        phrase = variant(rng.choice(("title",) + VARIANTS), code, title, rng)
        for concept in index.reader.parse(phrase).concepts:
            want: set[int] = set()
            ids_known = []
            for alt in concept.alternatives:
                ids = [index.token_id.get(w) for w in alt]
                if None in ids:
                    continue
                ids_known.append(tuple(ids))
                found = set(index.postings[ids[0]])
                for t in ids[1:]:
                    found &= set(index.postings[t])
                want |= found
            index._matching.cache_clear()
            docs, _, alt_ids = index._matching(concept.alternatives)
            assert docs == want and alt_ids == tuple(ids_known), (phrase, concept)
            checked += 1
    # a phrase read by a reader that has read nothing yet has the same concepts (the kept concepts)
    fresh = Reader(index.reader.words, vocabulary(ABBREVIATIONS_FILE, Abbreviations))
    for code, title in rng.sample(sorted(codes.items()), 200):
        assert fresh.parse(title) == index.reader.parse(title)
    assert checked > 300



def test_covers_is_the_covered_of_a_search():
    """The list splitter asks whether a title covers a phrase without ranking titles when the concepts'
    documents tell (DiagnosisIndex.covers): it must be what a search says, for titles, their parts,
    titles with a segment of another, mixed words, and phrases with a code, a side or an encounter."""
    index = default_index()
    rng = random.Random(13)
    titles = rng.sample(index.titles, 800)
    words = [w for t in rng.sample(index.titles, 800) for w in t.split()]
    counts = {True: 0, False: 0}
    for title in titles:
        ws = title.split()
        other = rng.choice(titles).split(", ")
        for phrase in (title, " ".join(ws[: max(1, len(ws) // 2)]), " ".join(rng.sample(words, rng.randint(1, 6))),
                       title + ", " + rng.choice(other), "left " + title + ", initial encounter",
                       "M54.5 " + " ".join(ws[-2:]), rng.choice(other) + " and " + " ".join(ws[:2])):
            index._ranked.clear()
            expected = index.search(phrase, limit=1).covered
            index._ranked.clear()
            assert index.covers(index.parse(phrase)) == expected, phrase
            counts[expected] += 1
    assert counts[True] > 800 and counts[False] > 1500, counts
