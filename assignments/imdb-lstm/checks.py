"""Hidden checks for the `imdb-lstm` assignment (the course's activity 10).

    test_decode          decode_review(sequence, word_index) by value (the notebook's
                         examples, a review of the grader's own data) and on any word index
                         and any indices (Hypothesis) against reference/imdb.py: index i is
                         the word of rank i - 3; 0, 1, 2 and unknown indices are "?"
    test_vocabulary      cut_vocabulary(sequences, num_words) by value and on any reviews and
                         any num_words (Hypothesis): every index of num_words or more -> 2,
                         the rest kept, every review its length
    test_padding         pad(sequences, maxlen) by value and on any reviews (Hypothesis):
                         keras.utils.pad_sequences's defaults (zeros before, a long review's
                         last maxlen indices)
    test_model           build_model(): Embedding(num_words, 32) -> LSTM(32) -> Dense(1,
                         sigmoid) ([model] of assignment.toml), input, loss, parameters
    test_accuracy        the trained `model` on the grader's held-out reviews, cut and padded
                         by the grader as the exercise says, in the four steps of the thresholds
    test_training_time   the `train` cell within 3 x the reference solution's time on this
                         device, and a model well above chance
"""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder import datasets
from autograder.assignments import here
from autograder.checks import grade, property_settings
from autograder.checks.compare import assert_array_matches
from autograder.checks.hints import call, diagnose, explaining, with_hint
from autograder.checks.trained_models import image_classifier_checks
from reference import imdb

ASSIGNMENT = here(__file__)
DATASET, = ASSIGNMENT.datasets
SETTINGS = ASSIGNMENT.settings
NUM_WORDS, MAXLEN = int(SETTINGS["num_words"]), int(SETTINGS["maxlen"])
PROPERTY = property_settings(max_examples=25)
SHOWN = 60  # characters of a decoded review a message quotes


def encode(reviews) -> np.ndarray:
    """The exercise's preprocessing of the grader's test reviews, run here."""
    return imdb.encode(reviews, NUM_WORDS, MAXLEN)


def _describe(reviews) -> str:
    """Reviews as a student would type them (a few short ones in full)."""
    rows = [list(map(int, r)) for r in reviews]
    if len(rows) <= 4 and sum(map(len, rows)) <= 24:
        return repr(rows)
    lengths = [len(r) for r in rows]
    return f"<{len(rows)} reviews of {min(lengths, default=0)} to {max(lengths, default=0)} indices>"


def _quote(text: str) -> str:
    return repr(text if len(text) <= SHOWN else text[:SHOWN] + "...")


# --------------------------------------------------------------------------- 1. decode_review

def _decode_mistakes(sequence, word_index):
    words = lambda offset: {rank + offset: w for w, rank in word_index.items()}  # noqa: E731
    mistakes = [(f"an offset of {offset}: index i is the word of rank i - 3 (0 pads, 1 starts "
                 "a review, 2 is out of the vocabulary, so the words start at 3)",
                 lambda offset=offset: " ".join(words(offset).get(i, "?") for i in sequence))
                for offset in (0, 1, 2, 4)]
    right = words(imdb.INDEX_FROM)
    return mistakes + [
        ("the reserved indices (0, 1, 2) and the unknown ones were left out: write \"?\" for each",
         lambda: " ".join(right[i] for i in sequence if i in right)),
        ("the words are not separated by single spaces: \" \".join(words)",
         lambda: "".join(right.get(i, "?") for i in sequence)),
        ("an index with no word raised or was left out: write \"?\" for it (dict.get(i, \"?\"))",
         lambda: " ".join(right.get(i, "?") for i in sequence if i in right or i < 3)),
    ]


def _check_decode(student, sequence, word_index: dict, label: str = "") -> None:
    sequence = [int(i) for i in sequence]
    fn = student.function("decode_review")
    shown = repr(sequence) if len(sequence) <= 24 else f"<{len(sequence)} indices>"
    index = (repr(word_index) if len(word_index) <= 6 else f"<word index of {len(word_index):,} words>")
    what = f"decode_review({shown}, {index}){label}"
    actual = call(what, fn, sequence, word_index)
    assert isinstance(actual, str), (
        f"{what}: expected a string, the words separated by spaces, got {type(actual).__name__}"
        + (" (join the words: \" \".join(words))" if isinstance(actual, (list, tuple)) else ""))
    expected = imdb.decode_review(sequence, word_index)
    if actual == expected:
        return
    got, want = actual.split(" "), expected.split(" ")
    first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    failure = AssertionError(
        f"{what}: expected {_quote(expected)}, got {_quote(actual)} (first difference at word "
        f"{first + 1}: expected {want[first] if first < len(want) else 'the end'!r}, got "
        f"{got[first] if first < len(got) else 'the end'!r})")
    hint = (diagnose(actual, _decode_mistakes(sequence, word_index), same=lambda a, b: a == b)
            if explaining() else None)
    raise with_hint(failure, hint) from None


