import os
import re
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# The grader's own held-out draw of the stand-ins (autograder.secret), fixed: the same data in
# every run, as a course's seed file gives every regrade.
os.environ.setdefault("DLGRADE_HELD_OUT_SEED", "8675309")
# The suite's processes (one more than the cores, Makefile) keep every core busy already: a
# grading test takes one slot unless it asks for more (the slot tests, and the hostile batches
# that mostly wait on their attacks' time limits, pass jobs=2 / --jobs 2).
os.environ.setdefault("DLGRADE_JOBS", "1")
# ... and TensorFlow in a test process takes one core: two processes' thread pools spinning on
# two cores made an in-process training's CPU time swing fourfold against its calibration.
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")

from hypothesis import HealthCheck, settings  # noqa: E402

# Derandomized and without an example database: the same run every time, in CI and on regrade.
settings.register_profile(
    "dlgrade",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("dlgrade")



# Test files that grade with one assignment's in-process grader (the `grader` fixture): they
# join that assignment's unit, where its reference is trained already (tests/test_work_units.py
# finds every such file).
SHARES_A_GRADER = {
    "tests/checks/test_training_written_differently.py": "mnist-ann",
    "tests/checks/test_transfer_written_differently.py": "transfer-finetune",
    "tests/checks/test_trained_state_resumption.py": "timeseries-mlp",
}


def assignment_unit(name: str) -> str:
    """The work unit of the assignment `name`'s proofs."""
    return f"tests/checks/test_assignments*::{name}"


def work_unit(nodeid: str, names) -> str:
    """What one of `make test`'s processes runs whole: a test file (its module fixtures stay in
    one process), except the files proving every assignment, split by assignment, both files'
    tests of an assignment in one unit (they share that assignment's in-process grader: its
    reference trained once), so that the assignments spread over both processes instead of
    queueing in one; a file of SHARES_A_GRADER joins its assignment's unit."""
    path, _, rest = nodeid.partition("::")
    name = path.rpartition("/")[2]
    if path in SHARES_A_GRADER:
        return assignment_unit(SHARES_A_GRADER[path])
    if name.startswith("test_assignments") and rest.endswith("]") and "[" in rest:
        param = rest[rest.index("[") + 1:-1]  # "conv-pooling" or "conv-pooling-<mutant>"
        owners = [n for n in names if param == n or param.startswith(n + "-")]
        if owners:
            return assignment_unit(max(owners, key=len))
    return path


SLOW_FILE = re.compile(r"^pytestmark\s*=.*\bmark\.slow\b", re.MULTILINE)


def heavy_units(root: Path, names) -> set[str]:
    """The work units that train models or grade in sandboxed kernels: the units of the
    assignments with a training cell, and the test files marked slow as a whole."""
    from autograder import assignments

    trains = {assignment_unit(n) for n in names if assignments.load(root, n).training_cell}
    marked = {path.relative_to(root).as_posix() for path in (root / "tests").rglob("test_*.py")
              if SLOW_FILE.search(path.read_text(encoding="utf-8"))}
    return trains | marked


def next_unit(queue: dict[str, int], heavy: set[str]) -> str:
    """The unit of `queue` (unit: its tests left) to hand out next: a heavy one before any
    other, then the one with the most tests; the first on a tie. Heavy units first, so that
    the run ends on quick files in both processes, not on one process training an
    assignment (or grading in a sandbox) while the other has nothing left."""
    return max(queue, key=lambda unit: (unit in heavy, queue[unit]))


def pytest_xdist_make_scheduler(config, log):
    """xdist's scope scheduling over work_unit (its own loadgroup marks are lost on pytest 9,
    which no longer reads the node id xdist rewrites), heavy units first."""
    from xdist.scheduler import LoadScopeScheduling

    from autograder import assignments

    root = Path(__file__).resolve().parents[1]
    names = assignments.names(root)
    heavy = heavy_units(root, names)

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid, names)

        def _assign_work_unit(self, node) -> None:
            # xdist takes the queue's first unit: put the next one there
            unit = next_unit({u: len(ids) for u, ids in self.workqueue.items()}, heavy)
            self.workqueue.move_to_end(unit, last=False)
            super()._assign_work_unit(node)

    return ByWorkUnit(config, log)
