"""Grading on a Ray cluster: each slot a Ray actor instead of a local worker process.

`dlgrade grade A --ray ADDRESS` grades the batch on Ray: ADDRESS is what `ray.init` takes
(`auto`: the cluster this machine is a node of; `ray://head:10001`: a remote one), or `local`
for a Ray instance started here for the batch. Each slot is a long-lived actor holding one
CPU on some node, doing there what a local slot's worker does (grading.grade_submission: the
sandboxed kernel, the hidden checks, results.json and the gradebook row); the batch (order,
resume, progress, the summary) stays in this process, and each result comes back here. An
actor that dies (its node's memory ran out, the node went away) costs its submission only,
as a local worker's death does, and a fresh actor takes the next one.

Every node needs dlgrade installed (the same version) and the course folder at the same path
(shared storage): the actors read the submissions and the assignment's checks and data there
and write the autograded notebooks and the gradebook there.
"""
from __future__ import annotations

import os

from autograder import dispatch
from autograder.dispatch import WorkerDied

# What a node's actors need from this process's environment: handed to each actor as it
# starts, not as Ray's runtime_env, which would start a worker process of its own for every
# actor (twice the start-up) instead of taking one of the node's started ones.
FORWARDED = ("TF_CPP_MIN_LOG_LEVEL", "KERAS_HOME")
FORWARDED_PREFIX = "DLGRADE_"

_ACTOR = None


class _Slot:
    """The actor: function(*args) in its process, answered as a local worker answers."""

    def __init__(self, env: dict[str, str]):
        os.environ.update(env)  # before anything of the grader's runs here

    def run(self, function, args):
        return dispatch.answer(function, args)


def _actor_class():
    global _ACTOR
    if _ACTOR is None:
        import ray

        _ACTOR = ray.remote(num_cpus=1, max_restarts=0)(_Slot)
    return _ACTOR


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if k in FORWARDED or k.startswith(FORWARDED_PREFIX)}


def connect(address: str, jobs: int | None) -> bool:
    """Join the Ray cluster at `address` ("local": start one here with `jobs` CPUs, or as
    many as this machine has). True when this call started Ray (disconnect then)."""
    try:
        import ray
    except ImportError:
        raise ValueError("--ray needs Ray: pip install 'dlgrade[cluster]' (or 'ray') on this "
                         "machine and every node") from None
    if ray.is_initialized():
        return False
    import logging

    options = dict(logging_level=logging.WARNING, log_to_driver=False)
    if address == "local":
        ray.init(num_cpus=jobs or os.cpu_count() or 1, include_dashboard=False, **options)
    else:
        try:
            ray.init(address=address, **options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise ValueError(f"could not join the Ray cluster at {address!r}: {exc}") from None
    return True


def disconnect() -> None:
    import ray

    ray.shutdown()


def cluster_cpus() -> int:
    import ray

    return max(1, int(ray.cluster_resources().get("CPU", 1)))


class RayWorker:
    """One slot's actor, as dispatch.Worker: started when first needed and again after it
    dies; `run(function, *args)` raises WorkerDied when the actor dies doing it."""

    def __init__(self):
        self._actor = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def run(self, function, *args):
        import ray
        from ray.exceptions import RayActorError, RayError, RayTaskError

        if self._actor is None:
            self._actor = _actor_class().remote(environment())
        try:
            reply = ray.get(self._actor.run.remote(function, args))
        except RayTaskError as exc:  # not ours to catch in the actor: say it plainly
            raise RuntimeError(str(exc).strip().splitlines()[-1]) from None
        except RayActorError as exc:
            self._actor = None
            raise WorkerDied(f"the grader's Ray worker died: {_cause(exc)}") from None
        except RayError as exc:  # the object store or the node lost it
            self._actor = None
            raise WorkerDied(f"the grader's Ray worker failed: {type(exc).__name__}") from None
        return dispatch.result(reply)

    def close(self) -> None:
        if self._actor is not None:
            import ray

            ray.kill(self._actor)
            self._actor = None


def _cause(exc) -> str:
    text = str(exc)
    if "memory" in text.lower():
        return "it was killed (its node's memory ran out)"
    return text.strip().splitlines()[0][:300] if text.strip() else type(exc).__name__