NOTEBOOK_WORDS = {"the": 1, "movie": 2, "was": 3, "good": 4}


def _grader_review() -> tuple[list[int], dict]:
    """A test review of the grader's data and the words of its index it needs (a real word index
    has 88,584 words: only those ranked up to 600 and the review's own cross the bridge)."""
    data = datasets.evaluation(DATASET)
    review = list(map(int, data.x_test[0]))[:80]
    ranks = {i - imdb.INDEX_FROM for i in review}
    return review, {w: r for w, r in data.word_index.items() if r <= 600 or r in ranks}


@grade("test_decode")
def test_decode_examples(student):
    _check_decode(student, [1, 4, 5, 6, 7], NOTEBOOK_WORDS, " [the notebook's example]")
    _check_decode(student, [0, 0, 1, 2, 8], NOTEBOOK_WORDS, " [padding, start, out of vocabulary]")
    _check_decode(student, [1, 7, 3, 9, 4], {"good": 4, "plot": 6, "the": 1, "a": 2},
                  " [a word index with gaps]")
    _check_decode(student, *_grader_review(), " [a review of the grader's data]")


WORDS = st.text(alphabet="abcdefgh", min_size=1, max_size=5)


@grade("test_decode")
@given(data=st.data(), words=st.lists(WORDS, min_size=1, max_size=8, unique=True))
@PROPERTY
def test_decode_any_review(student, data, words):
    ranks = data.draw(st.permutations(range(1, len(words) + 1)), label="ranks")
    word_index = dict(zip(words, ranks))
    sequence = data.draw(st.lists(st.integers(0, len(words) + 5), max_size=10), label="sequence")
    _check_decode(student, sequence, word_index)


# --------------------------------------------------------------------------- 2. cut_vocabulary

def _rows(value, what: str) -> list[list[float]]:
    """The student's reviews as lists of numbers (lists, arrays or an array of rows)."""
    assert isinstance(value, (list, tuple, np.ndarray)), (
        f"{what}: expected a list of reviews (lists of indices), got {type(value).__name__}")
    rows = []
    for row in value:
        assert isinstance(row, (list, tuple, np.ndarray)) and np.ndim(row) == 1, (
            f"{what}: expected a list of reviews, each a list of indices; found an item "
            f"{type(row).__name__ if not isinstance(row, np.ndarray) else f'of shape {row.shape}'}")
        rows.append([float(v) for v in np.asarray(row, dtype=np.float64)])
    return rows


def _cut_mistakes(sequences, num_words: int):
    def replaced(rule):
        return [[rule(i) for i in seq] for seq in sequences]
    return [
        ("an index equal to num_words was kept: keep the indices BELOW num_words (i < num_words)",
         lambda: replaced(lambda i: i if i <= num_words else imdb.OOV)),
        ("the index num_words - 1 was replaced too: every index below num_words is kept "
         "(i < num_words)", lambda: replaced(lambda i: i if i < num_words - 1 else imdb.OOV)),
        ("the rare words were dropped: replace each by 2 (out of vocabulary), so every review "
         "keeps its length", lambda: [[i for i in seq if i < num_words] for seq in sequences]),
        ("the rare words became 0, the padding index: 2 marks a word out of the vocabulary",
         lambda: replaced(lambda i: i if i < num_words else 0)),
        ("the rare words were clipped to num_words - 1, another word: replace them by 2",
         lambda: replaced(lambda i: min(i, num_words - 1))),
        ("the cut is at num_words + 3: the indices already include the offset of 3, so keep "
         "i < num_words", lambda: replaced(lambda i: i if i < num_words + 3 else imdb.OOV)),
    ]


