"""dlgrade's output is dlgrade's: TensorFlow's start-up lines are kept out of it."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _stderr_of(code: str) -> str:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300, check=True).stderr


def test_tensorflow_is_imported_without_its_start_up_lines():
    plain = _stderr_of("import tensorflow, keras")
    if not plain.strip():
        pytest.skip("this TensorFlow prints nothing when imported: nothing to keep out")
    assert "absl" in plain or "oneDNN" in plain  # what the plain import writes here
    quiet = _stderr_of("from autograder.quiet import import_tensorflow\nimport_tensorflow()\n"
                       "import sys; print('after', file=sys.stderr)")
    assert quiet == "after\n"


def test_errors_after_the_import_are_still_shown():
    out = subprocess.run(
        [sys.executable, "-c", "from autograder.quiet import import_tensorflow\nimport_tensorflow()\n"
                               "import tensorflow as tf\ntf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0])"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, timeout=300)
    assert out.returncode != 0 and "Incompatible shapes" in out.stderr
