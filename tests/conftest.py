import functools
import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# The grader's own held-out draw of the stand-ins (autograder.secret), fixed: the same data in
# every run, as a course's seed file gives every regrade.
os.environ.setdefault("DLGRADE_HELD_OUT_SEED", "8675309")
# The suite's two processes keep both cores busy already: a grading test takes one slot
# unless it asks for more (the slot tests pass jobs=2 / --jobs 2).
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



def work_unit(nodeid: str, names) -> str:
    """What one of `make test`'s processes runs whole: a test file (its module fixtures stay in
    one process), except the files proving every assignment, split by assignment (its tests
    share that assignment's in-process grader), so that the assignments spread over both
    processes instead of queueing in one."""
    path, _, rest = nodeid.partition("::")
    if path.rsplit("/", 1)[-1].startswith("test_assignments") and rest.endswith("]") and "[" in rest:
        param = rest[rest.index("[") + 1:-1]  # "conv-pooling" or "conv-pooling-<mutant>"
        owners = [n for n in names if param == n or param.startswith(n + "-")]
        if owners:
            return f"{path}::{max(owners, key=len)}"
    return path


# Each work unit's seconds in a recent full run (`make test-durations` writes it again): the
# longest start first, so that no long unit is left to run alone at the end.
WORK_UNITS = Path(__file__).with_name("work_units.json")
UNKNOWN_UNIT_SECONDS = 30.0  # a unit added since: somewhere in the middle


def longest_first(units, seconds: dict[str, float]) -> list[str]:
    return sorted(units, key=lambda unit: -seconds.get(unit, UNKNOWN_UNIT_SECONDS))


def pytest_xdist_make_scheduler(config, log):
    """xdist's scope scheduling over work_unit (its own loadgroup marks are lost on pytest 9,
    which no longer reads the node id xdist rewrites), longest expected unit first."""
    from xdist.scheduler import LoadScopeScheduling

    names = _assignment_names()
    try:
        seconds = json.loads(WORK_UNITS.read_text())
    except (OSError, ValueError):
        seconds = {}

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid, names)

        def _assign_work_unit(self, node) -> None:
            for unit in longest_first(self.workqueue, seconds):
                self.workqueue.move_to_end(unit)
            super()._assign_work_unit(node)

    return ByWorkUnit(config, log)


_unit_seconds: dict[str, float] = {}


@functools.cache
def _assignment_names():
    from autograder import assignments

    return assignments.names(Path(__file__).resolve().parents[1])


def pytest_runtest_logreport(report):
    """With $DLGRADE_RECORD_WORK_UNITS set, the main process adds up each unit's seconds..."""
    if os.environ.get("DLGRADE_RECORD_WORK_UNITS") and not os.environ.get("PYTEST_XDIST_WORKER"):
        unit = work_unit(report.nodeid, _assignment_names())
        _unit_seconds[unit] = _unit_seconds.get(unit, 0.0) + report.duration


def pytest_sessionfinish(session, exitstatus):
    """... and writes them to WORK_UNITS when the whole suite passed."""
    if _unit_seconds and exitstatus == 0 and not os.environ.get("PYTEST_XDIST_WORKER"):
        ordered = sorted(_unit_seconds.items(), key=lambda item: -item[1])
        WORK_UNITS.write_text(json.dumps({u: round(s, 1) for u, s in ordered}, indent=1) + "\n")
