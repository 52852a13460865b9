"""The one word scan of a case-summary sentence (cues.WORDS) answers Sent.has as a substring test would."""
from __future__ import annotations

import importlib
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


def test_the_scan_of_the_vocabularies_words_finds_each_word_held_in_text_made_of_them():
    """The real word list (every matcher's required words and the extractors' stems): texts made of its
    words run together, cut anywhere and overlapped (a word starting inside another and running on past
    its end), with the vocabulary's letters and signs between them."""
    importlib.import_module("checker.letters.facts")  # every extractor's matchers and stems registered

    words = sorted(WORDS.words)
    rng = random.Random(5)
    signs = "".join(sorted({ch for w in words for ch in w})) + " "
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 6)):
            w = rng.choice(words)
            kind = rng.random()
            if kind < 0.3:
                w = w[rng.randint(0, len(w) - 1):]  # a word's end, to run into the next word
            elif kind < 0.5:
                w = w[:rng.randint(1, len(w))]
            elif kind < 0.6:
                w = "".join(rng.choice(signs) for _ in range(rng.randint(1, 5)))
            parts.append(w)
        text = "".join(parts)
        assert WORDS.find(text) == {w for w in words if w in text}, text
