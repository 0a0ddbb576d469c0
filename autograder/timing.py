"""Training-time budgets, calibrated against the reference solution on this device.

`calibrate()` runs the instructor's notebook (the reference solution) in the same
kind of kernel students get: one untimed warm-up run, then the median of several
timed runs of the training cell (MLPerf-style), each in a fresh kernel, with the
device and library versions recorded. The result is stored per device under
`calibration/<assignment>/<device id>.json`. A student's training cell, timed by
the executor from outside the kernel, passes when it took at most k x the
reference time. Without a calibration for this device the check fails and says
so: never a silent pass.

The timed cell alone can be dodged (train in another cell, or in a thread started
earlier), so the kernel's CPU time is measured too, from outside (its cgroup, else its
process tree: every thread counted): the whole notebook's CPU and wall time must stay
within k x the reference's, and a training cell that used next to none of the reference's
training CPU must not have left it to the rest of the notebook, nor trained nothing.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import nbformat

CALIBRATION_DIR = "calibration"
DEFAULT_FACTOR = 3.0
# A training cell under this share of the reference's training CPU is looked at closer
# (idle_training): did the CPU go elsewhere, or did the model take no training step?
TRAINED_SHARE = 0.1
# CPU outside the training cell, beyond the reference's, that tells training moved out of it:
# half a training's, and at least half a second (the checks' calls into the kernel and the
# start-up's own spread cost some tenths).
ELSEWHERE_SHARE = 0.5
ELSEWHERE_MIN_SECONDS = 0.5
# Steps counted by the trained model, at the reference's CPU per step, that the training cell
# must have spent at least this share of: else they were taken elsewhere. Unlike the CPU left
# to the rest of the notebook, this does not move with the machine's load (the start-up's CPU
# alone varies by seconds under load).
STEPS_SHARE = 0.1


class CellTimes(dict):
    """Wall seconds of each cell that ran cleanly, by grade_id (or cell id), as measured from
    outside the code; with each one's CPU seconds (`cpu`, every thread counted) and the
    notebook's totals so far (`cpu_total`: the kernel's CPU, whatever started it;
    `wall_total`: the wall time of all its cells)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cpu: dict[str, float] = {}
        self.cpu_total: float | None = None
        self.wall_total: float = 0.0

    def copy(self) -> "CellTimes":
        snapshot = CellTimes(self)
        snapshot.cpu, snapshot.cpu_total, snapshot.wall_total = dict(self.cpu), self.cpu_total, self.wall_total
        return snapshot

    def context(self) -> dict:
        """What the budget check reads, as the checks' context keys."""
        return {"cell_seconds": dict(self), "cell_cpu_seconds": dict(self.cpu),
                "kernel_cpu_seconds": self.cpu_total, "notebook_seconds": self.wall_total}


def _version(*names: str) -> str | None:
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


@functools.lru_cache(maxsize=1)  # asked for every submission's fingerprint
def _gpus() -> tuple[str, ...]:
    if not shutil.which("nvidia-smi"):
        return ()
    try:
        done = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                              capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return tuple(line.strip() for line in done.stdout.splitlines() if line.strip()) if done.returncode == 0 else ()


def device() -> dict:
    """What the timings were taken on."""
    gpus = list(_gpus())
    return {"kind": "gpu" if gpus else "cpu", "gpus": gpus, "cpu": _cpu_model(),
            "cores": os.cpu_count(), "python": platform.python_version(),
            "tensorflow": _version("tensorflow", "tensorflow-cpu"), "keras": _version("keras"),
            "numpy": _version("numpy")}


def device_id(info: dict | None = None) -> str:
    """A stable name for the hardware (not the library versions): cpu-1a2b3c4d."""
    info = info or device()
    key = json.dumps([info["kind"], info["gpus"], info["cpu"], info["cores"]])
    return f"{info['kind']}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


