"""imdb-lstm's own proofs, beyond what tests/checks/test_assignments.py proves for every
assignment: the stand-in is in keras.datasets.imdb's exact format (read by Keras's own
loader) and word order decides its labels (counting words falls under the floor), the
reference functions are Keras's, the declared network is the exercise's with Keras's own
counts, answers written differently pass the hidden checks and the public asserts alike, and
every hint's mistake differs from the right answer where it is used.
"""
from __future__ import annotations

from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder import assignments, build, datasets
from autograder.bridge import LocalStudent
from autograder.checks.accuracy import thresholds_from
from autograder.checks.runner import checks_module, run_checks
from autograder.checks.structure import spec_from
from autograder.kernel import course_data
from reference import imdb

ROOT = Path(__file__).resolve().parents[2]
IMDB = assignments.load(ROOT, "imdb-lstm")
checks = checks_module(IMDB)
NUM_WORDS, MAXLEN = IMDB.settings["num_words"], IMDB.settings["maxlen"]


def failed(outcomes) -> list:
    return [(o.name, o.message) for o in outcomes if not o.passed]


def with_cells(*sources: str) -> dict:
    namespace = IMDB.solution_namespace()
    for source in sources:
        exec(source, namespace)
    return namespace


# --------------------------------------------------------------------------- the data

@pytest.fixture(scope="module")
def keras_read_stand_in(tmp_path_factory):
    """The stand-in's raw files, read by keras.datasets.imdb's own loader (its download
    replaced by the files: there is no network here)."""
    import keras
    import keras.src.datasets.imdb as keras_imdb

    folder = tmp_path_factory.mktemp("imdb")
    imdb.write_raw(folder, *imdb.raw_stand_in())
    files = {"imdb.npz": folder / "imdb.npz", "imdb_word_index.json": folder / "imdb_word_index.json"}
    with mock.patch.object(keras_imdb, "get_file", lambda fname, **_: str(files[fname])):
        return (keras.datasets.imdb.load_data(), keras.datasets.imdb.get_word_index(),
                keras.datasets.imdb.load_data(num_words=NUM_WORDS))


def test_the_stand_in_is_what_keras_s_loader_makes_of_its_files(keras_read_stand_in):
    ((x_train, y_train), (x_test, y_test)), word_index, _ = keras_read_stand_in
    (ours_x, ours_y), (ours_xt, ours_yt), extra = imdb.stand_in()
    assert ours_x.dtype == x_train.dtype == object and isinstance(ours_x[0], list)
    assert [list(r) for r in ours_x] == [list(r) for r in x_train]
    assert [list(r) for r in ours_xt] == [list(r) for r in x_test]
    assert np.array_equal(ours_y, y_train) and np.array_equal(ours_yt, y_test)
    assert extra["word_index"] == word_index
    assert all(r[0] == imdb.START for r in ours_x)
    # ranked by frequency in the training reviews: "the" first, every rank once
    assert sorted(word_index.values()) == list(range(1, len(word_index) + 1))
    assert word_index["the"] == 1


def test_the_vocabulary_cut_is_keras_s(keras_read_stand_in):
    _, _, ((x_cut, _), (xt_cut, _)) = keras_read_stand_in
    (x, _), (xt, _), _ = imdb.stand_in()
    assert imdb.cut_vocabulary(x, NUM_WORDS) == [list(r) for r in x_cut]
    assert imdb.cut_vocabulary(xt, NUM_WORDS) == [list(r) for r in xt_cut]


@given(sequences=st.lists(st.lists(st.integers(1, 99), max_size=9), min_size=1, max_size=5),
       maxlen=st.integers(1, 8))
@settings(max_examples=40, deadline=None)
def test_the_reference_pad_is_keras_s(sequences, maxlen):
    import keras

    expected = keras.utils.pad_sequences(sequences, maxlen=maxlen)
    assert np.array_equal(imdb.pad(sequences, maxlen), expected)
    assert imdb.pad(sequences, maxlen).dtype == expected.dtype


def test_the_decoding_follows_keras_s_own_example():
    word_index = {"the": 1, "and": 2, "film": 3}
    # keras.datasets.imdb.get_word_index's docstring: rank + index_from, then 1 start, 2 oov
    inverted = {rank + imdb.INDEX_FROM: word for word, rank in word_index.items()}
    sequence = [1, 4, 6, 2, 5, 0]
    assert imdb.decode_review(sequence, word_index) == " ".join(inverted.get(i, "?") for i in sequence)


