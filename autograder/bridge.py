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

import inspect
import json
from typing import Any, Callable

from autograder.errors import StudentError, StudentTimeout
from autograder.kernel import bridge as kernel_side
from autograder.kernel.bridge import (MAX_TRANSFER_BYTES, MAX_VALUE_BYTES, RESULT_MIME,
                                      describe_exception)
from autograder.models import model_payload, rebuild

__all__ = ["StudentError", "StudentTimeout", "encode", "decode", "dumps", "loads",
           "LocalStudent", "KernelStudent", "MAX_TRANSFER_BYTES"]


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
            args, kwargs = loads(dumps((list(args), kwargs)))
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

    def model(self, name: str, build: bool = False):
        """The Keras model `name` (or that `name()` returns, with `build`), rebuilt from its
        config and weights as from a kernel."""
        target = self._namespace.get(name)
        if target is None:
            raise StudentError(f"{'function ' if build else ''}{name}{'()' if build else ''} "
                               "is not defined in your notebook")
        if build:
            if not callable(target):
                raise StudentError(f"{name} is not a function (it is a {type(target).__name__})")
            try:
                target = target()
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


def kernel_bootstrap() -> str:
    """Code that installs the bridge's kernel end (autograder/kernel/bridge.py) as
    `__dlgrade__` in a kernel."""
    return f"__dlgrade__ = {{}}\nexec({inspect.getsource(kernel_side)!r}, __dlgrade__)\n"


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
        self.dead_reason: str | None = None
        # A function that once ran past the call timeout is not called again by
        # these checks: each retry (Hypothesis shrinks failures) would cost the
        # whole timeout again.
        self._hung: dict[str, str] = {}

    def __repr__(self) -> str:
        return self._label

    def install(self) -> None:
        self._request(kernel_bootstrap() + "None", "installing the grader's bridge")

    def _request(self, code: str, what: str, limit: int = MAX_VALUE_BYTES):
        if self.dead_reason:
            raise StudentError(f"cannot run {what}: {self.dead_reason}")
        outputs = self._run(code, self._call_timeout)
        reply = None
        for output in outputs:
            if output.get("output_type") == "error":
                if output.get("ename") == "CellTimeoutError":
                    raise StudentTimeout(f"{what} did not finish within "
                                         f"{self._call_timeout:g} s (infinite loop?)")
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
                raise StudentTimeout(self._hung[name])
            arguments = dumps((list(args), kwargs))
            code = (f"__dlgrade__['call'](globals(), {name!r}, {arguments!r}, {bool(give_back)}, "
                    f"{bool(datasets)})")
            try:
                return self._result(self._request(code, f"{name}()"), name, "function")
            except StudentTimeout as exc:
                self._hung[name] = f"{exc}; {name}() is not called again by this check cell"
                raise

        call.__name__ = name
        return call

    def value(self, name: str) -> Any:
        if not name.isidentifier():
            raise ValueError(f"not a variable name: {name!r}")
        code = f"__dlgrade__['value'](globals(), {name!r})"
        return self._result(self._request(code, name), name, "value")

    def model(self, name: str, build: bool = False):
        """The Keras model `name` (or that `name()` returns, with `build`): config and
        weights cross, the grader rebuilds it."""
        if not name.isidentifier():
            raise ValueError(f"not a variable name: {name!r}")
        code = f"__dlgrade__['model'](globals(), {name!r}, {bool(build)})"
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
