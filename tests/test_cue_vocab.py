"""Cue vocabularies of the case-summary reader (rules/vocab/negation_cues.yaml, benefit_phrases.yaml).

Every cue is checked by what it is for: a negation phrase opens a negation of its scope, a
pseudo-negation does not, a terminator ends a scope, a history phrase marks a history sentence
(its pseudo form does not), a hypothetical phrase marks what follows as a possibility. The
sentences are generated from the vocabulary itself. A malformed file is one error line naming
the file, the entry and the field.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

from checker.errors import InputError
from checker.kb.data import load_vocabulary, vocabulary, vocabulary_path
from checker.letters.facts import negation, prior_treatment, sentences
from checker.letters.facts.cues import CueFile
from checker.regex_gate import first_chars
from checker.letters.facts.text import normalize, sentences as split_sentences
from checker.letters.parse import load_letter

CONTEXT = vocabulary("negation_cues", CueFile)
BENEFIT = vocabulary("benefit_phrases", CueFile)
REPO_VOCAB = Path(__file__).resolve().parent.parent / "rules" / "vocab"


def phrases(vocab: CueFile, category: str, direction: str | None = None) -> list:
    return [c for c in vocab.select(category, direction) if c.phrase]


# ------------------------------------------------------------------ the files

@pytest.mark.parametrize("name", ["negation_cues", "benefit_phrases"])
def test_every_cue_names_a_listed_source_and_project_cues_say_why(name):
    vocab = vocabulary(name, CueFile)
    for cue in vocab.cues:
        assert cue.source in vocab.sources
        if cue.source == "project":
            assert cue.note and len(cue.note) > 10
    # the published lists are cited with where to read them
    for key, source in vocab.sources.items():
        assert key == "project" or (source.url or "").startswith(("https://", "http://"))


def test_the_bundled_files_are_the_repository_files():
    assert vocabulary_path("negation_cues").read_text() == (REPO_VOCAB / "negation_cues.yaml").read_text()


# ------------------------------------------------------------------ negation cues, generated sentences

@pytest.mark.parametrize("cue", [c for c in phrases(CONTEXT, "negated_existence") if c.direction in ("forward", "backward")],
                         ids=lambda c: c.phrase)
def test_each_negation_phrase_is_a_cue_of_its_scope(cue):
    sentence = f"The patient {cue.phrase} physical therapy since then."
    found = [c for c in negation.cues(sentence) if c.text.lower() == cue.phrase.lower()]
    assert found and found[0].kind == cue.scope, negation.cues(sentence)


@pytest.mark.parametrize("cue", [c for c in phrases(CONTEXT, "negated_existence", "forward")], ids=lambda c: c.phrase)
def test_a_forward_negation_phrase_negates_what_follows_and_not_what_precedes(cue):
    sentence = f"Massage was done and {cue.phrase} acupuncture was noted."
    k = sentence.index("acupuncture")
    assert negation.is_negated(sentence, k, k + len("acupuncture"))
    assert not negation.is_negated(sentence, 0, len("Massage"))


@pytest.mark.parametrize("cue", phrases(CONTEXT, "negated_existence", "pseudo"), ids=lambda c: c.phrase)
def test_a_pseudo_negation_is_no_cue(cue):
    sentence = f"She stated {cue.phrase} acupuncture helped."
    k = sentence.index("acupuncture")
    assert not negation.is_negated(sentence, k, k + len("acupuncture"))


@pytest.mark.parametrize("cue", phrases(CONTEXT, "negated_existence", "terminate"), ids=lambda c: c.phrase)
def test_a_terminator_ends_the_scope_of_a_negation(cue):
    sentence = f"There was no documentation of pain scores {cue.phrase} acupuncture was done."
    k = sentence.index("acupuncture")
    assert negation.is_negated(sentence, sentence.index("pain"), sentence.index("pain") + 4)
    assert not negation.is_negated(sentence, k, k + len("acupuncture"))


@pytest.mark.parametrize("cue", phrases(CONTEXT, "historical", "forward"), ids=lambda c: c.phrase)
def test_a_history_phrase_marks_a_history_sentence(cue):
    assert sentences.Sent(split_sentences(f"The patient {cue.phrase} physical therapy.")[0]).hist


@pytest.mark.parametrize("cue", phrases(CONTEXT, "historical", "pseudo"), ids=lambda c: c.phrase)
def test_a_pseudo_history_phrase_does_not(cue):
    assert not sentences.Sent(split_sentences(f"The patient {cue.phrase} physical therapy.")[0]).hist


@pytest.mark.parametrize("cue", phrases(CONTEXT, "hypothetical"), ids=lambda c: c.phrase)
@pytest.mark.parametrize("gap", ["", "the patient ", "physical therapy would "])
def test_a_hypothetical_phrase_marks_what_follows_within_its_window(cue, gap):
    assert negation.HYPOTHETICAL.search(f"The plan is {cue.phrase} {gap}")
    far = "one two three four five six "
    assert not negation.HYPOTHETICAL.search(f"{cue.phrase} {far}")


def test_an_infinitive_is_a_purpose_unless_failed_unable_or_able_to():
    assert negation.HYPOTHETICAL.search("therapy is requested to ")
    for verb in ("failed", "unable", "able"):
        assert not negation.HYPOTHETICAL.search(f"he was {verb} to ")


# ------------------------------------------------------------------ benefit phrases

@pytest.mark.parametrize("cue", phrases(BENEFIT, "limited_benefit"), ids=lambda c: c.phrase)
def test_a_limited_benefit_phrase_is_a_weak_no(cue):
    f = _facts(f"She has had 6 sessions of physical therapy which was {cue.phrase}.")
    assert f.prior["physical_therapy"].functional_improvement.value == "no"


@pytest.mark.parametrize("cue", phrases(BENEFIT, "subjective_gain"), ids=lambda c: c.phrase)
def test_a_reported_benefit_is_not_objective(cue):
    f = _facts(f"She has had 6 sessions of physical therapy and reported it {cue.phrase}.")
    assert f.prior["physical_therapy"].functional_improvement.value == "not_stated"


def _facts(text):
    from checker.letters.facts import extract_facts

    return extract_facts(text)


def _corpus() -> list[str]:
    """Real case-summary sentences (when the letters are at hand) and salads of every cue's words."""
    out = []
    letters = Path(__file__).resolve().parent.parent.parent / "shared" / "letters"
    for path in sorted(letters.glob("*/*.txt")):
        out += [s.text for s in split_sentences(normalize(load_letter(path).summary))]
    words = []
    for vocab in (CONTEXT, BENEFIT):
        for cue in vocab.cues:
            words += (cue.phrase or re.sub(r"\\[sbw]|[^A-Za-z ]", " ", cue.pattern or "")).split()
        for items in vocab.lists.values():
            words += [re.sub(r"\\[sbw]|[^A-Za-z ]", " ", w).strip() for w in items]
    words = [w for w in words if w] + [",", ";", "(", ")", "-", "the", "of", "with", "in"]
    rng = random.Random(11)
    out += [" ".join(rng.choice(words) for _ in range(rng.randint(2, 30))) for _ in range(4000)]
    return out


