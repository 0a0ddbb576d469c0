"""IMDB movie reviews for sentiment (the course's activity 10), in `keras.datasets.imdb`'s format,
and the reference forms of the functions the imdb-lstm assignment grades.

The format (what `keras.datasets.imdb.load_data()` returns with its defaults): each review a
list of word indices; a word's index is its frequency rank in the training reviews (1 = the
most frequent) plus INDEX_FROM (3), because 0 is padding, 1 marks the start of every review
and 2 a word out of the vocabulary. `get_word_index()` maps each word to its rank (without
the offset). Labels: 1 positive, 0 negative. On disk (`imdb.npz` in Keras's cache) the
reviews are lists of ranks, without the start mark or the offset; the loader shuffles them
with a fixed seed, adds the start mark and the offset, and (a quirk kept here) marks the one
largest index out of vocabulary when no `num_words` is given.

The stand-in, when the real file is not on the grader (never a result on IMDB): generated
reviews in that format, from this model, in which word ORDER decides the label:

  - a review is 5-69 filler words (common English words, and one word in seven a rare
    made-up word from a long Zipf tail) with up to two stray "not"s among them;
  - its verdict is two or three phrases placed among its last VERDICT_ZONE words (never
    right after a stray "not"), each `[not] [very] ADJECTIVE`, with one of ten positive or
    ten negative adjectives;
  - every phrase agrees with the review's sentiment: a positive review says "good" or
    "not bad", a negative one "bad" or "not good" (negated two times in five).

Counting words cannot see which adjective a "not" belongs to: a bag-of-words logistic
regression reaches about 0.6, an LSTM reading the words in order 0.978-0.989 (the
reference, six seeds).
"""
from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path

import numpy as np

PAD, START, OOV, INDEX_FROM = 0, 1, 2, 3
SHUFFLE_SEED = 113                   # keras.datasets.imdb.load_data's default seed
FILES = ("imdb.npz", "imdb_word_index.json")
UNKNOWN = "?"                        # what decode_review writes for 0, 1, 2 and unknown indices

FILLER = tuple((
    "the a and of to is in it this that was as for with movie film but on you are his have he "
    "be one all at by an they from who so like her just about if has out what some there can "
    "more when up time my even would which story really see their had we were me well than "
    "much get been people will do other also into first because how him most made its then "
    "make way could too any after characters think watch films two seen character many being "
    "life plot acting little where know scene scenes director end actors show series here man "
    "still through years back thing something same old new while every part again music cast "
    "young world work audience screen script role she watching ending").split())
POSITIVE = ("good", "great", "excellent", "wonderful", "brilliant", "enjoyable", "superb",
            "funny", "beautiful", "moving")
NEGATIVE = ("bad", "awful", "boring", "terrible", "dull", "weak", "poor", "tedious", "stupid",
            "predictable")
NEGATION, INTENSIFIER = "not", "very"
SYLLABLES = ("ba ko ri ta ne lu mo sa ve di pa gu lo fe ni ka ze ro mi tu an el or is "
             "un".split())
RARE_WORDS = 4000
REVIEW_WORDS = (5, 70)                # filler words a review has: [low, high)
VERDICT_ZONE = 40                     # the verdict lies among a review's last words
NEGATED = 0.4
STAND_IN_REVIEWS = (5000, 1000)       # training, test
STAND_IN_WORDS = ("generated reviews in keras.datasets.imdb's format (word ranks, start mark 1, "
                  "out-of-vocabulary 2, offset 3) whose sentiment depends on word order "
                  "(negations), not IMDB")


# --------------------------------------------------------------------------- the functions

def cut_vocabulary(sequences, num_words: int) -> list[list[int]]:
    """Every index of `num_words` or more replaced by OOV (2), as load_data(num_words=...)."""
    return [[int(i) if i < num_words else OOV for i in seq] for seq in sequences]


def pad(sequences, maxlen: int) -> np.ndarray:
    """keras.utils.pad_sequences(sequences, maxlen) with its defaults: int32, shape
    (len(sequences), maxlen), zeros BEFORE a short review, a long one cut to its LAST
    maxlen indices."""
    out = np.zeros((len(sequences), maxlen), dtype=np.int32)
    for row, seq in enumerate(sequences):
        kept = list(seq)[-maxlen:] if maxlen else []
        if kept:
            out[row, maxlen - len(kept):] = kept
    return out


def decode_review(sequence, word_index: dict) -> str:
    """The review as words separated by single spaces: index i is the word of rank
    i - INDEX_FROM; 0, 1, 2 and any index without a word are written "?"."""
    words = {rank + INDEX_FROM: word for word, rank in word_index.items()}
    return " ".join(words.get(int(i), UNKNOWN) for i in sequence)


def encode(sequences, num_words: int, maxlen: int) -> np.ndarray:
    """What the model takes: the vocabulary cut, then padded."""
    return pad(cut_vocabulary(sequences, num_words), maxlen)


# --------------------------------------------------------------------------- the format

def keras_format(x_train, y_train, x_test, y_test):
    """load_data()'s transformation of the file's rank lists, with its defaults: shuffled with
    seed 113 (the training reviews, then the test reviews, one generator), the start mark and
    the offset added, the single largest index marked out of vocabulary."""
    rng = np.random.RandomState(SHUFFLE_SEED)
    parts = []
    for x, y in ((x_train, y_train), (x_test, y_test)):
        order = np.arange(len(x))
        rng.shuffle(order)
        parts.append(([[START] + [w + INDEX_FROM for w in x[i]] for i in order], np.asarray(y)[order]))
    xs = parts[0][0] + parts[1][0]
    largest = max(max(x) for x in xs)
    xs = [[w if w < largest else OOV for w in x] for x in xs]
    n = len(parts[0][0])
    return ((ragged(xs[:n]), parts[0][1]), (ragged(xs[n:]), parts[1][1]))


