import os

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
    one process), except the files proving every assignment, split by assignment, both files'
    tests of an assignment in one unit (they share that assignment's in-process grader: its
    reference trained once), so that the assignments spread over both processes instead of
    queueing in one."""
    path, _, rest = nodeid.partition("::")
    folder, _, name = path.rpartition("/")
    if name.startswith("test_assignments") and rest.endswith("]") and "[" in rest:
        param = rest[rest.index("[") + 1:-1]  # "conv-pooling" or "conv-pooling-<mutant>"
        owners = [n for n in names if param == n or param.startswith(n + "-")]
        if owners:
            return f"{folder}/test_assignments*::{max(owners, key=len)}"
    return path


def pytest_xdist_make_scheduler(config, log):
    """xdist's scope scheduling over work_unit (its own loadgroup marks are lost on pytest 9,
    which no longer reads the node id xdist rewrites)."""
    from pathlib import Path

    from xdist.scheduler import LoadScopeScheduling

    from autograder import assignments

    names = assignments.names(Path(__file__).resolve().parents[1])

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid, names)

    return ByWorkUnit(config, log)