CORPUS = _corpus()


def test_every_benefit_match_holds_a_keyword():
    """The keyword test before the patterns loses nothing: a sentence without a keyword has no match."""
    keywords = tuple(BENEFIT.keywords)
    patterns = [BENEFIT.compile(BENEFIT.select(c)) for c in BENEFIT.categories]
    matched = 0
    for text in CORPUS:
        if any(p.search(text) for p in patterns):
            matched += 1
            assert any(k in text.lower() for k in keywords), text
    assert matched > 100


@pytest.mark.parametrize("group", [
    ("negation_cues", "negated_existence", None), ("negation_cues", "historical", "forward"),
    ("negation_cues", "historical", "pseudo"), ("benefit_phrases", "objective_gain", None),
    ("benefit_phrases", "subjective_gain", None), ("benefit_phrases", "limited_benefit", None),
])
def test_the_first_letter_lookahead_finds_the_same_matches(group):
    name, category, direction = group
    vocab = vocabulary(name, CueFile)
    alternation = vocab.alternatives(vocab.select(category, direction))
    plain = re.compile(alternation, re.I)
    fast = vocab.compile(vocab.select(category, direction))
    assert fast.pattern != plain.pattern or first_chars(alternation) is None
    for text in CORPUS:
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], text


@pytest.mark.parametrize("pattern, first", [
    (r"\bno\b|\bnever\b", set("n")), (r"(?:a|b)?c", set("abc")), (r"\s-\s", None), (r"x*", None),
    (r"\b(?:There\s)?no", set("tn")), (r"(?<!able\s)\bto", set("t")), (r"[;:()]", set(";:()")),
])
def test_first_characters_of_a_pattern(pattern, first):
    got = first_chars(pattern)
    assert (got is None if first is None else got == frozenset(first))


def test_the_compiled_regexes_are_the_vocabulary():
    assert prior_treatment._BENEFIT_STEMS == frozenset(BENEFIT.keywords)
    assert negation._MAX_WORDS == {"evidential": 22, "determiner": 6, "verbal": 7, "post": 8}


# ------------------------------------------------------------------ a malformed file: one line, file, entry, field

def _broken(tmp_path: Path, mutate) -> InputError:
    data = yaml.safe_load((REPO_VOCAB / "negation_cues.yaml").read_text())
    mutate(data)
    (tmp_path / "vocab").mkdir()
    path = tmp_path / "vocab" / "negation_cues.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(InputError) as info:
        load_vocabulary("negation_cues", CueFile, tmp_path)
    return info.value


def _set(index: int, **fields):
    def mutate(data):
        data["cues"][index].update(fields)
        for k, v in fields.items():
            if v is None:
                del data["cues"][index][k]
    return mutate


