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


def _found(model, folder):
    return provenance.weights_in_files(provenance.trained(_student(model)), folder)


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
    found = _found(trained, tmp_path)
    assert found in ("weights.npy", "model.weights.h5", os.path.join("deep", "copy.bin"))


def test_other_weights_zeros_and_no_fetched_model_are_no_evidence(trained, tmp_path):
    np.save(tmp_path / "weights.npy", _network(2).get_weights()[0])  # another training's
    (tmp_path / "empty.bin").write_bytes(b"\0" * 100_000)
    assert _found(trained, tmp_path) is None
    zeros = _network(1)
    zeros.set_weights([np.zeros_like(w) for w in zeros.get_weights()])
    assert _found(zeros, tmp_path) is None  # zeros are found anywhere: no evidence
    np.save(tmp_path / "mine.npy", trained.get_weights()[0])
    assert provenance.trained(LocalStudent({}, context={})) is None  # no model
    assert provenance.trained(LocalStudent({"model": 3}, context={})) is None
    assert provenance.weights_in_files(None, tmp_path) is None
    assert _found(trained, None) is None
    assert _found(trained, tmp_path) == "mine.npy"


class _Calibration:
    cpu_seconds = 2.0


def test_a_model_whose_optimizer_took_no_step_had_its_weights_set():
    data = np.random.default_rng(0).random((64, 28, 28)), np.arange(64) % 10
    fitted = _network(4)
    fitted.compile("adam", "sparse_categorical_crossentropy")
    fitted.fit(*data, epochs=1, batch_size=16, verbose=0)  # 4 steps
    pasted = _network(5)
    pasted.compile("adam", "sparse_categorical_crossentropy")
    pasted.set_weights(fitted.get_weights())
    steps = {name: provenance.trained(_student(m)).training_steps
             for name, m in (("fitted", fitted), ("pasted", pasted), ("uncompiled", _network(6)))}
    assert steps == {"fitted": 4, "pasted": 0, "uncompiled": None}
    model = provenance.trained(_student(pasted))
    assert provenance.weights_set(model, 0.2, _Calibration())
    # compiled again after an honest training: no step counted, but the cell's CPU is a training's
    assert not provenance.weights_set(model, 1.5, _Calibration())
    assert not provenance.weights_set(provenance.trained(_student(fitted)), 0.2, _Calibration())
    assert not provenance.weights_set(None, 0.2, _Calibration())
