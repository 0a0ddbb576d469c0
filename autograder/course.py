"""The nbgrader course directory: its configuration and nbgrader's API on it."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

CONFIG_FILE = "nbgrader_config.py"


def find_root(start: Path | None = None, empty: bool = False) -> Path:
    """The course root: the nearest directory upwards holding nbgrader_config.py and
    assignments/ (or source/); with `empty`, nbgrader_config.py alone (a new course)."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_FILE).is_file() and (empty or (candidate / "assignments").is_dir()
                                                     or (candidate / "source").is_dir()):
            return candidate
    raise FileNotFoundError(f"no course here: no {CONFIG_FILE} with an assignments/ folder in "
                            f"{here} or above")


def load_config(root: Path, isolation: str = "none", datasets: list[str] | None = None,
                slot: int = 0, calibrate_from_run: bool = False) -> Config:
    """nbgrader_config.py plus the settings the engine relies on (NbGraderAPI does not load it);
    `calibrate_from_run`: the submissions it grades are the reference's (TrustedExecute)."""
    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    if "db_url" not in config.CourseDirectory:
        # Parallel slots write the gradebook at once: a writer waits for another's transaction
        # (SQLite's lock) up to a minute rather than failing at the default five seconds.
        config.CourseDirectory.db_url = f"sqlite:///{(root / 'gradebook.db').resolve()}?timeout=60"
    if "optimistic_validation" not in config.Exporter:
        # nbconvert validates the whole notebook after each of nbgrader's seven preprocessors;
        # once after the last is nbconvert's own option (and writing it validates it again)
        config.Exporter.optimistic_validation = True
    config.TrustedExecute.results_root = str(root / "autograded")
    config.TrustedExecute.course_root = str(root)
    config.TrustedExecute.isolation = isolation
    # "none": plain kernels; otherwise the probe found something to isolate them with.
    config.TrustedExecute.kernel_manager_class = (
        "autograder.sandbox.QuietKernelManager" if isolation == "none"
        else "autograder.sandbox.SandboxKernelManager")
    config.SandboxKernelManager.slot = slot  # its own uid: concurrent kernels cannot meet
    config.TrustedExecute.calibrate_from_run = calibrate_from_run
    if datasets:  # read-only in the kernel, for course_data.py (autograder.datasets)
        config.QuietKernelManager.datasets = list(datasets)
    return config


def api(root: Path, isolation: str = "none", datasets: list[str] | None = None, slot: int = 0,
        calibrate_from_run: bool = False):
    """An NbGraderAPI on the course; alembic (run when a gradebook is created) must be on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from autograder import nbgrader_speed

    nbgrader_speed.install()
    config = load_config(root, isolation, datasets, slot, calibrate_from_run)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def assignments(root: Path) -> list[str]:
    """The course's assignments: the folders of assignments/ (autograder.assignments)."""
    from autograder import assignments as declared

    return declared.names(root)


def copy_assignments(source: Path, target: Path, names, config: bool = True) -> None:
    """Make `target` a course holding the named assignments of the course at `source`: their
    folders (built into source/), nbgrader_config.py (unless `config` is False or target
    has one) and the calibrations taken on the grading devices."""
    import shutil

    from autograder import assignments as declared
    from autograder import build, timing

    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    if config and not (target / CONFIG_FILE).is_file():
        shutil.copy(Path(source) / CONFIG_FILE, target / CONFIG_FILE)
    for name in names:
        folder = declared.load(source, name).folder
        shutil.copytree(folder, target / declared.ASSIGNMENTS_DIR / name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        timings = Path(source) / timing.CALIBRATION_DIR / name
        if timings.is_dir():
            shutil.copytree(timings, target / timing.CALIBRATION_DIR / name, dirs_exist_ok=True)
        build.build(declared.load(target, name))