def _check_cut(student, sequences, num_words: int, label: str = "") -> None:
    sequences = [[int(i) for i in seq] for seq in sequences]
    what = f"cut_vocabulary({_describe(sequences)}, {num_words}){label}"
    actual = call(what, student.function("cut_vocabulary"), sequences, num_words)
    rows = _rows(actual, what)
    expected = imdb.cut_vocabulary(sequences, num_words)
    if [list(map(float, r)) for r in expected] == rows:
        return
    lengths = [len(r) for r in rows]
    if len(rows) != len(expected):
        message = f"{what}: expected {len(expected)} reviews, got {len(rows)}"
    else:
        bad = next(i for i, (a, b) in enumerate(zip(rows, expected)) if a != list(map(float, b)))
        message = (f"{what}: review {bad} should be {expected[bad]}, got "
                   f"{[int(v) if v.is_integer() else v for v in rows[bad]]}"
                   + (f" (its length changed from {len(expected[bad])} to {lengths[bad]})"
                      if lengths[bad] != len(expected[bad]) else ""))
    hint = (diagnose(rows, _cut_mistakes(sequences, num_words),
                     same=lambda a, b: a == [list(map(float, r)) for r in b])
            if explaining() else None)
    raise with_hint(AssertionError(message), hint) from None


@grade("test_vocabulary")
def test_vocabulary_examples(student):
    _check_cut(student, [[1, 5, 999, 1000, 1500], [1, 2]], 1000, " [the notebook's example]")
    _check_cut(student, [[1, 14, 22, 16, 43, 530, 973], [1, 194, 1153, 194, 8255, 78, 228, 5, 6],
                         [1, 2, 0, 10]], 200, " [padding and out-of-vocabulary indices kept]")
    _check_cut(student, [[1, 3, 4]], 5, " [every word kept]")


@st.composite
def reviews_and_vocabulary(draw):
    """(reviews, num_words), the indices around the cut (num_words - 1, num_words,
    num_words + 1) drawn as often as any other: where an off-by-one shows."""
    num_words = draw(st.integers(3, 50))
    index = st.one_of(st.integers(0, 60), st.sampled_from([num_words - 1, num_words, num_words + 1]))
    return draw(st.lists(st.lists(index, max_size=8), min_size=1, max_size=4)), num_words


@grade("test_vocabulary")
@given(case=reviews_and_vocabulary())
@PROPERTY
def test_vocabulary_any_reviews(student, case):
    _check_cut(student, *case)


# --------------------------------------------------------------------------- 3. pad

def _pad_mistakes(sequences, maxlen: int):
    import keras

    def keras_pad(**how):
        return keras.utils.pad_sequences(sequences, maxlen=maxlen, **how)
    longest = max((len(s) for s in sequences), default=0)
    return [
        ("zeros after the review (padding=\"post\"): pad_sequences puts them BEFORE it, so the "
         "LSTM reads the review last, just before it answers", lambda: keras_pad(padding="post")),
        ("a long review kept its FIRST maxlen indices (truncating=\"post\"): keep its last ones",
         lambda: keras_pad(truncating="post")),
        ("zeros after the review and a long review's first indices kept (padding and truncating "
         "\"post\"): pad_sequences's defaults are \"pre\"",
         lambda: keras_pad(padding="post", truncating="post")),
        ("the reviews were padded to the longest, not cut to maxlen",
         lambda: keras.utils.pad_sequences(sequences, maxlen=longest) if longest > maxlen else None),
    ]


def _check_pad(student, sequences, maxlen: int, label: str = "") -> None:
    sequences = [[int(i) for i in seq] for seq in sequences]
    what = f"pad({_describe(sequences)}, {maxlen}){label}"
    actual = call(what, student.function("pad"), sequences, maxlen)
    expected = imdb.pad(sequences, maxlen)
    try:
        assert_array_matches(actual, expected, what)
    except AssertionError as failure:
        hint = diagnose(actual, _pad_mistakes(sequences, maxlen)) if explaining() else None
        raise with_hint(failure, hint) from None


@grade("test_padding")
def test_padding_examples(student):
    _check_pad(student, [[1, 2, 3], [4, 5, 6, 7, 8, 9], []], 4, " [the notebook's example]")
    _check_pad(student, [[1, 14, 22, 16, 43], [1, 194, 11, 194, 82, 78, 228, 5, 6]], 5,
               " [one review exactly maxlen long, one longer]")
    _check_pad(student, [[1, 7, 2, 9]], 8, " [one short review]")


@grade("test_padding")
@given(sequences=st.lists(st.lists(st.integers(1, 999), max_size=12), min_size=1, max_size=5),
       maxlen=st.integers(1, 10))
@PROPERTY
def test_padding_any_reviews(student, sequences, maxlen):
    _check_pad(student, sequences, maxlen)


# --------------------------------------------------------------------------- 4-6. the model:
# the checks every classifier shares, on the grader's reviews cut and padded by `encode`

globals().update(image_classifier_checks(ASSIGNMENT, encode=encode))
