"""The narrow data channel between trusted checks and a student's code.

Checks hold a `Student` and call `student.function("conv2d")(x, k)` or
`student.value("answer")`. Arguments and results cross as JSON in which numpy
arrays are tagged `.npy` bytes (base64, loaded with `allow_pickle=False`) and
tuples are tagged so they survive. Nothing else can cross: an object the codec
does not know is an error, never a pickle.

`LocalStudent` runs functions from a Python namespace in this process (the
reference solutions and the mutant catalogue in tests); the kernel student
added by the executor goes through the same codec, so both behave alike.
"""
from __future__ import annotations

import collections
import functools
import hashlib
import inspect
import json
import secrets
from typing import Any, Callable, NoReturn

from autograder.errors import StudentError, StudentTimeout
from autograder.kernel import bridge as kernel_side
from autograder.kernel.bridge import (MAX_TRANSFER_BYTES, MAX_VALUE_BYTES, RESULT_MIME, GraderModel,
                                      Kept, describe_exception)
from autograder.models import model_payload, rebuild

# Arguments one batched request carries (the rest go in the next).
BATCH_ARGUMENT_BYTES = 4 * 2**20

__all__ = ["StudentError", "StudentTimeout", "encode", "decode", "dumps", "loads",
           "LocalStudent", "KernelStudent", "RehearsalStudent", "MAX_TRANSFER_BYTES", "Kept", "grader_model"]


def encode(value: Any) -> Any:
    """A value -> JSON-able data (the kernel's codec). Raises StudentError for what cannot cross."""
    try:
        return kernel_side.encode(value)
    except kernel_side.CodecError as exc:
        raise StudentError(str(exc)) from None


def decode(data: Any) -> Any:
    """JSON-able data from `encode` -> the value. Never unpickles."""
    try:
        return kernel_side.decode(data)
    except kernel_side.CodecError as exc:
        raise StudentError(str(exc)) from None


def grader_model(model) -> GraderModel:
    """One of the grader's Keras models as an argument for a student's function: it crosses
    into the kernel as config and weights (the kernel's copy is the student's to change)."""
    return GraderModel(model.to_json(), [w for w in model.get_weights()])


def _arguments(args, kwargs, kept: dict) -> tuple[list, dict]:
    """The arguments as the student's code receives them: through the codec, the grader's
    models built, kept objects in place."""
    try:
        return kernel_side.arguments_of(dumps((list(args), kwargs)), kept)
    except kernel_side.CodecError as exc:
        raise StudentError(str(exc)) from None


def _labelled(name: str, args, kwargs) -> str:
    shown = [repr(a) if isinstance(a, (Kept, int, float, str)) else type(a).__name__ for a in args]
    shown += [f"{k}={v!r}" if isinstance(v, (Kept, int, float, str)) else f"{k}=..."
              for k, v in kwargs.items()]
    return f"{name}({', '.join(shown)})"


def dumps(value: Any) -> str:
    return json.dumps(encode(value), separators=(",", ":"))


def loads(text: str, limit: int = MAX_TRANSFER_BYTES) -> Any:
    if len(text) > limit:
        raise StudentError(f"the result is larger than {limit // 2**20} MiB, over what the "
                           "grader reads")
    try:
        return decode(json.loads(text))
    except (json.JSONDecodeError, TypeError, ValueError) as exc:
        raise StudentError(f"could not read the student's result: {exc}") from None


