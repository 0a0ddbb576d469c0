import pytest


@pytest.fixture
def empty_keras_home(tmp_path, monkeypatch):
    """An empty Keras cache (datasets/, models/) and no instructor copy: what a fresh grader has."""
    from keras.src.backend import config

    home = tmp_path / "keras"
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setattr(config, "_KERAS_DIR", str(home))  # Keras reads it once
    monkeypatch.delenv("DLGRADE_DATA", raising=False)
    return home