@pytest.mark.parametrize("mutate, where, says", [
    (_set(3, direction="sideways"), "cues[3].direction", "'forward', 'backward', 'terminate' or 'pseudo'"),
    (_set(10, source="chapman"), "cues[10].source", "not one of the file's sources"),
    (_set(10, pattern="(?:no"), "cues[10].pattern", "not a regular expression"),
    (_set(10, pattern=r"\b(no)\b"), "cues[10].pattern", "may not capture"),
    (_set(20, pattern=r"\bno\b"), "cues[20]", "exactly one of them"),
    (_set(0, note=None), "cues[0].note", "says why in a note"),
    (_set(10, pattern=r"\bno\s{record_nouns}"), "cues[10].pattern", "{record_nouns}"),
    (_set(20, scope="sentence"), "cues[20].scope", "one of evidential, determiner, verbal, post"),
    (_set(5, category="negation"), "cues[5].category", "not one of the file's categories"),
    (_set(7, colour="red"), "cues[7].colour", "unknown field"),
    (_set(7, phrase=None), "cues[7]", "exactly one of them"),
    (lambda d: d["cues"][2].__setitem__("window", 99), "cues[2].window", "at most 10"),
])
def test_a_malformed_cue_file_is_one_line_naming_file_entry_and_field(tmp_path, mutate, where, says):
    error = _broken(tmp_path, mutate)
    line = str(error)
    assert "\n" not in line
    assert line.startswith(f"{tmp_path / 'vocab' / 'negation_cues.yaml'}: {where}")
    assert says in line, line


def test_malformed_yaml_names_the_line(tmp_path):
    (tmp_path / "vocab").mkdir()
    (tmp_path / "vocab" / "negation_cues.yaml").write_text("cues:\n  - {category: [oops\n")
    with pytest.raises(InputError) as info:
        load_vocabulary("negation_cues", CueFile, tmp_path)
    assert "line" in str(info.value) and "\n" not in str(info.value)


# ------------------------------------------------------------------ the term matchers: keyword tests lose nothing

CLINICAL = ("clinical_findings", "clinical_red_flags", "clinical_care", "clinical_studies", "clinical_injections",
            "clinical_plans", "clinical_comorbidities")


def _clinical_corpus(v) -> list[str]:
    words = [w for t in v.terms for w in re.sub(r"\\[sbwd]|[^A-Za-z0-9+/ ]", " ", t.pattern or t.phrase or "").split()]
    for items in v.lists.values():
        words += [re.sub(r"\\[sbw]|[^A-Za-z ]", " ", w).strip() for w in items]
    rng = random.Random(5)
    words = [w for w in words if w] + CORPUS[:200][0].split()
    return CORPUS[:2000] + [" ".join(rng.choice(words) for _ in range(rng.randint(2, 30))) for _ in range(3000)]


@pytest.mark.parametrize("name", CLINICAL)
def test_a_term_matcher_finds_what_one_alternation_of_its_terms_finds(name):
    """Each sentence is searched only for the terms whose required words it holds; the matches are
    those of one alternation of all the terms, in file order (leftmost, then first listed)."""
    from checker.letters.facts.cues import TermFile
    from checker.regex_gate import gated

    v = vocabulary(name, TermFile)
    lists = {n: v.list_regex(n) for n in v.lists}
    whole = gated("|".join(f"(?P<t{i}>{t.regex(lists)})" for i, t in enumerate(v.terms)))
    matcher = v.matcher()
    checked = 0
    for text in _clinical_corpus(v):
        expected = [(m.span(), v.terms[int(m.lastgroup[1:])]) for m in whole.finditer(text)]
        expected = [(s, t) for s, t in expected if not t.requires or re.search(t.requires, text, re.I)]
        assert [(m.span(), t) for m, t in matcher.finditer(text)] == expected, text
        checked += bool(expected)
    assert checked > 100


@pytest.mark.parametrize("name", CLINICAL)
def test_every_match_of_a_term_holds_one_of_its_required_words(name):
    from checker.letters.facts.cues import TermFile
    from checker.regex_gate import required_literals

    v = vocabulary(name, TermFile)
    lists = {n: v.list_regex(n) for n in v.lists}
    for term in v.terms:
        source = term.regex(lists)
        words = required_literals(source)
        if words is None:
            continue
        pattern = re.compile(source, re.I)
        for text in _clinical_corpus(v)[:3000]:
            for m in pattern.finditer(text):
                assert any(w in m.group(0).lower() for w in words), (source, m.group(0), words)


@pytest.mark.parametrize("pattern, words", [
    (r"\bsensation\s(?:was\s)?intact", {"sensation"}), (r"\bfractur(?:e|es|ed)\b|\bfx\b", {"fracture", "fx"}),
    (r"\b(?:decreased|diminished)\s\w+\ssensation", {"sensation"}), (r"\b\d+/5\b", {"/5"}),
    (r"\bno\b|\bnever", {"no", "never"}), (r"(?:a|b)c", None),
])
def test_the_required_words_of_a_pattern(pattern, words):
    from checker.regex_gate import required_literals

    assert required_literals(pattern) == (frozenset(words) if words else None)
