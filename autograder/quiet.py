"""TensorFlow's start-up lines, kept out of dlgrade's output.

Importing TensorFlow writes C++ lines straight to file descriptor 2 ("WARNING: All log
messages before absl::InitializeLog() is called are written to STDERR", oneDNN's notice,
the CPU feature guard) whatever TF_CPP_MIN_LOG_LEVEL says, once in every process that
imports it: the command and each grading worker. `import_tensorflow()` imports it with that
descriptor pointed at /dev/null and sets TensorFlow's Python logger to errors only (Keras's
"retracing" warnings about the grader's own predict calls). What goes wrong after the
import is shown as before; an import that fails still raises its exception.
"""
from __future__ import annotations

import os
import sys


def import_tensorflow() -> None:
    """Import tensorflow and keras quietly (once per process; a no-op after)."""
    if "tensorflow" in sys.modules:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        import keras  # noqa: F401
        import tensorflow as tf
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
    tf.get_logger().setLevel("ERROR")