@dataclass
class Calibration:
    assignment: str
    cell: str
    seconds: float            # median of the timed runs
    runs: list[float]
    warmup: float | None      # the untimed first run's seconds; None: taken without one
    device: dict
    created: str
    # The hidden checks on the reference solution's trained model, on this grader's data
    # (the training-time check aside): {"scores": {grade_id: fraction}, "failures": [...]}.
    reference: dict | None = None
    # CPU seconds of the training cell, CPU and wall seconds of the whole notebook (medians);
    # None in a calibration made before they were measured.
    cpu_seconds: float | None = None
    notebook_cpu_seconds: float | None = None
    notebook_seconds: float | None = None
    # What the reference trained on, by dataset: where each came from (an embedded stand-in
    # says so: the stand-in VGG16 base, the drawn flowers), as the notebook printed it.
    data: dict | None = None
    # The training steps the reference's trained model's optimizer counted (None: unknown).
    training_steps: int | None = None

    @property
    def gpu_timed(self) -> bool:
        return self.device.get("kind") == "gpu"


def training_cell(root: Path, assignment: str) -> str | None:
    """The training cell the assignment declares (assignment.toml `training_cell`), if any."""
    from autograder import assignments

    return assignments.load(root, assignment).training_cell


def calibration_path(root: Path, assignment: str, device_name: str | None = None) -> Path:
    return Path(root) / CALIBRATION_DIR / assignment / f"{device_name or device_id()}.json"


