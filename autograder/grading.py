"""Grade a batch: validate each submission, autograde it with nbgrader, collect results.

One submission's failure (missing or malformed notebook, dead kernel, an
nbgrader error) costs that submission its points with a reason; the batch
always goes on.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import json
import os
import queue
import re
import stat
import sys
import tempfile
import threading
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from autograder import (assignments, build, cluster, course, datasets, dispatch, sandbox, secret,
                        slots, tamper, timing)
from autograder.checks import runner
from autograder.quiet import import_tensorflow

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
# What a submission folder may hold, judged from the file system before anything reads or
# copies it (nbgrader's copy would turn a sparse file into real disk).
MAX_SUBMISSION_FILES = 200
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_SUBMISSION_BYTES = 100 * 1024 * 1024


@dataclass
class StudentResult:
    student: str
    score: float
    max_score: float
    status: str  # "graded" | "error"
    reason: str | None
    seconds: float = 0.0
    kept: bool = False  # graded by an earlier run, and nothing it depends on has changed

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "student"}


def source_notebooks(root: Path, assignment: str) -> list[str]:
    folder = root / "source" / assignment
    if not folder.is_dir():
        known = ", ".join(course.assignments(root)) or "none"
        raise ValueError(f"no assignment {assignment!r} in source/ (known: {known})")
    return sorted(p.name for p in folder.glob("*.ipynb"))


def submitted_students(root: Path, assignment: str) -> list[str]:
    base = root / "submitted"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())


def check_files(folder: Path) -> str | None:
    """Why the files of a submission folder cannot be taken, or None: judged from their
    metadata alone (lstat), nothing read or followed."""
    links, special, count, total = [], [], 0, 0
    for directory, subfolders, files in os.walk(folder, followlinks=False):
        for name in subfolders + files:
            path = Path(directory) / name
            info = path.lstat()
            shown = str(path.relative_to(folder))
            if stat.S_ISLNK(info.st_mode):
                # nbgrader copies with shutil.copy, which follows links: a link to the
                # gradebook would arrive in the student's kernel as a copy of it
                links.append(shown)
            elif stat.S_ISDIR(info.st_mode):
                continue
            elif not stat.S_ISREG(info.st_mode):
                special.append(shown)
            else:
                count += 1
                size = max(info.st_size, info.st_blocks * 512)  # a sparse file: its full size
                total += size
                if size > MAX_FILE_BYTES:
                    return (f"{shown} is {size / 2**20:,.0f} MiB, over the {MAX_FILE_BYTES // 2**20} "
                            "MiB a submitted file may be")
    if links:
        return (f"the submission contains symbolic links ({', '.join(sorted(links)[:5])}); links "
                "are not accepted, submit the files themselves")
    if special:
        return (f"the submission contains files that are not plain files ({', '.join(sorted(special)[:5])}: "
                "a pipe, a socket or a device); submit plain files only")
    if count > MAX_SUBMISSION_FILES:
        return f"the submission holds {count:,} files, over the limit of {MAX_SUBMISSION_FILES}"
    if total > MAX_SUBMISSION_BYTES:
        return (f"the submission's files come to {total / 2**20:,.0f} MiB, over the limit of "
                f"{MAX_SUBMISSION_BYTES // 2**20} MiB")
    return None


def validate_submission(root: Path, assignment: str, student: str, notebooks: list[str]) -> str | None:
    """Why this submission cannot be graded, or None when it can."""
    folder = root / "submitted" / student / assignment
    refused = check_files(folder)
    if refused:
        return refused
    for name in notebooks:
        path = folder / name
        if not path.is_file():
            present = sorted(p.name for p in folder.glob("*.ipynb"))
            return (f"missing notebook {name} (found: {', '.join(present) or 'no notebooks'}); "
                    "was it renamed?")
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            return f"{name} is {size / 2**20:.1f} MiB, over the {MAX_NOTEBOOK_BYTES // 2**20} MiB limit"
        try:
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
        except Exception as exc:  # noqa: BLE001 - any parse failure is the student's notebook
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return f"{name} is not a valid notebook: {first[:300]}"
    return None


def max_score(api, assignment: str) -> float:
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        return float(gb.find_assignment(assignment).max_score)


def ensure_in_gradebook(api, assignment: str) -> None:
    """The gradebook holds the assignment's grade cells (hidden checks' points, checksums)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        try:
            gb.find_assignment(assignment)
            return
        except MissingEntry:
            pass
    result = api.generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise RuntimeError(f"could not register {assignment} in the gradebook:\n{result['log']}")