def ragged(sequences) -> np.ndarray:
    """A 1-D object array of lists, as keras.datasets.imdb returns them."""
    out = np.empty(len(sequences), dtype=object)
    for i, seq in enumerate(sequences):
        out[i] = list(seq)
    return out


def write_raw(folder: Path, x_train, y_train, x_test, y_test, word_index: dict) -> None:
    """The two files as Keras's cache holds them: imdb.npz (rank lists, pickled object arrays)
    and imdb_word_index.json."""
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / FILES[0], x_train=ragged(x_train), y_train=np.asarray(y_train, np.int64),
             x_test=ragged(x_test), y_test=np.asarray(y_test, np.int64))
    (folder / FILES[1]).write_text(json.dumps(word_index))


def read_dir(folder: Path):
    """(train, test, {"word_index": ...}) from an instructor's copy of the two files, read by
    Keras's own loader (which checks the real file's hash)."""
    import keras

    for name in FILES:
        if not (folder / name).is_file():
            raise FileNotFoundError(folder / name)
    train, test = keras.datasets.imdb.load_data(path=str((folder / FILES[0]).resolve()))
    index = keras.datasets.imdb.get_word_index(path=str((folder / FILES[1]).resolve()))
    return train, test, {"word_index": index}


def keras_loader():
    """Keras's own loader and cache (downloads when asked), with the word index."""
    import keras

    train, test = keras.datasets.imdb.load_data()
    return train, test, {"word_index": keras.datasets.imdb.get_word_index()}


keras_loader.__name__ = "keras.datasets.imdb.load_data"


# --------------------------------------------------------------------------- the stand-in

def _rare_words() -> list[str]:
    rng = np.random.default_rng(0)
    words: set[str] = set()
    while len(words) < RARE_WORDS:
        word = "".join(rng.choice(SYLLABLES, size=int(rng.integers(2, 4))))
        if word not in FILLER + POSITIVE + NEGATIVE + (NEGATION, INTENSIFIER):
            words.add(word)
    return [str(w) for w in rng.permutation(sorted(words))]  # Zipf's head not all "an..." words


def generate_reviews(n: int, seed: int) -> tuple[list[list[str]], np.ndarray]:
    """`n` reviews as words, and their labels, from the model in the module's docstring."""
    rng = np.random.default_rng(seed)
    rare = _rare_words()
    weights = 1 / np.arange(1, len(FILLER) + 1)
    weights /= weights.sum()
    reviews, labels = [], rng.integers(0, 2, size=n)
    for label in labels:
        length = int(rng.integers(*REVIEW_WORDS))
        words = [FILLER[i] for i in rng.choice(len(FILLER), size=length, p=weights)]
        for at in np.flatnonzero(rng.random(length) < 1 / 7):
            words[at] = rare[int(rng.zipf(1.3)) % RARE_WORDS]
        for _ in range(int(rng.integers(0, 3))):
            words.insert(int(rng.integers(0, len(words) + 1)), NEGATION)
        for _ in range(int(rng.integers(2, 4))):
            negated = rng.random() < NEGATED
            positive = bool(label) != negated
            phrase = ([NEGATION] if negated else []) + ([INTENSIFIER] if rng.random() < 0.3 else [])
            phrase.append(str(rng.choice(POSITIVE if positive else NEGATIVE)))
            # a phrase is one item until the end: never inside another, nor after a stray "not"
            places = [at for at in range(max(0, len(words) - VERDICT_ZONE), len(words) + 1)
                      if at == 0 or words[at - 1] != NEGATION]
            at = places[int(rng.integers(0, len(places)))]
            words.insert(at, tuple(phrase))
        words = [w for item in words for w in (item if isinstance(item, tuple) else (item,))]
        reviews.append(words)
    return reviews, labels.astype(np.int64)


@functools.lru_cache(maxsize=2)
def raw_stand_in(test_seed: int = 2):
    """The stand-in as the file holds it: (x_train, y_train, x_test, y_test, word_index), the
    words ranked by their frequency in the training reviews; a test word never seen in
    training is left out (as in the real file). The test reviews are drawn from `test_seed`
    (the grader draws its own)."""
    train, y_train = generate_reviews(STAND_IN_REVIEWS[0], seed=1)
    test, y_test = generate_reviews(STAND_IN_REVIEWS[1], seed=test_seed)
    counts = Counter(word for review in train for word in review)
    word_index = {word: rank for rank, (word, _) in enumerate(
        sorted(counts.items(), key=lambda item: (-item[1], item[0])), start=1)}
    ranks = lambda reviews: [[word_index[w] for w in r if w in word_index] for r in reviews]  # noqa: E731
    return ranks(train), y_train, ranks(test), y_test, word_index


def stand_in(test_seed: int | None = None):
    """(train, test, {"word_index": ...}) exactly as load_data() and get_word_index() would give
    the stand-in's files (with `test_seed`, the grader's own test reviews instead)."""
    x_train, y_train, x_test, y_test, word_index = raw_stand_in(2 if test_seed is None else test_seed)
    train, test = keras_format(x_train, y_train, x_test, y_test)
    return train, test, {"word_index": dict(word_index)}