def load(root: Path, assignment: str, device_name: str | None = None) -> Calibration | None:
    path = calibration_path(root, assignment, device_name)
    try:
        return Calibration(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def _is_test_cell(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def kernel_cpu(client) -> float | None:
    """The CPU seconds of the kernel `client` (an nbclient NotebookClient) runs so far, counted
    by its kernel manager from outside it; None where it cannot say (or the kernel is gone)."""
    used = getattr(getattr(client, "km", None), "cpu_used", None)
    try:
        return used() if used is not None else None
    except Exception:  # noqa: BLE001 - a kernel gone mid-read: not measured
        return None


def time_cell(notebook: Path, cell_id: str, kernel_manager_class, timeout: float,
              data_dirs: list[str] | None = None, after=None) -> CellTimes:
    """Run the notebook's code cells (test cells skipped) in a fresh kernel; their times, the
    cell `cell_id`'s under its grade_id. `after(client, nb)` runs last, while the kernel still
    holds what the notebook made."""
    from nbclient import NotebookClient
    from traitlets.config import Config

    nb = nbformat.read(str(notebook), as_version=4)
    if not any(c.metadata.get("nbgrader", {}).get("grade_id") == cell_id for c in nb.cells):
        raise ValueError(f"{notebook.name} has no cell with grade_id {cell_id!r}")
    with tempfile.TemporaryDirectory(prefix="dlgrade-calibrate-") as work:
        for path in notebook.parent.iterdir():  # the assignment's data files, as students get them
            if path.is_file() and path.suffix != ".ipynb":
                shutil.copy(path, work)
        client = NotebookClient(nb, timeout=int(timeout), kernel_name="python3",
                                kernel_manager_class=kernel_manager_class,
                                resources={"metadata": {"path": work}},
                                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                config=Config({"QuietKernelManager": {"datasets": data_dirs or []}}))
        times = CellTimes()
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or _is_test_cell(cell):
                    continue
                start, cpu = time.perf_counter(), kernel_cpu(client)
                client.execute_cell(cell, index)
                elapsed = time.perf_counter() - start
                errors = [o for o in cell.outputs if o.output_type == "error"]
                if errors:
                    raise RuntimeError(f"the reference notebook failed in cell {index + 1}: "
                                       f"{errors[0].ename}: {errors[0].evalue}")
                times.wall_total += elapsed
                key = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id")
                times[key] = elapsed
                times.cpu_total = kernel_cpu(client)
                if cpu is not None and times.cpu_total is not None:
                    times.cpu[key] = times.cpu_total - cpu
            if after is not None:
                after(client, nb)
        return times


def reference_checks(client, nb, root: Path, assignment: str) -> dict:
    """The assignment's checks on the kernel that just ran the reference notebook, through
    the bridge as in grading: does the reference clear its thresholds on this data? With the
    training steps its trained model counted (`training_steps`: the training cell's own checks
    find the trained model as grading's budget check does)."""
    from autograder import assignments
    from autograder.bridge import KernelStudent
    from autograder.checks import provenance
    from autograder.checks.runner import run_checks, score_groups

    declared = assignments.load(root, assignment)
    if not declared.checks_path.is_file():
        return {}  # nothing to check it against

    def run(code: str, seconds: float) -> list:
        probe = nbformat.v4.new_code_cell(code)
        saved = client.timeout, client.allow_errors
        client.timeout, client.allow_errors = max(1, int(round(seconds))), True
        try:
            client.execute_cell(probe, len(nb.cells) - 1, store_history=False)
        finally:
            client.timeout, client.allow_errors = saved
        return probe.outputs

    student = KernelStudent(run, call_timeout=60)
    student.context = {"assignment": assignment, "course_root": root, "cell_seconds": {},
                       "budgets": []}
    student.install()
    outcomes = [o for o in run_checks(declared, student) if o.name != "test_training_within_budget"]
    model = provenance.trained(student)
    steps = model.training_steps if model is not None else None
    return {"scores": score_groups(outcomes), "training_steps": steps,
            "failures": [f"{o.grade_id}/{o.name}: {(o.message or '').splitlines()[0]}"
                         for o in outcomes if not o.passed]}


def calibrate(root: Path, assignment: str, cell: str, runs: int = 3, timeout: float = 3600,
              kernel_manager_class=None, progress=None, warmup: bool = True) -> Calibration:
    """Warm up once (unless not `warmup`), time `runs` fresh runs, store the median for this
    device. Each run is a fresh kernel, so what a warm-up warms is the machine's (the page
    cache, a GPU's compiled kernels); a calibration taken without one can only be slower,
    its budget more lenient."""
    from autograder import assignments, build, datasets, sandbox

    if runs < 1:
        raise ValueError("runs must be at least 1")
    notebooks = sorted((Path(root) / "source" / assignment).glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"no notebook in source/{assignment}")
    if kernel_manager_class is None:  # the same kind of kernel the students get
        kernel_manager_class = (sandbox.SandboxKernelManager if sandbox.probe().level != "none"
                                else sandbox.QuietKernelManager)
    notebook = next((nb for nb in notebooks if _has_cell(nb, cell)), notebooks[0])
    declared = assignments.load(root, assignment)
    build.ensure_support(declared)
    data_dirs = datasets.prepare(root, declared.datasets)  # the data students train on
    warmed = time_cell(notebook, cell, kernel_manager_class, timeout, data_dirs)[cell] if warmup else None
    if progress and warmed is not None:
        progress(f"warm-up: {warmed:.3f} s (not counted)")
    timed, reference = [], {}
    for i in range(runs):
        last = i == runs - 1  # the checks run after the last timed run, outside its timing
        timed.append(time_cell(notebook, cell, kernel_manager_class, timeout, data_dirs,
                               after=(lambda client, nb: reference.update(reference_checks(
                                   client, nb, root, assignment)))
                               if last else None))
        if progress:
            progress(f"run {i + 1}/{runs}: {timed[-1][cell]:.3f} s")
    if progress:
        progress(describe_reference(reference))
    steps = reference.pop("training_steps", None)
    result = calibration_of(assignment, cell, timed, warmed, reference, steps)
    result.data = data_words(declared)
    if progress:
        for name, words in (result.data or {}).items():
            progress(f"{name}: {words}")
    save(root, result)
    return result


def data_words(declared) -> dict | None:
    """What the reference trains on, by dataset, as the notebook says it (Calibration.data)."""
    from autograder import datasets

    return {name: datasets.student_words(name, datasets.evaluation(name))
            for name in declared.datasets} or None


def save_graded_run(root: Path, assignment: str, cell: str, times: CellTimes) -> Calibration:
    """The calibration the reference solution's own graded run makes (`dlgrade validate` and
    `dlgrade demo` on a device with none): its cells as the executor timed them up to its
    training-time check, which compares with it, like for like, as every later submission's
    does; one run, no warm-up, as those commands took before, one training fewer. Its training
    steps are unknown until that check has counted them (with_training_steps)."""
    from autograder import assignments

    result = calibration_of(assignment, cell, [times], None, {})
    result.data = data_words(assignments.load(root, assignment))
    save(root, result)
    return result


def with_training_steps(root: Path, calibration: Calibration, steps: int | None) -> Calibration:
    """`calibration`, saved again with the training steps its reference's model counted."""
    calibration.training_steps = steps
    save(root, calibration)
    return calibration


def calibration_of(assignment: str, cell: str, timed: list[CellTimes], warmup: float | None,
                   reference: dict | None = None, steps: int | None = None) -> Calibration:
    """The calibration these timed runs of the reference make on this device: medians; `steps`,
    the training steps its trained model counted."""
    def median(values):
        values = [v for v in values if v is not None]
        return round(statistics.median(values), 4) if values else None

    return Calibration(assignment=assignment, cell=cell, seconds=median(t[cell] for t in timed),
                       runs=[round(t[cell], 4) for t in timed],
                       warmup=None if warmup is None else round(warmup, 4),
                       device=device(), reference=reference,
                       created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                       cpu_seconds=median(t.cpu.get(cell) for t in timed),
                       notebook_cpu_seconds=median(t.cpu_total for t in timed),
                       notebook_seconds=median(t.wall_total for t in timed),
                       training_steps=steps)


def save(root: Path, calibration: Calibration) -> Path:
    """Store a calibration where `load` finds it for its device."""
    path = calibration_path(root, calibration.assignment, device_id(calibration.device))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(calibration), indent=1, sort_keys=True) + "\n")
    return path


