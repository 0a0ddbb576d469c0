"""Dataset loading: Keras's cache through Keras's own loader, DLGRADE_DATA, a loud fallback."""
import os
import warnings

import numpy as np
import pytest

from reference import data


@pytest.fixture
def homes(tmp_path, monkeypatch):
    # Keras reads KERAS_HOME once, at its first import (perhaps by another test): point both.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from keras.src.backend import config

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path / "keras"))
    monkeypatch.delenv("DLGRADE_DATA", raising=False)
    return tmp_path


def test_fashion_mnist_from_the_keras_cache_goes_through_keras_loader(homes):
    train, test = data.fashion_stand_in(200, 50, seed=1)
    data.write_idx_dir(homes / "keras" / "datasets" / "fashion-mnist", train, test)
    with warnings.catch_warnings():
        warnings.simplefilter("error", data.FallbackDataWarning)
        ds = data.load("fashion_mnist")
    assert ds.source.startswith("Keras (") and not ds.embedded
    np.testing.assert_array_equal(ds.x_train, train[0])
    np.testing.assert_array_equal(ds.y_test, test[1])
    assert ds.x_train.dtype == np.uint8 and ds.x_train.shape == (200, 28, 28)


def test_an_instructor_copy_in_dlgrade_data(homes, monkeypatch):
    train, test = data.digits_stand_in()
    data.write_npz(homes / "instructor" / "mnist.npz", train, test)
    monkeypatch.setenv("DLGRADE_DATA", os.pathsep.join([str(homes / "nothing"), str(homes / "instructor")]))
    ds = data.load("mnist")
    assert ds.source == f"DLGRADE_DATA ({homes / 'instructor'})"
    np.testing.assert_array_equal(ds.x_test, test[0])


def test_the_fallback_is_real_digits_and_says_so(homes):
    with pytest.warns(data.FallbackDataWarning, match="EMBEDDED FALLBACK for mnist: scikit-learn"):
        ds = data.load("mnist")
    assert ds.embedded and "not in the Keras cache" in ds.source
    assert ds.x_train.shape[1:] == (28, 28) and ds.x_train.dtype == np.uint8
    assert len(ds.x_train) + len(ds.x_test) == 1797
    assert ds.x_train.max() == 255 and ds.x_train[:, :2].max() == 0  # MNIST's empty border
    assert sorted(np.unique(ds.y_train)) == list(range(10))


def test_the_fashion_fallback_round_trips_its_own_format(tmp_path):
    train, test = data.fashion_stand_in(100, 20)
    data.write_idx_dir(tmp_path, train, test)
    (xt, yt), (xs, ys) = data.read_idx_dir(tmp_path)
    np.testing.assert_array_equal(xt, train[0])
    np.testing.assert_array_equal(ys, test[1])
    assert sorted(np.unique(yt)) == list(range(10))


def test_an_offline_download_fails_fast_with_the_reason(homes, monkeypatch):
    import socket

    seen = {}

    def offline():
        seen["timeout"] = socket.getdefaulttimeout()
        raise OSError("Network is unreachable")

    import dataclasses

    monkeypatch.setitem(data.DATASETS, "mnist", dataclasses.replace(data.DATASETS["mnist"], keras=offline))
    with pytest.warns(data.FallbackDataWarning, match=r"download failed \(OSError: Network is unreachable\)"):
        ds = data.load("mnist", download=True, timeout=5)
    assert seen["timeout"] == 5 and socket.getdefaulttimeout() is None
    assert ds.embedded


def test_unknown_dataset():
    with pytest.raises(ValueError, match="unknown dataset 'cifar100'"):
        data.load("cifar100")


def test_the_cifar10_stand_in_is_balanced_and_shaped_like_keras_cifar10():
    (x, y), (xt, yt) = data.cifar_stand_in(n_train=200, n_test=50)
    assert (x.shape, x.dtype, y.shape, xt.shape, yt.shape) == (
        (200, 32, 32, 3), np.uint8, (200, 1), (50, 32, 32, 3), (50, 1))
    assert np.bincount(y.ravel()).tolist() == [20] * 10
    again = data.cifar_stand_in(n_train=200, n_test=50)
    assert np.array_equal(again[0][0], x) and np.array_equal(again[1][1], yt), "deterministic"


def test_cifar10_batches_round_trip_through_keras_reader(tmp_path):
    train, test = data.cifar_stand_in(n_train=30, n_test=10)
    data.write_cifar_dir(tmp_path / data.CIFAR_FOLDER, train, test)
    assert sorted(p.name for p in (tmp_path / data.CIFAR_FOLDER).iterdir()) == sorted(data.CIFAR_BATCHES)
    (x, y), (xt, yt) = data.read_cifar_dir(tmp_path / data.CIFAR_FOLDER)
    assert np.array_equal(x, train[0]) and np.array_equal(y, train[1])
    assert np.array_equal(xt, test[0]) and np.array_equal(yt, test[1])


@pytest.mark.parametrize("keras_home_set", [True, False])
def test_the_keras_home_is_keras_own_without_importing_keras(tmp_path, keras_home_set):
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "KERAS_HOME"}
    env.update(TF_CPP_MIN_LOG_LEVEL="3", HOME=str(tmp_path))
    if keras_home_set:
        env["KERAS_HOME"] = str(tmp_path / "elsewhere")
    code = ("import sys; from reference import data; before = data.keras_home(); "
            "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules; "
            "from keras.src.backend import config; print(before == data.keras_home() == "
            "__import__('pathlib').Path(config.keras_home()), before)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=300, cwd=str(data.Path(data.__file__).parents[1]))
    assert done.returncode == 0, done.stderr[-2000:]
    expected = tmp_path / ("elsewhere" if keras_home_set else ".keras")
    assert done.stdout.split() == ["True", str(expected)]
