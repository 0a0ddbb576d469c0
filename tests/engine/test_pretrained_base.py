"""VGG16's pretrained base as the grader prepares it for kernels: the committed stand-in where
the ImageNet weights are missing (this machine, CI), the real file where Keras's cache holds
it (made here: VGG16's own architecture with weights of our own, in Keras's legacy h5
format, under the file name Keras downloads), course_data.load_vgg16 loading either in the
kernel, `dlgrade data` telling which, and the sandbox showing the real file where
keras.applications looks for it."""
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from autograder import cli, course, datasets, sandbox
from autograder.kernel import course_data
from reference import pretrained

REPO = Path(__file__).resolve().parents[2]
SHAPE = (32, 32, 3)


@pytest.fixture
def keras_home(empty_keras_home):
    pretrained.load.cache_clear()
    datasets.evaluation.cache_clear()
    yield empty_keras_home
    pretrained.load.cache_clear()
    datasets.evaluation.cache_clear()


@pytest.fixture
def real_weights(keras_home):
    """VGG16's base with weights of our own, where `dlgrade data fetch vgg16` puts the real ones."""
    import h5py
    import keras
    from keras.src.legacy.saving import legacy_h5_format

    keras.utils.set_random_seed(3)
    base = keras.applications.VGG16(weights=None, include_top=False, input_shape=SHAPE)
    path = keras_home / "models" / pretrained.FILE
    path.parent.mkdir(parents=True)
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, base)
    return path, base


def load_in_kernel(root: Path, monkeypatch, capsys):
    """course_data.load_vgg16 as a kernel calls it, with the folder the grader prepared."""
    folders = datasets.prepare(root, ["vgg16"])
    monkeypatch.setenv(course_data.DATA_DIRS_VARIABLE, os.pathsep.join(folders))
    base = course_data.load_vgg16(input_shape=SHAPE)
    return base, capsys.readouterr().out


def test_the_stand_in_is_prepared_and_loaded_loudly(keras_home, tmp_path, monkeypatch, capsys):
    base, said = load_in_kernel(tmp_path, monkeypatch, capsys)
    assert "vgg16: EMBEDDED STAND-IN, not VGG16's ImageNet weights" in said
    manifest = json.loads(datasets.manifest_path(tmp_path, "vgg16").read_text())
    assert manifest["embedded"] is True
    folder = tmp_path / datasets.STUDENT_DATA_DIR
    assert (folder / "vgg16-stand-in.npz").stat().st_mode & 0o777 == 0o644
    assert not (folder / pretrained.FILE).exists()
    expected = pretrained.load()
    assert base.name == "vgg16" and base.count_params() == expected.parameters
    for name, (kernel, bias) in expected.weights.items():
        got = base.get_layer(name).get_weights()
        assert np.array_equal(got[0], kernel) and np.array_equal(got[1], bias)


def test_the_real_weights_are_prepared_and_loaded_when_keras_has_them(real_weights, tmp_path,
                                                                       monkeypatch, capsys):
    path, original = real_weights
    grader_side = pretrained.load()
    assert not grader_side.embedded and grader_side.parameters == 14_714_688
    base, said = load_in_kernel(tmp_path, monkeypatch, capsys)
    assert "vgg16: VGG16's ImageNet weights (keras.applications), the grader's copy" in said
    folder = tmp_path / datasets.STUDENT_DATA_DIR
    assert (folder / pretrained.FILE).read_bytes() == path.read_bytes()
    assert not (folder / "vgg16-stand-in.npz").exists()
    for layer in original.layers[1:]:  # after the Input
        for mine, theirs in zip(base.get_layer(layer.name).get_weights(), layer.get_weights()):
            assert np.array_equal(mine, theirs)