def describe_reference(reference: dict) -> str:
    """One line (or a warning with the failures) on how the reference scores on this data."""
    scores = reference.get("scores") or {}
    if not reference:
        return "no hidden checks to run on the reference solution"
    if scores and all(score == 1.0 for score in scores.values()):
        return "the reference solution passes every hidden check on this grader's data"
    lines = ["WARNING: the reference solution does not pass every hidden check on this "
             "grader's data, so its thresholds do not fit this data: adjust the thresholds in "
             "assignment.toml before grading"]
    lines += [f"  {line}" for line in reference.get("failures") or ["(no checks ran)"]]
    return "\n".join(lines)


def _has_cell(notebook: Path, cell: str) -> bool:
    nb = nbformat.read(str(notebook), as_version=4)
    return any(c.metadata.get("nbgrader", {}).get("grade_id") == cell for c in nb.cells)


def budget_failure(student_seconds: float | None, calibration: Calibration | None,
                   factor: float = DEFAULT_FACTOR, assignment: str = "") -> str | None:
    """Why the training cell is over budget (or cannot be judged); None when within it."""
    if calibration is None:
        return (f"uncalibrated: there is no reference timing for {assignment or 'this assignment'} "
                f"on this device ({device_id()}); the instructor runs `dlgrade calibrate "
                f"{assignment or 'ASSIGNMENT'}` first")
    if student_seconds is None:
        return (f"the training cell {calibration.cell} did not run to the end (it raised an "
                "error, or was never run), so it could not be timed")
    limit = factor * calibration.seconds
    kind = "GPU-timed" if calibration.gpu_timed else "CPU-timed"
    if student_seconds > limit:
        return (f"the training cell {calibration.cell} took {student_seconds:.2f} s, over the "
                f"budget of {factor:g} x the reference solution's {calibration.seconds:.2f} s = "
                f"{limit:.2f} s ({kind} on {device_id(calibration.device)})")
    return None


def usage_failure(context: dict, calibration: Calibration, factor: float = DEFAULT_FACTOR,
                  assignment: str = "", steps: int | None = None) -> str | None:
    """Why the notebook's CPU and wall time, or its training cell's CPU, break the budget
    (training outside the timed cell, or none in it); None when they keep it. `context` holds
    what CellTimes.context() gives; `steps`, the training steps the trained model's optimizer
    counted (None: unknown)."""
    if calibration.cpu_seconds is None or calibration.notebook_cpu_seconds is None:
        return (f"the calibration of {assignment or 'this assignment'} on this device predates "
                "the whole-notebook CPU timing; the instructor runs `dlgrade calibrate "
                f"{assignment or 'ASSIGNMENT'}` again")
    idle = idle_training(context, calibration, steps)
    if idle:
        return idle
    total = context.get("kernel_cpu_seconds")
    if total is not None and total > factor * calibration.notebook_cpu_seconds:
        return (f"the notebook used {total:.1f} s of CPU in all (every thread of its kernel, "
                f"whichever cell started it), over the budget of {factor:g} x the reference "
                f"solution's {calibration.notebook_cpu_seconds:.1f} s = "
                f"{factor * calibration.notebook_cpu_seconds:.1f} s")
    wall = context.get("notebook_seconds")
    if wall and calibration.notebook_seconds and wall > factor * calibration.notebook_seconds:
        return (f"the notebook's cells took {wall:.1f} s in all, over the budget of {factor:g} x "
                f"the reference solution's {calibration.notebook_seconds:.1f} s = "
                f"{factor * calibration.notebook_seconds:.1f} s")
    return None


