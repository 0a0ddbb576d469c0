import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

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


import pytest  # noqa: E402


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under `--dist loadgroup` (make test): a test module's tests stay in one worker (their
    module fixtures, such as whole sandboxed batches, are built once), except the per-assignment
    tests of tests/checks/test_assignments.py, grouped by assignment, so that the assignments'
    mutants are shared between the workers instead of filling one of them."""
    for item in items:
        name = getattr(getattr(item, "callspec", None), "params", {}).get("name")
        if item.path.name == "test_assignments.py" and isinstance(name, str):
            group = f"assignment-{name}"
        else:
            group = item.module.__name__ if item.module is not None else item.path.stem
        item.add_marker(pytest.mark.xdist_group(group))
