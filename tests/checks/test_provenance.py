"""Evidence that a model was not trained in the grader's kernel: its weights found byte for
byte in a file handed in with the notebook (the bytes read, the file never loaded)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from autograder.bridge import LocalStudent  # noqa: E402
from autograder.checks import provenance  # noqa: E402


def _network(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")])


@pytest.fixture(scope="module")
def trained():
    return _network(1)


def _student(model):
    return LocalStudent({"model": model}, context={"budgets": []})


@pytest.mark.parametrize("write", [
    lambda m, folder: np.save(folder / "weights.npy", m.get_weights()[0]),
    lambda m, folder: m.save_weights(str(folder / "model.weights.h5")),
    lambda m, folder: (folder / "deep" / "copy.bin").write_bytes(
        b"header" + np.concatenate([w.ravel() for w in m.get_weights()]).astype("<f4").tobytes()),
], ids=["npy", "keras-h5", "raw-in-a-subfolder"])
def test_weights_handed_in_as_a_file_are_found(trained, tmp_path, write):
    (tmp_path / "deep").mkdir()
    (tmp_path / "notes.txt").write_text("nothing here")
    write(trained, tmp_path)
    found = provenance.weights_in_files(_student(trained), tmp_path)
    assert found in ("weights.npy", "model.weights.h5", os.path.join("deep", "copy.bin"))


def test_other_weights_zeros_and_no_fetched_model_are_no_evidence(trained, tmp_path):
    np.save(tmp_path / "weights.npy", _network(2).get_weights()[0])  # another training's
    (tmp_path / "empty.bin").write_bytes(b"\0" * 100_000)
    assert provenance.weights_in_files(_student(trained), tmp_path) is None
    zeros = _network(1)
    zeros.set_weights([np.zeros_like(w) for w in zeros.get_weights()])
    assert provenance.weights_in_files(_student(zeros), tmp_path) is None  # found anywhere
    np.save(tmp_path / "mine.npy", trained.get_weights()[0])
    assert provenance.weights_in_files(LocalStudent({}, context={}), tmp_path) is None  # no model
    assert provenance.weights_in_files(LocalStudent({"model": 3}, context={}), tmp_path) is None
    assert provenance.weights_in_files(_student(trained), None) is None
    assert provenance.weights_in_files(_student(trained), tmp_path) == "mine.npy"
