"""Grading on Ray (`dlgrade grade --ray`): each slot an actor on a local Ray instance with two
CPUs; the same results, order, resume and timed-cell exclusivity as the local slots."""
import os

import pytest

from autograder import cluster, dispatch, grading

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'dlgrade[cluster]')")

from test_slots import _toy_course, assert_timed_cells_alone_and_slots_side_by_side  # noqa: E402


@pytest.fixture(scope="module")
def local_ray():
    started = cluster.connect("local", 2)
    yield
    if started:
        cluster.disconnect()


def test_an_actor_works_in_the_environment_it_is_handed(local_ray, monkeypatch):
    monkeypatch.setenv("DLGRADE_PROBE", "here")
    assert cluster.environment()["DLGRADE_PROBE"] == "here"  # what each actor is handed
    actor = cluster._actor_class().remote({"DLGRADE_PROBE": "handed"})
    try:
        assert dispatch.result(ray.get(actor.run.remote(os.getenv, ("DLGRADE_PROBE",)))) == "handed"
    finally:
        ray.kill(actor)


def test_an_actor_that_dies_costs_that_call_only(local_ray):
    with cluster.RayWorker() as worker:
        first = worker.run(os.getpid)
        assert first != os.getpid()  # it ran in the actor's own process
        with pytest.raises(dispatch.WorkerDied, match="Ray worker died"):
            worker.run(os._exit, 3)
        assert worker.run(os.getpid) not in (first, os.getpid())  # a fresh actor took over
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            worker.run(divmod, 1, 0)


@pytest.mark.slow
def test_two_ray_actors_grade_the_batch_as_two_local_slots_do(tmp_path, monkeypatch, local_ray):
    log = tmp_path / "cells.log"
    students = {"a": 4.0, "b": 4.0, "c": 0.2, "d": 0.5}
    monkeypatch.chdir(tmp_path)
    _toy_course(tmp_path, students, log)
    seen = []
    results = grading.grade(tmp_path, "toy", isolation="none", ray="local",
                            progress=lambda r: seen.append(r.student))
    assert [r.student for r in results] == list(students) and sorted(seen) == sorted(students)
    assert all((r.status, r.score) == ("graded", 2.0) for r in results), results
    assert_timed_cells_alone_and_slots_side_by_side(log, students)  # 2 slots: the cluster's CPUs
    again = grading.grade(tmp_path, "toy", isolation="none", ray="local")
    assert all(r.kept and r.score == 2.0 for r in again)  # resume: kept, as locally
