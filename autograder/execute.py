"""The executor: nbgrader's Execute with test cells run as trusted checks.

Solution and ordinary cells run in the student's kernel, each timed from
outside. Test cells are never sent to the kernel: the checks mapped to the
cell's grade_id run here, in the grader, reaching the student's code only
through the bridge, and this preprocessor writes the cell's outputs itself:
the score as a plain float execute_result (nbgrader partial credit) and a
stdout account of what passed and failed. Everything it learns goes to
results.json beside the autograded notebook.

The kernel is started by nbclient's `kernel_manager_class`: the seam where a
sandboxed launcher plugs in.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import nbformat
from nbformat.corpus.words import generate_corpus_id as random_cell_id
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader import utils
from nbgrader.preprocessors import Execute
from traitlets import Bool, Float, Integer, Unicode, default

from autograder import assignments, slots, timing
from autograder.bridge import RESULT_MIME, KernelStudent, StudentError
from autograder.checks.runner import Rehearsal, TestOutcome, rehearse, run_checks, score_groups
from autograder.sandbox import MAX_MESSAGE_BYTES
from autograder.text import clean

RESULTS_VERSION = 1
UNFINISHED = (f"a broken kernel, or a single output over {MAX_MESSAGE_BYTES // 2**20} MiB, which "
              "the grader refuses")


# Colour codes; their escape character is already "?" when the output has been cleaned.
ANSI = re.compile(r"(?:\x1b|\?)\[[0-9;]*m")
CELL_LINE = re.compile(r"(?:Cell In\[\d+\]|<ipython-input-[^>]*>), line (\d+)")
ERROR_TEXT = 500  # characters of a student's exception message results.json keeps


def raised(cell) -> dict | None:
    """What the student's own cell raised: the exception's type and message and the line of the
    cell it came from (the last frame in the cell), as data for the report, never markup."""
    error = next((o for o in cell.outputs if o.output_type == "error"), None)
    if error is None:
        return None
    found = {"type": clean(str(error.get("ename", "")), limit=100),
             "message": clean(str(error.get("evalue", "")), limit=ERROR_TEXT)}
    trace = ANSI.sub("", "\n".join(str(line) for line in error.get("traceback") or []))
    lines = CELL_LINE.findall(trace)
    if lines:
        number = int(lines[-1])
        source = cell.source.splitlines()
        if 1 <= number <= len(source):
            found.update(line=number, code=clean(source[number - 1].strip(), limit=200))
    return found


def _slot_waited() -> float:
    lock = slots.current()
    return lock.waited if lock is not None else 0.0


def _stream(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def _score_output(score: float) -> nbformat.NotebookNode:
    # A plain Python float repr: nbgrader parses text/plain with float().
    return nbformat.v4.new_output("execute_result", data={"text/plain": repr(float(score))},
                                  execution_count=None)


def _output_bytes(content: dict) -> int:
    """About how many bytes an iopub message adds to the notebook, metadata included."""
    total = len(content["text"]) if isinstance(content.get("text"), str) else 0
    for value in (content.get("data") or {}).values():
        total += len(value) if isinstance(value, str) else len(json.dumps(value))
    for key in ("metadata", "transient"):
        if content.get(key):
            total += len(json.dumps(content[key]))
    return total + sum(len(line) for line in content.get("traceback") or [] if isinstance(line, str))


def _cleaned(content: dict) -> None:
    """Text a kernel sent, made writable (no lone surrogates, no control characters): a
    student's print can never fail the notebook's writing, and so the submission."""
    for key in ("text", "evalue", "ename"):
        if isinstance(content.get(key), str):
            content[key] = clean(content[key], limit=None)
    if isinstance(content.get("traceback"), list):
        content["traceback"] = [clean(line, limit=None) if isinstance(line, str) else "" for line
                                in content["traceback"]]
    data = content.get("data")
    if isinstance(data, dict):
        for mime, value in data.items():
            if isinstance(value, str):
                data[mime] = clean(value, limit=None) if mime != RESULT_MIME else value


def account(grade_id: str, score: float, points: float, outcomes: list[TestOutcome],
            reason: str | None) -> str:
    """The readable account a student sees under a test cell."""
    lines = [f"{grade_id}: {score:g} / {points:g} points"]
    if reason:
        lines.append(f"  not graded: {reason}")
    for o in outcomes:
        mark = "passed" if o.passed else "FAILED"
        lines.append(f"  [{mark}] {o.name}")
        if o.message:
            lines.extend("      " + line for line in o.message.splitlines())
    return "\n".join(lines) + "\n"


class TrustedExecute(Execute):
    """Replaces nbgrader's Execute in Autograde.autograde_preprocessors."""

    results_root = Unicode(
        "", help="Directory under which <student>/<assignment>/results.json is written."
    ).tag(config=True)
    course_root = Unicode("", help="The course directory: its assignments/ folder holds each "
                                   "assignment's declaration and hidden checks.").tag(config=True)
    call_timeout = Float(10.0, help="Seconds one bridge call into the kernel may take.").tag(config=True)
    batch_calls = Bool(True, help="Make a test cell's function calls ahead, in batches, as the "
                                  "checks would make them for a right answer (the same outcomes, "
                                  "fewer round trips into the kernel).").tag(config=True)
    isolation = Unicode("none", help="The isolation level the kernel ran under.").tag(config=True)
    max_cell_output = Integer(2 * 2**20, help="Bytes of output one cell may keep.").tag(config=True)
    max_notebook_output = Integer(16 * 2**20, help="Bytes of output the notebook may keep.").tag(config=True)
    training_timeout = Integer(3600, help="Seconds the assignment's training cell (its "
                                          "declared training_cell) may take; other cells get "
                                          "`timeout`.").tag(config=True)
    calibrate_from_run = Bool(False, help="This submission is the reference solution: where "
                                          "the device has no calibration, take it from this "
                                          "run, just before its training-time checks "
                                          "(`dlgrade validate`, `dlgrade demo`).").tag(config=True)
    submission_timeout = Integer(600, help="Seconds a whole submission may take, its cells and "
                                           "its checks, besides its training cell's own time; "
                                           "what is left then is not run.").tag(config=True)

    @default("shutdown_kernel")
    def _kill_when_done(self):
        # A student's kernel has nothing to save when its notebook is done: no shutdown
        # request and wait (a tenth of a second a submission), the kernel is killed.
        return "immediate"

    def preprocess(self, nb, resources, km=None):
        info = resources.get("nbgrader", {})
        self._assignment = info.get("assignment", "")
        self._student_id = info.get("student", "")
        self._cells: list[dict] = []
        self._dead: str | None = None
        self._kernel_error: str | None = None
        self._current_index = 0
        self._bridge_call = False
        self._cell_bytes: dict[int, int] = {}
        self._notebook_bytes = 0
        self._truncated: set[int] = set()
        self._budgets: list[dict] = []
        self._flags: list[dict] = []
        self._samples: dict[str, dict] = {}  # what a generator drew, drawn by the checks, by title
        self._measured: dict[str, float] = {}  # what earlier test cells' checks measured
        self._wall_total = 0.0  # of every student cell that ran
        self._submission_dir = (resources.get("metadata") or {}).get("path")
        self._declared = None
        if self._assignment and self.course_root:
            try:
                self._declared = assignments.load(Path(self.course_root), self._assignment)
            except ValueError as exc:  # no folder (or a broken one): every test cell says so
                self._kernel_error = f"the assignment cannot be graded: {exc}"
        self._training = self._declared.training_cell if self._declared else None
        self._started, self._training_seconds = time.monotonic(), 0.0
        self._waited_before = _slot_waited()
        self.timeout_func = self._cell_limit
        started = self._started
        try:
            nb, resources = super().preprocess(nb, resources, km=km)
        except Exception as exc:  # noqa: BLE001 - the kernel could not start or broke down
            self._kernel_error = f"the notebook could not be run: {type(exc).__name__}: {exc}"
            self.log.error("%s/%s: %s", self._student_id, self._assignment, self._kernel_error)
            nb = self.nb if getattr(self, "nb", None) is not None else nb
            self._grade_unreached_test_cells(nb)
        self._write_results(nb, time.monotonic() - started)
        return nb, resources

    # --- time limits -----------------------------------------------------------------

    def _is_training(self, cell) -> bool:
        return bool(self._training) and cell.metadata.get("nbgrader", {}).get("grade_id") == self._training

    def _time_left(self) -> float:
        """Of the submission's limit: its time so far, the training cell's own not counted."""
        spent = (time.monotonic() - self._started - self._training_seconds
                 - (_slot_waited() - self._waited_before))
        return self.submission_timeout - spent

    def _cell_limit(self, cell) -> int:
        if self._is_training(cell):
            return self.training_timeout
        return max(1, min(self.timeout, int(self._time_left() + 0.999)))

    def _out_of_time(self, index: int) -> str | None:
        if self._time_left() > 0:
            return None
        return (f"the submission ran past its time limit of {self.submission_timeout} s in all "
                f"(cells and checks, its training cell aside), at cell {index + 1}")

    # --- cells -----------------------------------------------------------------------

    def preprocess_cell(self, cell, resources, index):
        self._current_index = index
        if cell.cell_type != "code":
            return cell, self.resources
        if not self._is_training(cell):
            slots.let_in()  # a timed cell waiting in another slot goes before this one
        self._dead = self._dead or self._out_of_time(index)
        if utils.is_grade(cell) and not utils.is_solution(cell):
            self._grade_test_cell(cell, index)
            self.nb.cells[index] = cell  # nbclient stores bridge calls at this index
            return cell, self.resources
        if self._dead:
            cell.outputs = [_stream(f"[not run: {self._dead}]\n")]
            self._record(cell, index, "not run", 0.0)
            return cell, self.resources
        # The timed cell has the machine alone while other slots grade (autograder.slots);
        # its wait for that counts against no limit, as another slot's wait for it does.
        if self._is_training(cell):
            with slots.alone():
                return self._run_cell(cell, index)
        return self._run_cell(cell, index)

    def _run_cell(self, cell, index: int):
        start, cpu_before = time.monotonic(), timing.kernel_cpu(self)
        limit = self._cell_limit(cell)
        try:
            cell = self._execute(cell, index, store_history=True)
        except DeadKernelError:
            self._dead = f"the kernel died while running cell {index + 1}: {self._death_cause()}"
            cell.outputs.append(_stream(f"[{self._dead}]\n"))
            self._record(cell, index, "kernel died", self._spent(cell, start), limit=limit)
            return cell, self.resources
        except CellTimeoutError:  # the reply came, its output never finished: the kernel is broken
            self._dead = (f"the kernel stopped answering while running cell {index + 1} "
                          f"(its output never finished: {UNFINISHED})")
            cell.outputs.append(_stream(f"[{self._dead}]\n"))
            self._record(cell, index, "kernel unresponsive", self._spent(cell, start), limit=limit)
            return cell, self.resources
        status = self._status(cell)
        seconds = self._spent(cell, start)
        cpu = timing.kernel_cpu(self)
        cpu_seconds = cpu - cpu_before if cpu is not None and cpu_before is not None else None
        if status == "timeout" and limit < self.timeout and not self._is_training(cell):
            # cut short by the submission's limit, not its own: nothing more runs
            self._dead = self._out_of_time(index) or (
                f"the submission ran past its time limit of {self.submission_timeout} s in all, "
                f"at cell {index + 1}")
            cell.outputs.append(_stream(f"[{self._dead}]\n"))
        extra = {"error": raised(cell)} if status == "error" and raised(cell) else {}
        if cpu_seconds is not None:
            extra["cpu_seconds"] = round(cpu_seconds, 4)
        self._record(cell, index, status, seconds, limit=limit, **extra)
        return cell, self.resources

    def _spent(self, cell, start: float) -> float:
        """The cell's wall time; the training cell's is kept apart from the submission's limit."""
        seconds = time.monotonic() - start
        if self._is_training(cell):
            self._training_seconds += seconds
        self._wall_total += seconds
        return seconds

    def _execute(self, cell, index: int, store_history: bool):
        """execute_cell; DeadKernelError also when the reply came but the output never
        finished because the kernel's process ended in between (a memory limit under load):
        it died, it did not stop answering."""
        from autograder.sandbox import exit_status

        try:
            return self.execute_cell(cell, index, store_history=store_history)
        except CellTimeoutError:
            process = self._kernel_process()
            if process is not None and exit_status(process) is not None:
                raise DeadKernelError("the kernel died") from None
            raise

    def _kernel_process(self):
        return getattr(getattr(getattr(self, "km", None), "provisioner", None), "process", None)

    def _death_cause(self) -> str:
        from autograder.sandbox import describe_exit, exit_status

        km = getattr(self, "km", None)
        if hasattr(km, "death_cause"):
            return km.death_cause()
        return describe_exit(exit_status(self._kernel_process()))

    @staticmethod
    def _status(cell) -> str:
        # A timeout leaves the kernel's KeyboardInterrupt first, then nbgrader's CellTimeoutError.
        enames = [o.ename for o in cell.outputs if o.output_type == "error"]
        if "CellTimeoutError" in enames:
            return "timeout"
        return "error" if enames else "ok"

    # --- output caps -----------------------------------------------------------------

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content") or {}
        if self._bridge_call:
            # A call into the student's code: only its reply and its errors are read (the
            # bridge caps the reply); whatever else it prints is dropped, not kept.
            wanted = (msg.get("msg_type") == "error"
                      or RESULT_MIME in (content.get("data") or {}))
            if not wanted:
                return None
            _cleaned(content)
            return super().output(outs, msg, display_id, cell_index)
        _cleaned(content)
        size = _output_bytes(content)
        self._cell_bytes[cell_index] = self._cell_bytes.get(cell_index, 0) + size
        self._notebook_bytes += size
        over = (self._cell_bytes[cell_index] > self.max_cell_output
                or self._notebook_bytes > self.max_notebook_output)
        if not over:
            return super().output(outs, msg, display_id, cell_index)
        if cell_index not in self._truncated:
            self._truncated.add(cell_index)
            limit = (f"{self.max_cell_output // 2**10} KiB per cell"
                     if self._cell_bytes[cell_index] > self.max_cell_output
                     else f"{self.max_notebook_output // 2**20} MiB per notebook")
            outs.append(_stream(f"[output truncated: over {limit}; the rest was dropped]\n"))
        return None

    def _update_display_id(self, display_id, msg):
        # An update rewrites earlier outputs in place: it counts against the caps like a new
        # output, and past them it is dropped.
        content = msg.get("content") or {}
        if self._bridge_call:
            return None
        _cleaned(content)
        size = _output_bytes(content)
        self._notebook_bytes += size
        if self._notebook_bytes > self.max_notebook_output or size > self.max_cell_output:
            self._truncated.add(self._current_index)
            return None
        return super()._update_display_id(display_id, msg)

    def _record(self, cell, index: int, status: str, seconds: float, limit: int | None = None,
                **extra) -> None:
        nbg = cell.metadata.get("nbgrader", {})
        entry = {"index": index, "grade_id": nbg.get("grade_id"), "status": status,
                 "seconds": round(seconds, 4)}
        if index in self._truncated:
            entry["output_truncated"] = True
        if limit is not None and nbg.get("grade_id"):
            entry["limit"] = limit
        entry.update(extra)
        self._cells.append(entry)

    # --- test cells ------------------------------------------------------------------

    def _run_in_kernel(self, code: str, timeout: float) -> list:
        # A kernel that broke, or a submission out of time, is not called again: each later
        # call (Hypothesis shrinks a failure) would wait out its timeout once more.
        self._dead = self._dead or self._out_of_time(self._current_index)
        if self._dead:
            raise StudentError(self._dead)
        # nbformat's new_code_cell, less its schema validation of a cell made right here
        probe = nbformat.NotebookNode(id=random_cell_id(), cell_type="code",
                                      metadata=nbformat.NotebookNode(), execution_count=None,
                                      source=code, outputs=[])
        saved = self.timeout
        left = self._time_left()
        cut_short = left < timeout  # the submission's limit comes first
        self.timeout = max(1, int(round(min(timeout, left + 0.999))))
        self._bridge_call = True
        try:
            self._execute(probe, self._current_index, store_history=False)
        except DeadKernelError:
            self._dead = (f"the kernel died while the grader called your code "
                          f"(cell {self._current_index + 1}): {self._death_cause()}")
            died = StudentError(self._dead)
            died.outputs = list(probe.outputs)  # a batch's replies from before (bridge.prefetch)
            raise died from None
        except CellTimeoutError:
            self._dead = (f"the kernel stopped answering while the grader called your code "
                          f"(cell {self._current_index + 1}; {UNFINISHED})")
            raise StudentError(self._dead) from None
        finally:
            self.timeout = saved
            self._bridge_call = False
        timed_out = any(o.get("ename") == "CellTimeoutError" for o in probe.outputs)
        if cut_short and timed_out and self._time_left() <= 0:
            self._dead = self._out_of_time(self._current_index)
            raise StudentError(self._dead)
        return probe.outputs

    def _grade_test_cell(self, cell, index: int) -> None:
        grade_id = cell.metadata.nbgrader["grade_id"]
        points = float(cell.metadata.nbgrader.get("points", 0))
        start = time.monotonic()
        outcomes: list[TestOutcome] = []
        reason = self._dead or self._kernel_error
        if not reason and self._declared is None:
            reason = f"no hidden checks are defined for {grade_id} (tell the instructor)"
        if not reason:
            student = KernelStudent(self._run_in_kernel, call_timeout=self.call_timeout)
            times = self._cell_times()
            student.context = self._check_context(times)
            calibration = self._calibrated_here(grade_id, times)
            try:
                student.install()
                rehearsal = None
                if self.batch_calls and not self._training:
                    # (model assignments: their time is their training's, and batching them
                    # is not yet proven on their catalogues)
                    rehearsal = self._rehearsed(grade_id, student.context)
                    student.prefetch(rehearsal.calls)
                outcomes = run_checks(self._declared, student, grade_id=grade_id,
                                      replay=rehearsal.examples if rehearsal else None)
            except StudentError as exc:
                reason = str(exc)
            if calibration is not None:
                self._count_training_steps(calibration, student.context.get("budgets", []))
            from autograder.checks.trained_models import measured
            self._measured.update(measured(student))
            self._budgets += student.context.get("budgets", [])
            self._flags += student.context.get("flags", [])
            self._samples.update((sample["title"], sample) for sample in student.context.get("samples", []))
            if not outcomes and not reason:
                reason = f"no hidden checks are defined for {grade_id} (tell the instructor)"
        self._finish_test_cell(cell, index, grade_id, points, outcomes, reason,
                               time.monotonic() - start)

    def _rehearsed(self, grade_id: str, context: dict) -> Rehearsal:
        try:
            return rehearse(self._declared, grade_id, context)
        except Exception as exc:  # noqa: BLE001 - without it, the calls go one by one
            self.log.warning("%s: the checks could not be rehearsed (%s); no batched calls",
                             grade_id, exc)
            return Rehearsal([], {})

    def _cell_times(self) -> timing.CellTimes:
        """The wall and CPU time of each cell that ran cleanly and the kernel's CPU so far,
        measured here, outside the kernel."""
        times = timing.CellTimes()
        for c in self._cells:
            if c.get("grade_id") and c["status"] == "ok":
                times[c["grade_id"]] = c["seconds"]
                if "cpu_seconds" in c:
                    times.cpu[c["grade_id"]] = c["cpu_seconds"]
        times.cpu_total, times.wall_total = timing.kernel_cpu(self), self._wall_total
        return times

    def _check_context(self, times: timing.CellTimes) -> dict:
        """What checks may know besides the bridge: the cells' `times` (_cell_times), where the
        course and the submission's files are, which assignment."""
        root = Path(self.course_root) if self.course_root else None
        return {"assignment": self._assignment, "course_root": root, **times.context(),
                "submission_dir": self._submission_dir, "measured": dict(self._measured),
                "budgets": [], "flags": []}

    def _calibrated_here(self, grade_id: str, times: timing.CellTimes) -> timing.Calibration | None:
        """With calibrate_from_run, before the training-time checks of a reference whose
        training cell ran cleanly on a device with no calibration: this run's `times`, saved."""
        from autograder.checks.budget import TRAINING_TIME

        if not (self.calibrate_from_run and grade_id == TRAINING_TIME and self.course_root):
            return None
        root = Path(self.course_root)
        if self._training not in times or timing.load(root, self._assignment) is not None:
            return None
        return timing.save_graded_run(root, self._assignment, self._training, times)

    def _count_training_steps(self, calibration: timing.Calibration, budgets: list[dict]) -> None:
        """The steps the reference's budget check counted are its calibration's: saved there,
        and in that check's record, which read the calibration before they were known."""
        steps = next((b["training_steps"] for b in budgets if b["cell"] == calibration.cell), None)
        timing.with_training_steps(Path(self.course_root), calibration, steps)
        for budget in budgets:
            budget["reference_training_steps"] = steps

    def _finish_test_cell(self, cell, index, grade_id, points, outcomes, reason, seconds):
        fraction = score_groups(outcomes).get(grade_id, 0.0) if outcomes else 0.0
        score = min(points, max(0.0, round(points * fraction, 4)))
        cell.outputs = [_score_output(score), _stream(account(grade_id, score, points, outcomes, reason))]
        self._record(cell, index, "graded" if not reason else "not graded", seconds,
                     points=points, score=score, reason=reason,
                     tests=[o.to_dict() for o in outcomes])

    def _grade_unreached_test_cells(self, nb) -> None:
        graded = {c["index"] for c in self._cells}
        for index, cell in enumerate(nb.cells):
            if index in graded or cell.cell_type != "code":
                continue
            if utils.is_grade(cell) and not utils.is_solution(cell):
                self._finish_test_cell(cell, index, cell.metadata.nbgrader["grade_id"],
                                       float(cell.metadata.nbgrader.get("points", 0)), [],
                                       self._kernel_error, 0.0)

    # --- results.json ----------------------------------------------------------------

    def _data_sources(self) -> dict[str, str]:
        """Where each declared dataset (or pretrained base) came from, as the kernel was told:
        an embedded stand-in says so in the report."""
        from autograder import datasets

        if not (self._declared and self.course_root):
            return {}
        found = {}
        for name in self._declared.datasets:
            try:
                found[name] = json.loads(datasets.manifest_path(Path(self.course_root), name)
                                         .read_text())["source"]
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return found

    def _write_results(self, nb, seconds: float) -> None:
        if not self.results_root:
            return
        tests = [c for c in self._cells if "points" in c]
        results = {
            "version": RESULTS_VERSION,
            "assignment": self._assignment,
            "student": self._student_id,
            "isolation": self.isolation,
            "score": round(sum(c["score"] for c in tests), 4),
            "max_score": round(sum(c["points"] for c in tests), 4),
            "kernel": self._dead or self._kernel_error,
            "seconds": round(seconds, 3),
            "budgets": self._budgets,
            "flags": self._flags,
            "samples": list(self._samples.values()),
            "data": self._data_sources(),
            "cells": sorted(self._cells, key=lambda c: c["index"]),
        }
        path = Path(self.results_root) / self._student_id / self._assignment / "results.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=1, sort_keys=True))
