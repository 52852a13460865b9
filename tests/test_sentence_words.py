"""The one word scan of a case-summary sentence (cues.WORDS) answers Sent.has as a substring test would."""
from __future__ import annotations

import random

from checker.letters.facts.cues import WORDS, WordFinder
from checker.letters.facts.sentences import Sent
from checker.letters.facts.stems import Stems
from checker.letters.facts.text import sentences as split_sentences

ALPHABET = "abcdeilnoprst /-"


def _texts(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60))) for _ in range(n)]


def test_a_word_finder_finds_every_word_the_text_holds_overlapping_ones_too():
    rng = random.Random(11)
    for _ in range(200):
        words = {"".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 12))}
        finder = WordFinder()
        finder.add(words)
        for text in _texts(rng, 30):
            assert finder.find(text) == {w for w in words if w in text}, (words, text)


def test_has_is_a_substring_test_of_the_lower_cased_sentence():
    """Stems registered before or after the sentence's words were found, stems that are prefixes of
    one another or of the vocabularies' words; upper-case and empty stems (which cannot be registered)
    searched one by one."""
    rng = random.Random(7)
    tuples = [tuple("".join(rng.choice("abeinoprst") for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 8)))
              for _ in range(40)]
    tuples += [("pain", "pai", "ain"), ("sensation", "sens"), ("Pain",), ("", "x"), ("c/o", "chief")]
    texts = ["Pain in the low back, c/o Sensation decreased; SENSATION intact", "Chief complaint: neck pain."]
    texts += ["".join(rng.choice("abeinoprst .,") for _ in range(rng.randint(0, 80))) for _ in range(200)]
    for text in texts:
        for s in split_sentences(text) or []:
            st = Sent(s)
            st.words  # noqa: B018 - found before some of the tuples are first asked
            for words in rng.sample(tuples, len(tuples)):
                if all(w and w == w.lower() for w in words):
                    # registered with the word scan now, after this sentence's words were found (as
                    # stems.stems does, without listing these random stems among the extractors')
                    WORDS.add(words)
                    words = Stems(words)
                assert st.has(words) == any(w in s.text.lower() for w in words), (s.text, words)


def test_has_of_a_tuple_made_per_call():
    st = Sent(split_sentences("The patient reports neck pain.")[0])
    for word in ("neck", "knee", "repo", "xyz") * 3:
        assert st.has(tuple([word])) == (word in st.low)