def _gradebook_score(api, assignment: str, student: str) -> float | None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        try:
            return float(gb.find_submission(assignment, student).score)
        except MissingEntry:
            return None


def _results_path(root: Path, assignment: str, student: str) -> Path:
    return root / "autograded" / student / assignment / "results.json"


def saved_results(root: Path, assignment: str, student: str) -> dict:
    """The results.json a grading wrote for one student (OSError when there is none)."""
    return json.loads(_results_path(Path(root), assignment, student).read_text())


def _write_json(path: Path, data: dict) -> None:
    """Whole or not at all: a grader killed mid-write leaves the old file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(partial, path)


def fingerprint(root: Path, assignment: str, student: str, isolation: str) -> str:
    """A digest of everything a grade depends on: the submission, the assignment's
    notebooks, its folder (declaration, checks...), the shared checks, the course
    configuration, the data (the held-out draw's seed too) and this device's calibration,
    and the isolation level."""
    digest = hashlib.sha256(isolation.encode())
    folder = root / "submitted" / student / assignment
    inputs = [p for p in sorted(folder.rglob("*")) if not p.is_symlink() and p.is_file()
              and stat.S_ISREG(p.lstat().st_mode)]
    inputs += sorted((root / "source" / assignment).glob("*.ipynb"))
    inputs += [root / course.CONFIG_FILE]
    # what the model checks measure against: the data and this device's calibration
    try:
        declared = assignments.load(root, assignment)
    except ValueError:  # no folder: grading says so per test cell
        declared = None
    if declared is not None:
        inputs += declared.files()
        inputs += [p for p in datasets.manifests(root, declared.datasets) if p.is_file()]
        if declared.datasets:  # which held-out draw of a stand-in the grade was measured on
            digest.update(f"held-out:{secret.seed()}".encode())
    calibration = timing.calibration_path(root, assignment)
    inputs += [calibration] if calibration.is_file() else []
    inputs += trusted_code()
    for path in inputs:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path.name).encode())
        info = path.stat()
        if max(info.st_size, info.st_blocks * 512) > MAX_FILE_BYTES:  # refused unread anyway
            digest.update(f"{info.st_size}:{info.st_mtime_ns}".encode())
            continue
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def trusted_code() -> list[Path]:
    """The grader's code a check's verdict depends on: the shared checks, the mistakes they
    name and the reference implementations they compare with."""
    package = runner.CHECKS_DIR.parent
    files = sorted(runner.CHECKS_DIR.glob("*.py")) + [package / "mistakes.py"]
    return files + sorted((package.parent / "reference").glob("*.py"))


def kept_result(root: Path, api, assignment: str, student: str, digest: str) -> StudentResult | None:
    """The result of an earlier run, when it finished and nothing it depends on changed."""
    try:
        results = saved_results(root, assignment, student)
    except (OSError, ValueError):
        return None
    if results.get("fingerprint") != digest or results.get("status") not in ("graded", "error"):
        return None
    score = float(results.get("score") or 0.0)
    if results["status"] == "graded":
        recorded = _gradebook_score(api, assignment, student)
        if recorded is None or recorded != results.get("gradebook_score"):
            return None  # the gradebook lost or changed it: grade again
        score = recorded
    return StudentResult(student, round(score, 4), float(results.get("max_score") or 0.0),
                         results["status"], results.get("reason"),
                         float(results.get("seconds_total") or 0.0), kept=True)


def _write_error_results(root: Path, assignment: str, student: str, reason: str,
                         max_points: float, isolation: str, digest: str | None = None,
                         restored: list[str] | None = None) -> None:
    _write_json(_results_path(root, assignment, student), {
        "version": 1, "assignment": assignment, "student": student, "isolation": isolation,
        "status": "error", "reason": reason, "score": 0.0, "max_score": max_points,
        "cells": [], "fingerprint": digest, "restored": restored or [],
    })


def _nbgrader_error(outcome: dict) -> str:
    """The informative line of a failed nbgrader run (not its generic summary)."""
    text = (outcome.get("log") or "") + "\n" + (outcome.get("error") or "")
    lines = [line.strip() for line in text.splitlines()]
    errors = [line for line in lines if re.match(r"^[\w.]+(Error|Exception): ", line)
              and "NbGraderException" not in line]
    return errors[-1][:500] if errors else "unknown error (see the grader log)"


def _tampering(api, assignment: str, student: str, notebooks: list[str]) -> list[str]:
    try:
        return tamper.describe(api, assignment, student, notebooks)
    except Exception as exc:  # noqa: BLE001 - the report is a courtesy; grading goes on
        return [f"could not compare the protected cells: {type(exc).__name__}: {exc}"]


def grade_one(root: Path, api, assignment: str, student: str, notebooks: list[str],
              max_points: float, isolation: str = "none") -> StudentResult:
    import time

    start = time.monotonic()
    digest = fingerprint(root, assignment, student, isolation)
    reason = validate_submission(root, assignment, student, notebooks)
    restored: list[str] = []
    if reason is None:
        restored = _tampering(api, assignment, student, notebooks)
        outcome = api.autograde(assignment, student, force=True, create=True)
        if not outcome["success"]:
            reason = "nbgrader could not autograde it: " + _nbgrader_error(outcome)
    seconds = round(time.monotonic() - start, 3)
    if reason is not None:
        _write_error_results(root, assignment, student, reason, max_points, isolation, digest,
                             restored)
        return StudentResult(student, 0.0, max_points, "error", reason, seconds)
    results_path = _results_path(root, assignment, student)
    results = json.loads(results_path.read_text())
    score = _gradebook_score(api, assignment, student)
    # Written last, with the fingerprint: a run killed before this point grades it again.
    results.update(status="graded", reason=results.get("kernel"), restored=restored,
                   gradebook_score=score, seconds_total=seconds, fingerprint=digest)
    _write_json(results_path, results)
    return StudentResult(student, round(score if score is not None else results["score"], 4),
                         max_points, "graded", results.get("kernel"), seconds)


def grade(root: Path, assignment: str, students: list[str] | None = None,
          isolation: str | None = None, progress=None, regrade: bool = False,
          jobs: int | None = None, ray: str | None = None,
          calibrate_from: str | None = None) -> list[StudentResult]:
    """Grade every submission of `assignment` (or just `students`), in student order.

    `isolation` is the level the kernels run under; by default the best this
    machine gives (`sandbox.probe()`), "none" for plain kernels. A submission
    an earlier run finished is kept when nothing it depends on changed (so a
    killed batch resumes where it stopped), unless `regrade`. `jobs` submissions
    are graded at once (autograder.slots; default: as many as cores and memory
    allow; with `ray`, a Ray cluster's address, each slot is an actor there: autograder.cluster,
    as many as its CPUs by default); `progress(result)` is called as each finishes, from one
    thread at a time. `calibrate_from`: a student whose submission is the reference solution;
    where the device has no calibration for a timed assignment, that submission is graded
    first, alone, and its run taken as the calibration (TrustedExecute.calibrate_from_run),
    which every other submission's training-time check then compares with.
    """
    if isolation is None:
        isolation = sandbox.probe().level
    declared = assignments.load(root, assignment)
    build.ensure_support(declared)
    notebooks = source_notebooks(root, assignment)
    # nbgrader's gradebook code trips SQLAlchemy's autoflush warnings; they are not ours to fix.
    warnings.filterwarnings("ignore", module="nbgrader.api")
    data_dirs = datasets.prepare(root, declared.datasets)
    api = course.api(root, isolation, data_dirs)
    ensure_in_gradebook(api, assignment)
    max_points = max_score(api, assignment)
    if students is None:
        students = submitted_students(root, assignment)
    if jobs is not None and jobs < 1:
        raise ValueError(f"--jobs must be at least 1, not {jobs}")
    first = calibrate_from if (calibrate_from in students and declared.training_cell
                               and timing.load(root, assignment) is None) else None
    if first is not None:
        print(f"{assignment}: no calibration for {timing.device_id()}: the reference solution's "
              f"graded run ({first}) is taken as it", file=sys.stderr, flush=True)
    started_ray = cluster.connect(ray, jobs) if ray else False
    try:
        jobs = min(jobs or cluster.cluster_cpus(), max(1, len(students))) if ray else \
            local_jobs(root, len(students), jobs)
        return _grade_batch(root, assignment, students, notebooks, max_points, isolation,
                            data_dirs, regrade, api, jobs,
                            cluster.RayWorker if ray else dispatch.Worker, progress, first)
    finally:
        if started_ray:
            cluster.disconnect()


def _grade_batch(root: Path, assignment: str, students: list[str], notebooks: list[str],
                 max_points: float, isolation: str, data_dirs: list[str], regrade: bool, api,
                 jobs: int, worker_class, progress, first: str | None = None) -> list[StudentResult]:
    """`students` in `jobs` slots, each with a worker of `worker_class`; results in order.
    `first` (one of them, grade's calibrate_from): graded before any other, alone, its run
    calibrating the device; then the rest, its worker among theirs."""
    work = queue.SimpleQueue()
    for student in students:
        if student != first:
            work.put(student)
    results: dict[str, StudentResult] = {}
    reporting = threading.Lock()
    calibrated = threading.Event()  # the other slots wait for `first`
    if first is None:
        calibrated.set()
    with tempfile.TemporaryDirectory(prefix="dlgrade-slots-") as lock_dir:
        def run(worker, number: int, student: str, calibrating: bool = False) -> None:
            result = _grade_in(worker, root, assignment, student, notebooks, max_points,
                               isolation, data_dirs, regrade, api,
                               (number, lock_dir if jobs > 1 else None), calibrating)
            with reporting:
                results[student] = result
                if progress:
                    progress(result)

        def slot(number: int) -> None:
            try:
                with worker_class() as worker:
                    if number == 0 and first is not None:
                        run(worker, number, first, calibrating=True)
                        calibrated.set()
                    calibrated.wait()
                    while True:
                        try:
                            student = work.get_nowait()
                        except queue.Empty:
                            return
                        run(worker, number, student)
            finally:
                if number == 0:  # even when its worker could not start: never a slot left waiting
                    calibrated.set()

        if jobs == 1:
            slot(0)
        else:
            with concurrent.futures.ThreadPoolExecutor(jobs, thread_name_prefix="dlgrade-slot") as pool:
                for done in [pool.submit(slot, n) for n in range(jobs)]:
                    done.result()
    return [results[student] for student in students]


def local_jobs(root: Path, students: int, jobs: int | None = None) -> int:
    """The slots a batch of `students` gets on this machine: `jobs`, or as many as its cores
    and memory allow (autograder.slots); never more than there are submissions."""
    return min(jobs or slots.default_jobs(kernel_memory(root), students), max(1, students))


def kernel_memory(root: Path) -> int:
    """The memory limit of one sandboxed kernel, as the course configures it."""
    configured = course.load_config(root).SandboxKernelManager
    return sandbox.parse_size(configured.get("memory_limit", sandbox.SandboxKernelManager.memory_limit.default_value))


def _grade_in(worker, root: Path, assignment: str, student: str, notebooks: list[str],
              max_points: float, isolation: str, data_dirs: list[str], regrade: bool, api,
              slot: tuple[int, str | None], calibrating: bool = False) -> StudentResult:
    """One submission, in one slot's worker: kept, graded, or an error that says why."""
    try:
        kept = None if regrade else kept_result(
            root, api, assignment, student, fingerprint(root, assignment, student, isolation))
        return kept or worker.run(grade_submission, root, assignment, student, notebooks,
                                  max_points, isolation, data_dirs, slot, calibrating)
    except dispatch.WorkerDied as died:  # the grading itself died: this submission only
        reason = (f"{died} while grading this submission, so it was not graded (a student's "
                  f"model too large for the grader, or the machine ran out of memory); "
                  f"`dlgrade grade {assignment} --student {student} --regrade` tries again")
        _write_error_results(root, assignment, student, reason, max_points, isolation,
                             fingerprint(root, assignment, student, isolation))
        return StudentResult(student, 0.0, max_points, "error", reason)
    except Exception as exc:  # noqa: BLE001 - never lose the batch to one submission
        reason = f"internal grader error: {type(exc).__name__}: {exc}"
        _write_error_results(root, assignment, student, reason, max_points, isolation)
        return StudentResult(student, 0.0, max_points, "error", reason)


_WORKER_APIS: dict = {}


def grade_submission(root: Path, assignment: str, student: str, notebooks: list[str],
                     max_points: float, isolation: str, data_dirs: list[str],
                     slot: tuple[int, str | None] = (0, None),
                     calibrating: bool = False) -> StudentResult:
    """grade_one, in the worker process (autograder.dispatch), with its own nbgrader API.
    `slot` is (this slot's number: its kernels' uid, the batch's lock folder or None);
    `calibrating`: this run calibrates the device (grade's calibrate_from)."""
    number, lock_dir = slot
    if lock_dir:  # another node of a cluster: a lock of its own, for its own machine
        Path(lock_dir).mkdir(parents=True, exist_ok=True)
    lock = slots.SlotLock(lock_dir) if lock_dir else None
    slots.use(lock)
    with lock.shared() if lock else contextlib.nullcontext():
        key = (str(root), isolation, tuple(data_dirs), number, calibrating)
        if assignments.load(root, assignment).training_cell:  # its checks rebuild Keras models
            import_tensorflow()
        if key not in _WORKER_APIS:
            warnings.filterwarnings("ignore", module="nbgrader.api")
            _WORKER_APIS[key] = course.api(root, isolation, data_dirs, slot=number,
                                           calibrate_from_run=calibrating)
        return grade_one(root, _WORKER_APIS[key], assignment, student, notebooks, max_points,
                         isolation)
