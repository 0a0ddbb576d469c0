"""The nbgrader course directory: its configuration and nbgrader's API on it."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

CONFIG_FILE = "nbgrader_config.py"


def find_root(start: Path | None = None) -> Path:
    """The course root: the nearest directory upwards holding nbgrader_config.py."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_FILE).is_file() and (candidate / "source").is_dir():
            return candidate
    raise FileNotFoundError(f"no course here: no {CONFIG_FILE} with a source/ folder in "
                            f"{here} or above")


def load_config(root: Path, isolation: str = "none", datasets: list[str] | None = None) -> Config:
    """nbgrader_config.py plus the settings the engine relies on (NbGraderAPI does not load it)."""
    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    config.TrustedExecute.results_root = str(root / "autograded")
    config.TrustedExecute.isolation = isolation
    # "none": plain kernels; otherwise the probe found something to isolate them with.
    config.TrustedExecute.kernel_manager_class = (
        "autograder.sandbox.QuietKernelManager" if isolation == "none"
        else "autograder.sandbox.SandboxKernelManager")
    if datasets:  # read-only in the kernel, for course_data.py (autograder.datasets)
        config.QuietKernelManager.datasets = list(datasets)
    return config


def api(root: Path, isolation: str = "none", datasets: list[str] | None = None):
    """An NbGraderAPI on the course; alembic (run when a gradebook is created) must be on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = load_config(root, isolation, datasets)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def assignments(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "source").iterdir()
                  if p.is_dir() and any(p.glob("*.ipynb")))