def test_word_order_decides_the_stand_in_s_labels():
    """Counting words (a logistic regression on word counts) stays under the thresholds'
    floor; the documented model's phrases all agree with the label."""
    from sklearn.linear_model import LogisticRegression

    (x, y), (xt, yt), _ = imdb.stand_in()

    def counts(reviews):
        table = np.zeros((len(reviews), NUM_WORDS))
        for row, review in zip(table, imdb.cut_vocabulary(reviews, NUM_WORDS)):
            np.add.at(row, review, 1)
        return table

    accuracy = LogisticRegression(max_iter=2000).fit(counts(x), y).score(counts(xt), yt)
    floor = thresholds_from(IMDB.thresholds)["embedded"].floor
    assert 0.5 < accuracy < floor - 0.05, accuracy
    reviews, labels = imdb.generate_reviews(300, seed=5)
    for words, label in zip(reviews, labels):
        said = [(word in imdb.POSITIVE) != (words[at - 1] == imdb.NEGATION or
                                            words[at - 2:at] == [imdb.NEGATION, imdb.INTENSIFIER])
                for at, word in enumerate(words) if word in imdb.POSITIVE + imdb.NEGATIVE]
        assert 2 <= len(said) <= 3 and set(said) == {bool(label)}, words


def test_the_kernel_gets_the_training_split_and_the_word_index(tmp_path, monkeypatch):
    data = datasets.evaluation("imdb")
    folder, = datasets.prepare(tmp_path, ["imdb"])
    monkeypatch.setenv(course_data.DATA_DIRS_VARIABLE, folder)
    (x_train, y_train), (x_val, y_val) = course_data.load_data("imdb", verbose=False)
    (want_x, want_y), (want_xv, want_yv) = course_data.validation_split(data.x_train, data.y_train)
    assert x_train.dtype == object and [list(r) for r in x_train] == [list(r) for r in want_x]
    assert [list(r) for r in x_val] == [list(r) for r in want_xv]
    assert np.array_equal(y_train, want_y) and np.array_equal(y_val, want_yv)
    assert course_data.get_word_index("imdb") == data.word_index
    written = np.load(Path(folder) / "imdb.npz", allow_pickle=False)  # nothing pickled
    assert "x_test" not in written.files and not any("test" in f for f in written.files)


# --------------------------------------------------------------------------- the declaration

def test_the_declared_network_is_the_exercise_s():
    spec = spec_from(IMDB.model)
    model = IMDB.solution_namespace()["build_model"]()
    assert [layer.count_params() for layer in model.layers] == [
        layer.args["parameters"] for layer in spec.layers] == [32_000, 8_320, 33]
    assert model.count_params() == spec.parameters[0] == 40_353
    # Keras's formulas: input_dim * output_dim; 4 gates x (inputs + units + 1) x units
    assert (NUM_WORDS * 32, 4 * (32 + 32 + 1) * 32) == (32_000, 8_320)


# --------------------------------------------------------------------------- equivalent forms

NUMPY_FUNCTIONS = '''
def decode_review(sequence, word_index):
    reverse = dict((index + 3, word) for word, index in word_index.items())
    out = []
    for index in sequence:
        if index < 3 or index not in reverse:
            out.append("?")
        else:
            out.append(reverse[index])
    return " ".join(out)


def cut_vocabulary(sequences, num_words):
    return [np.where(np.asarray(s) >= num_words, 2, np.asarray(s)) for s in sequences]


def pad(sequences, maxlen):
    out = np.zeros((len(sequences), maxlen))
    for row, s in enumerate(sequences):
        s = list(s)[-maxlen:]
        if s:
            out[row, -len(s):] = s
    return out
'''

RAGGED_CUT = '''
def cut_vocabulary(sequences, num_words):  # an object array of lists, as Keras's loader gives
    out = np.empty(len(sequences), dtype=object)
    for i, s in enumerate(sequences):
        out[i] = [w if w < num_words else 2 for w in s]
    return out
'''

FUNCTIONAL_MODEL = '''
def build_model():
    inputs = keras.Input(shape=(MAXLEN,), dtype="int32")
    x = keras.layers.Embedding(input_dim=NUM_WORDS, output_dim=32, mask_zero=True)(inputs)
    x = keras.layers.LSTM(units=32, dropout=0.1)(x)
    x = keras.layers.Dense(1)(x)
    outputs = keras.layers.Activation("sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.BinaryCrossentropy(),
                  metrics=["accuracy"])
    return model
'''