class LocalStudent:
    """Student functions from a namespace in this process, through the same codec.

    Arguments are copied across the codec so student code can never mutate
    the check's arrays; results are re-read the same way a kernel's would be.
    """

    def __init__(self, namespace: dict[str, Any], label: str = "student",
                 context: dict[str, Any] | None = None):
        self._namespace = namespace
        self._label = label
        self._kept: dict[str, Any] = {}  # what keep() keeps, as a kernel's KEPT
        # What the executor knows that checks may use: cell_seconds, course_root, assignment.
        self.context: dict[str, Any] = context or {}

    def __repr__(self) -> str:  # Hypothesis prints fixtures in falsifying examples
        return self._label

    def function(self, name: str, give_back: bool = False, datasets: bool = False) -> Callable[..., Any]:
        """The student's function; with `give_back`, each call returns (result, (args, kwargs)
        as the call left them); with `datasets`, the result as describe_data describes it."""
        target = self._namespace.get(name)
        if target is None:
            raise StudentError(f"function {name}() is not defined in your notebook")
        if not callable(target):
            raise StudentError(f"{name} is not a function (it is a {type(target).__name__})")

        def call(*args, **kwargs):
            args, kwargs = _arguments(args, kwargs, self._kept)
            try:
                result = target(*args, **kwargs)
                if datasets:
                    result = kernel_side.describe_data(result)
            except Exception as exc:  # noqa: BLE001 - any student error is a failed test
                raise StudentError(f"{name}() raised {describe_exception(exc)}") from None
            return loads(dumps((result, (args, kwargs)) if give_back else result), MAX_VALUE_BYTES)

        call.__name__ = name
        return call

    def value(self, name: str) -> Any:
        if name not in self._namespace:
            raise StudentError(f"{name} is not defined in your notebook")
        return loads(dumps(self._namespace[name]), MAX_VALUE_BYTES)

    def keep(self, name: str, *args, **kwargs) -> Kept:
        """Call the student's function and keep what it returns where their code runs; the
        handle passes it back as an argument, or to model()."""
        target = self._namespace.get(name)
        if not callable(target):
            raise StudentError(f"function {name}() is not defined in your notebook")
        args, kwargs = _arguments(args, kwargs, self._kept)
        try:
            result = target(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any student error is a failed test
            raise StudentError(f"{name}() raised {describe_exception(exc)}") from None
        handle = Kept(f"kept_{len(self._kept) + 1}", _labelled(name, args, kwargs))
        self._kept[handle.key] = result
        return handle

    def hold(self, value, label: str) -> Kept:
        """Keep one of the grader's values (a grader_model) where the student's code runs: the
        handle passes that one object to every call, as the notebook's loop passes one
        generator to every step, instead of a fresh copy built for each call."""
        (value,), _ = _arguments([value], {}, self._kept)
        handle = Kept(f"kept_{len(self._kept) + 1}", label)
        self._kept[handle.key] = value
        return handle

    def set_trainable(self, handle: Kept, trainable: bool) -> None:
        """Set the kept model's `trainable` flag, as the student's other training step leaves it."""
        try:
            self._kept[handle.key].trainable = bool(trainable)
        except (KeyError, AttributeError) as exc:
            raise StudentError(f"{handle.label}: could not set trainable ({exc})") from None

    def seed(self, value: int) -> None:
        """Seed the random sources the student's code draws from, as in a kernel."""
        kernel_side.seed_sources(value)

    def model(self, name, build: bool = False, args: tuple = (), kwargs: dict | None = None):
        """The Keras model `name` (or that `name(*args)` returns, with `build`; or the object
        a Kept handle names), rebuilt from its config and weights as from a kernel."""
        if isinstance(name, Kept):
            if name.key not in self._kept:
                raise StudentError(f"{name.label} is no longer kept")
            target, name = self._kept[name.key], name.label
        else:
            target = self._namespace.get(name)
        if target is None:
            raise StudentError(f"{'function ' if build else ''}{name}{'()' if build else ''} "
                               "is not defined in your notebook")
        if build:
            if not callable(target):
                raise StudentError(f"{name} is not a function (it is a {type(target).__name__})")
            args, kwargs = _arguments(args, kwargs or {}, self._kept)
            try:
                target = target(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - any student error is a failed test
                raise StudentError(f"{name}() raised {describe_exception(exc)}") from None
        if not (hasattr(target, "to_json") and hasattr(target, "get_weights")):
            if build:
                raise StudentError(f"{name}() did not return a Keras model (it returned a "
                                   f"{type(target).__name__})")
            raise StudentError(f"{name} is not a Keras model (it is a {type(target).__name__})")
        words = kernel_side.too_large(target)
        if words:
            raise StudentError(f"{name}{'()' if build else ''}: {words}")
        try:
            payload = model_payload(target)
        except Exception as exc:  # noqa: BLE001 - a model that cannot describe itself
            raise StudentError(f"{name} could not be sent: {describe_exception(exc)}") from None
        return rebuild(loads(dumps(payload)))


@functools.lru_cache(maxsize=1)
def kernel_bootstrap() -> str:
    """Code that installs the bridge's kernel end (autograder/kernel/bridge.py) as
    `__dlgrade__` in a kernel; where an earlier test cell installed this very version, it only
    lets go of what that cell's checks kept there (its models), as a fresh install would."""
    source = inspect.getsource(kernel_side)
    version = hashlib.sha256(source.encode()).hexdigest()[:16]
    return (f"if isinstance(globals().get('__dlgrade__'), dict) and "
            f"__dlgrade__.get('VERSION') == {version!r} and "
            f"isinstance(__dlgrade__.get('KEPT'), dict):\n"
            f"    __dlgrade__['KEPT'].clear()\n"
            f"else:\n"
            f"    __dlgrade__ = {{'VERSION': {version!r}}}\n"
            f"    exec({source!r}, __dlgrade__)\n")


def _batch_replies(outputs: list, batch: str) -> list[dict]:
    """The replies a batched request sent (its groups tagged `batch`), in order; reading
    stops at the first output that is not one."""
    replies: list[dict] = []
    for output in outputs:
        reply = (output.get("data") or {}).get(RESULT_MIME)
        if reply is None:
            continue
        text = reply if isinstance(reply, str) else json.dumps(reply)
        try:
            group = json.loads(text) if len(text) <= MAX_TRANSFER_BYTES else None
        except (json.JSONDecodeError, RecursionError):
            group = None
        if not (isinstance(group, dict) and group.get("batch") == batch
                and isinstance(group.get("replies"), list)):
            break
        replies += [r if isinstance(r, dict) else {"status": "garbled"} for r in group["replies"]]
    return replies


def _timed_out(message: str) -> NoReturn:
    # One place raises every timeout: Hypothesis tells failures apart by where they were
    # raised, and its replay of a call that hung meets the "not called again" path, not the
    # timeout; two places would read as a check whose results changed (FlakyFailure).
    raise StudentTimeout(message)


class KernelStudent:
    """Student functions living in a running Jupyter kernel.

    `run(code, timeout)` executes code in the kernel and returns its outputs
    (the executor supplies it). Only the last output carrying RESULT_MIME is
    read, and only as data.
    """

    def __init__(self, run: Callable[[str, float], list], call_timeout: float = 10.0,
                 label: str = "student"):
        self._run = run
        self._call_timeout = call_timeout
        self._label = label
        self.context: dict[str, Any] = {}  # set by the executor: cell_seconds, course_root, ...
        # A function that once ran past the call timeout is not called again by
        # these checks: each retry (Hypothesis shrinks failures) would cost the
        # whole timeout again.
        self._hung: dict[str, str] = {}
        self._kept = 0  # handles given out by keep()
        self._prefetched: dict[tuple, collections.deque] = {}  # replies of batched calls, by call

    def __repr__(self) -> str:
        return self._label

    def install(self) -> None:
        self._request(kernel_bootstrap() + "None", "installing the grader's bridge")

    def _request(self, code: str, what: str, limit: int = MAX_VALUE_BYTES):
        outputs = self._run(code, self._call_timeout)
        reply = None
        for output in outputs:
            if output.get("output_type") == "error":
                if output.get("ename") == "CellTimeoutError":
                    _timed_out(f"{what} did not finish within {self._call_timeout:g} s "
                               "(infinite loop?)")
            data = output.get("data") or {}
            if RESULT_MIME in data:
                reply = data[RESULT_MIME]
        if reply is None:
            errors = [o for o in outputs if o.get("output_type") == "error"]
            if errors:
                raise StudentError(f"{what} failed: {errors[-1].get('ename')}: "
                                   f"{errors[-1].get('evalue')}")
            return None
        text = reply if isinstance(reply, str) else json.dumps(reply)
        if len(text) > limit:
            raise StudentError(f"{what} returned more than {limit // 2**20} MiB, over what the "
                               "grader reads")
        try:
            message = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            raise StudentError(f"{what}: the kernel's reply could not be read") from None
        return message if isinstance(message, dict) else {"status": "garbled"}

    def _result(self, message, name: str, kind: str):
        status = (message or {}).get("status")
        if status == "ok":
            try:
                return decode(message.get("value"))
            except RecursionError:
                raise StudentError(f"{name}: the reply is nested too deeply to be read") from None
        if status == "raised":
            raise StudentError(f"{name}() raised {message.get('message')}")
        if status == "too_large":
            raise StudentError(f"{name}: {message.get('message')}")
        if status == "missing":
            if kind == "function":
                raise StudentError(f"function {name}() is not defined in your notebook")
            raise StudentError(f"{name} is not defined in your notebook")
        if status == "not_callable":
            raise StudentError(f"{name} is not a function (it is a {message.get('type')})")
        if status == "not_model":
            raise StudentError(f"{name} is not a Keras model (it is a {message.get('type')})")
        if status == "error" and kind == "model":
            raise StudentError(f"{name} could not be sent: {message.get('message')}")
        if status == "error":
            raise StudentError(f"{name}() raised {message.get('message')}")
        if status == "unencodable":
            raise StudentError(f"{name}: {message.get('message')}")
        raise StudentError(f"{name}: no usable reply from the kernel")

    def function(self, name: str, give_back: bool = False, datasets: bool = False) -> Callable[..., Any]:
        """The student's function in the kernel; with `give_back`, each call returns (result,
        (args, kwargs) as the call left them); with `datasets`, the result as the kernel's
        describe_data describes it (a tf.data dataset cannot cross)."""
        if not name.isidentifier():
            raise ValueError(f"not a function name: {name!r}")

        def call(*args, **kwargs):
            if name in self._hung:
                _timed_out(self._hung[name])
            arguments = dumps((list(args), kwargs))
            waiting = self._prefetched.get((name, arguments, bool(give_back), bool(datasets)))
            if waiting:  # made ahead, in a batch (prefetch)
                return self._result(waiting.popleft(), name, "function")
            code = (f"__dlgrade__['call'](globals(), {name!r}, {arguments!r}, {bool(give_back)}, "
                    f"{bool(datasets)})")
            try:
                return self._result(self._request(code, f"{name}()"), name, "function")
            except StudentTimeout as exc:
                self._hung[name] = f"{exc}; {name}() is not called again by this check cell"
                raise

        call.__name__ = name
        return call

    def prefetch(self, calls: list[tuple[str, str, bool, bool]]) -> int:
        """Make these function calls (as RehearsalStudent recorded them) in as few kernel
        requests as their size allows; each reply waits for the check that makes that call
        and is read exactly as that call's own would be. Replies come in groups as they are
        made: what a batch sent before it failed, hung or killed the kernel is kept, and the
        calls it did not answer are made one by one, as without it. Returns how many
        replies wait."""
        chunks: list[list] = [[]]
        size = 0
        for request in calls:
            if chunks[-1] and size + len(request[1]) > BATCH_ARGUMENT_BYTES:
                chunks.append([])
                size = 0
            chunks[-1].append(list(request))
            size += len(request[1])
        for chunk in chunks:
            if not chunk:
                break
            batch = secrets.token_hex(8)
            code = (f"__dlgrade__['calls'](globals(), {json.dumps(chunk)!r}, "
                    f"{self._call_timeout / 2!r}, {batch!r})")
            try:
                outputs = self._run(code, self._call_timeout)
            except StudentError as exc:  # the kernel died: what came before it still counts
                outputs = getattr(exc, "outputs", None) or []
            answers = _batch_replies(outputs, batch)
            for request, answer in zip(chunk, answers):
                self._prefetched.setdefault(tuple(request), collections.deque()).append(answer)
            if len(answers) < len(chunk):  # it stopped early: the rest go one by one
                break
        return sum(len(waiting) for waiting in self._prefetched.values())

    def checkpoint(self) -> tuple:
        """What this bridge has learned (replies made ahead, functions that hung, handles
        given), to go back to when a check runs again from the start (runner's replay)."""
        return ({k: collections.deque(v) for k, v in self._prefetched.items()}, dict(self._hung),
                self._kept)

    def restore(self, state: tuple) -> None:
        prefetched, hung, kept = state
        self._prefetched = {k: collections.deque(v) for k, v in prefetched.items()}
        self._hung, self._kept = dict(hung), kept

    def value(self, name: str) -> Any:
        if not name.isidentifier():
            raise ValueError(f"not a variable name: {name!r}")
        code = f"__dlgrade__['value'](globals(), {name!r})"
        return self._result(self._request(code, name), name, "value")

    def keep(self, name: str, *args, **kwargs) -> Kept:
        """Call the student's function and keep what it returns in the kernel; the handle
        passes it back as an argument, or to model()."""
        if not name.isidentifier():
            raise ValueError(f"not a function name: {name!r}")
        if name in self._hung:
            _timed_out(self._hung[name])
        self._kept += 1
        handle = Kept(f"kept_{self._kept}", _labelled(name, args, kwargs))
        arguments = dumps((list(args), kwargs))
        code = (f"__dlgrade__['call'](globals(), {name!r}, {arguments!r}, False, False, "
                f"{handle.key!r})")
        try:
            self._result(self._request(code, f"{name}()"), name, "function")
        except StudentTimeout as exc:
            self._hung[name] = f"{exc}; {name}() is not called again by this check cell"
            raise
        return handle

    def hold(self, value, label: str) -> Kept:
        """Keep one of the grader's values (a grader_model) in the kernel (see LocalStudent.hold)."""
        self._kept += 1
        handle = Kept(f"kept_{self._kept}", label)
        code = f"__dlgrade__['hold']({dumps(([value], {}))!r}, {handle.key!r})"
        message = self._request(code, label)
        if (message or {}).get("status") == "error":  # keras in the kernel could not build it
            raise StudentError(f"{label} could not be built in the kernel: {message.get('message')}")
        self._result(message, label, "value")
        return handle

    def set_trainable(self, handle: Kept, trainable: bool) -> None:
        """Set the kept model's `trainable` flag, as the student's other training step leaves it."""
        code = f"__dlgrade__['set_trainable']({handle.key!r}, {bool(trainable)})"
        message = self._request(code, f"{handle.label}.trainable")
        if (message or {}).get("status") == "missing":
            raise StudentError(f"{handle.label} is no longer kept in the kernel")
        if (message or {}).get("status") == "error":
            raise StudentError(f"{handle.label}: could not set trainable ({message.get('message')})")
        self._result(message, handle.label, "value")

    def seed(self, value: int) -> None:
        """Seed the kernel's random sources (see kernel_side.seed)."""
        self._result(self._request(f"__dlgrade__['seed']({int(value)})", "seed"), "seed", "value")

    def model(self, name, build: bool = False, args: tuple = (), kwargs: dict | None = None):
        """The Keras model `name` (or that `name(*args)` returns, with `build`; or the object
        a Kept handle names): config and weights cross, the grader rebuilds it."""
        if isinstance(name, Kept):
            code = f"__dlgrade__['model'](__dlgrade__['KEPT'], {name.key!r})"
            message = self._request(code, f"the model {name.label}", MAX_TRANSFER_BYTES)
            if (message or {}).get("status") == "missing":
                raise StudentError(f"{name.label} is no longer kept in the kernel")
            if (message or {}).get("status") == "not_model":
                raise StudentError(f"{name.label} did not return a Keras model (it returned a "
                                   f"{message.get('type')})")
            return rebuild(self._result(message, name.label, "model"))
        if not name.isidentifier():
            raise ValueError(f"not a variable name: {name!r}")
        arguments = dumps((list(args), kwargs or {})) if (args or kwargs) else None
        code = f"__dlgrade__['model'](globals(), {name!r}, {bool(build)}, {arguments!r})"
        message = self._request(code, f"{name}()" if build else f"the model {name}",
                                MAX_TRANSFER_BYTES)
        if build and (message or {}).get("status") == "missing":
            raise StudentError(f"function {name}() is not defined in your notebook")
        if build and (message or {}).get("status") == "too_large":
            raise StudentError(f"{name}(): {message.get('message')}")
        if build and (message or {}).get("status") == "not_model":
            raise StudentError(f"{name}() did not return a Keras model (it returned a "
                               f"{message.get('type')})")
        return rebuild(self._result(message, name, "model"))


class RehearsalStudent:
    """Stands in for the student while the checks are rehearsed (checks.runner.rehearse):
    every function call is recorded as KernelStudent would send it and answered with None;
    any other request (a value, a model, a seed, a kept object) ends what may be made ahead,
    since the calls after it may depend on it. Which calls the checks make when every
    answer is right is what derandomized Hypothesis makes again in the real run."""

    def __init__(self, context: dict[str, Any] | None = None, label: str = "student"):
        self.context: dict[str, Any] = context or {}
        self._label = label
        self.calls: list[tuple[str, str, bool, bool]] = []
        self.stopped = False  # a request other than a function call came

    def __repr__(self) -> str:
        return self._label

    def function(self, name: str, give_back: bool = False, datasets: bool = False) -> Callable[..., Any]:
        def call(*args, **kwargs):
            if not self.stopped:
                self.calls.append((name, dumps((list(args), kwargs)), bool(give_back), bool(datasets)))
            return None

        call.__name__ = name
        return call

    def _other(self, *args, **kwargs):
        self.stopped = True
        raise StudentError("rehearsal: no kernel here")

    value = keep = hold = set_trainable = seed = model = _other