def test_data_list_and_verify_tell_which_base_grades(keras_home, tmp_path, monkeypatch, capsys):
    root = tmp_path / "course"
    course.copy_assignments(REPO, root, ["transfer-features"])
    monkeypatch.chdir(root)
    monkeypatch.setenv("COLUMNS", "250")
    assert cli.main(["data", "list", "vgg16"]) == 0
    out = capsys.readouterr().out
    assert "transfer-features" in out and "missing: the embedded stand-in grades instead" in out
    assert cli.main(["data", "verify", "vgg16"]) == 1
    assert "FAILED  vgg16: missing" in capsys.readouterr().out


def test_verify_accepts_vgg16s_weights_and_refuses_a_damaged_file(real_weights, tmp_path,
                                                                  monkeypatch, capsys):
    path, _ = real_weights
    root = tmp_path / "course"
    course.copy_assignments(REPO, root, ["transfer-features"])
    monkeypatch.chdir(root)
    assert cli.main(["data", "verify", "vgg16"]) == 0
    assert "ok      vgg16: 14,714,688 parameters" in capsys.readouterr().out
    path.write_bytes(b"not an h5 file")
    assert cli.main(["data", "verify", "vgg16"]) == 1
    assert "FAILED  vgg16: unreadable" in capsys.readouterr().out


ISOLATION = sandbox.probe()


@pytest.mark.skipif(not ISOLATION.bwrap, reason="; ".join(ISOLATION.missing) or "no bubblewrap")
def test_the_sandbox_shows_the_real_file_where_keras_applications_looks(tmp_path):
    folder = tmp_path / "student-data"
    folder.mkdir()
    (folder / pretrained.FILE).write_bytes(b"weights")
    binds = sandbox._keras_cache_binds([str(folder)])
    assert binds[-1] == f"{sandbox.KERAS_HOME}/models/{pretrained.FILE}"
    assert sandbox._keras_cache_binds([str(tmp_path)]) == []  # nothing to show
    script = (f"cat {sandbox.KERAS_HOME}/models/{pretrained.FILE} && echo && "
              f"touch {sandbox.KERAS_HOME}/keras.json && echo writable && "
              f"! touch {sandbox.KERAS_HOME}/models/{pretrained.FILE} 2>/dev/null && echo read-only")
    command = [ISOLATION.bwrap, *sandbox._namespace_flags(os.geteuid() == 0), "--ro-bind", "/", "/",
               "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", *binds, "sh", "-c", script]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["weights", "writable", "read-only"], done.stderr


def test_fetch_records_the_weights_checksum_that_verify_then_checks(real_weights, tmp_path,
                                                                    monkeypatch, capsys):
    path, _ = real_weights
    weights = path.read_bytes()
    path.unlink()
    fetched = []

    def download():  # keras.applications.VGG16(weights="imagenet") without the internet
        fetched.append(True)
        path.write_bytes(weights)
        return path

    monkeypatch.setattr(pretrained, "fetch", download)
    root = tmp_path / "course"
    course.copy_assignments(REPO, root, ["transfer-features"])
    monkeypatch.chdir(root)
    assert cli.main(["data", "fetch", "vgg16"]) == 0 and fetched
    sums = json.loads((path.parents[1] / "datasets" / "dlgrade-checksums.json").read_text())
    assert set(sums) == {pretrained.FILE}
    assert cli.main(["data", "verify", "vgg16"]) == 0
    assert "(no checksum known" not in capsys.readouterr().out
    path.write_bytes(weights[:-1] + bytes([weights[-1] ^ 1]))  # one bit changed
    assert cli.main(["data", "verify", "vgg16"]) == 1
    assert "does not match its checksum" in capsys.readouterr().out


def test_fetch_offline_says_why(empty_keras_home, tmp_path, monkeypatch, capsys):
    def offline():
        raise OSError("Name or service not known")

    monkeypatch.setattr(pretrained, "fetch", offline)
    root = tmp_path / "course"
    course.copy_assignments(REPO, root, ["transfer-features"])
    monkeypatch.chdir(root)
    assert cli.main(["data", "fetch", "vgg16"]) == 1
    assert "vgg16: download failed: OSError: Name or service not known" in capsys.readouterr().err