@pytest.mark.parametrize("cells, grade_ids", [
    ((NUMPY_FUNCTIONS,), ("test_decode", "test_vocabulary", "test_padding")),
    ((RAGGED_CUT,), ("test_vocabulary",)),
    ((FUNCTIONAL_MODEL,), ("test_model",)),
], ids=["numpy-functions", "ragged-cut", "functional-model"])
def test_answers_written_differently_pass_the_hidden_checks_and_the_public_asserts(cells, grade_ids):
    namespace = with_cells(*cells)
    namespace.update(x_train=np.empty(0, dtype=object))
    student = LocalStudent(namespace)
    for grade_id in grade_ids:
        outcomes = run_checks(IMDB, student, grade_id=grade_id)
        assert outcomes and not failed(outcomes), grade_id
        public = next(c for c in build.notebook(IMDB).cells if c.get("id") == grade_id)
        source = public.source.replace("print(decode_review(x_train[0], word_index))", "")
        exec("import numpy as np\nimport keras\n" + source, namespace)


# --------------------------------------------------------------------------- the hints

DECODE_CASES = [([1, 4, 5, 6, 7], checks.NOTEBOOK_WORDS), ([0, 0, 1, 2, 8], checks.NOTEBOOK_WORDS),
                ([1, 7, 3, 9, 4], {"good": 4, "plot": 6, "the": 1, "a": 2})]


CUT_CASES = [([[1, 5, 999, 1000, 1500], [1, 2]], 1000),
             ([[1, 14, 22, 16, 43, 530, 973], [1, 194, 1153, 194, 8255, 78, 228, 5, 6], [1, 2, 0, 10]], 200),
             ([[1, 5, 999, 1000, 1002, 1500]], 1000)]


@pytest.mark.parametrize("cases, reference, mistakes", [
    (DECODE_CASES, imdb.decode_review, checks._decode_mistakes),
    (CUT_CASES, imdb.cut_vocabulary, checks._cut_mistakes),
], ids=["decode_review", "cut_vocabulary"])
def test_each_hint_is_a_wrong_answer_on_an_example(cases, reference, mistakes):
    """Each hint can be named: its mistake differs from the right answer on some example."""
    named, differ = set(), set()
    for arguments in cases:
        right = reference(*arguments)
        for description, mistake in mistakes(*arguments):
            named.add(description)
            if mistake() != right:
                differ.add(description)
    assert named == differ


def test_each_padding_hint_is_a_wrong_answer_on_the_notebook_s_example():
    sequences, maxlen = [[1, 2, 3], [4, 5, 6, 7, 8, 9], []], 4
    right = imdb.pad(sequences, maxlen)
    for description, mistake in checks._pad_mistakes(sequences, maxlen):
        wrong = np.asarray(mistake())
        assert wrong.shape != right.shape or not np.array_equal(wrong, right), description


def test_the_accuracy_is_measured_on_the_grader_s_reviews_cut_and_padded():
    from autograder.checks.trained_models import held_out

    x, y, words, embedded = held_out("imdb", checks.encode)
    assert x.shape == (len(y), MAXLEN) and x.dtype == np.int32 and x.max() < NUM_WORDS
    assert "held-out test reviews" in words and embedded == datasets.evaluation("imdb").embedded


def test_the_public_accuracy_assert_takes_logits_as_the_hidden_checks_do():
    """A linear output trained with from_logits=True passes test_model's hidden checks; the
    notebook's own accuracy assert reads its logits against 0, not 0.5."""
    import keras

    class Logits:  # a trained model's scores: positives at 0.3 (above 0, below 0.5)
        layers = [keras.layers.Dense(1)]

        def predict(self, x, verbose=0):
            return np.where(np.arange(len(x)) % 2 == 0, 0.3, -3.0).reshape(-1, 1)

    namespace = IMDB.solution_namespace()
    x_val = imdb.ragged([[1, 4, 5]] * 6)
    namespace.update(np=np, keras=keras, NUM_WORDS=NUM_WORDS, MAXLEN=MAXLEN, model=Logits(),
                     x_val=x_val, y_val=np.arange(6) % 2 == 0)
    public = next(c for c in build.notebook(IMDB).cells if c.get("id") == "test_accuracy")
    exec(public.source, namespace)
    assert namespace["accuracy"] == 1.0