def moved_training_cpu(context: dict, calibration: Calibration) -> float | None:
    """When the training cell used under a tenth of the reference's training CPU while the rest
    of the notebook used more than the reference's by half a training's (and at least
    ELSEWHERE_MIN_SECONDS): that excess, the training moved out of the timed cell (another
    cell, a thread started earlier). None otherwise."""
    cell_cpu = _idle_cell_cpu(context, calibration)
    total = context.get("kernel_cpu_seconds")
    if cell_cpu is None or total is None:
        return None
    elsewhere = (total - cell_cpu) - (calibration.notebook_cpu_seconds - calibration.cpu_seconds)
    if elsewhere > max(ELSEWHERE_SHARE * calibration.cpu_seconds, ELSEWHERE_MIN_SECONDS):
        return elsewhere
    return None


def steps_cpu(calibration: Calibration, steps: int | None) -> float | None:
    """The CPU seconds `steps` training steps take at the reference's pace; None when unknown
    (no step, or a calibration without the reference's step count)."""
    if not steps or not calibration.training_steps or not calibration.cpu_seconds:
        return None
    return steps * calibration.cpu_seconds / calibration.training_steps


def trained_elsewhere(context: dict, calibration: Calibration, steps: int | None = None) -> str | None:
    """What says the training cell, under a tenth of the reference's training CPU, left the
    training to the rest of the notebook (another cell, a thread started earlier): the CPU
    the rest used beyond the reference's, or the trained model's steps, more than the cell's
    CPU can have taken. None when neither does."""
    cell_cpu = _idle_cell_cpu(context, calibration)
    if cell_cpu is None:
        return None
    elsewhere = moved_training_cpu(context, calibration)
    if elsewhere is not None:
        return f"the rest of the notebook used {elsewhere:.1f} s more CPU than the reference's"
    needed = steps_cpu(calibration, steps)
    if needed is not None and cell_cpu < STEPS_SHARE * needed:
        return (f"its model counted {steps} training steps, which took the reference "
                f"{needed:.1f} s of CPU")
    return None


def idle_training(context: dict, calibration: Calibration, steps: int | None = None) -> str | None:
    """Why the training cell did not do the notebook's training, or None. Under a tenth of the
    reference's training CPU is not enough to say so (a bigger batch or fewer epochs are honest
    and cheap): the training must have happened elsewhere (trained_elsewhere), or the model
    took no training step."""
    cell_cpu = _idle_cell_cpu(context, calibration)
    if cell_cpu is None:
        return None
    said = (f"the training cell {calibration.cell} used {cell_cpu:.2f} s of CPU, under a tenth "
            f"of the reference solution's {calibration.cpu_seconds:.2f} s")
    elsewhere = trained_elsewhere(context, calibration, steps)
    if elsewhere is not None:
        return (f"{said}, while {elsewhere}: the training happened outside the timed cell (in "
                "another cell, or in a background thread), which does not earn this point")
    if steps is None or steps == 0:
        return f"{said}, and its model took no training step: no training happened in it"
    return None


def _idle_cell_cpu(context: dict, calibration: Calibration) -> float | None:
    """The training cell's CPU seconds when under TRAINED_SHARE of the reference's, else None."""
    cell_cpu = (context.get("cell_cpu_seconds") or {}).get(calibration.cell)
    if cell_cpu is None or not calibration.cpu_seconds or calibration.notebook_cpu_seconds is None \
            or cell_cpu >= TRAINED_SHARE * calibration.cpu_seconds:
        return None
    return cell_cpu
