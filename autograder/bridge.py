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

import base64
import io
import json
import numbers
from typing import Any, Callable

import numpy as np

MAX_TRANSFER_BYTES = 64 * 1024 * 1024

__all__ = ["StudentError", "StudentTimeout", "encode", "decode", "dumps", "loads",
           "LocalStudent", "KernelStudent", "MAX_TRANSFER_BYTES"]

RESULT_MIME = "application/x-dlgrade-result+json"


class StudentError(Exception):
    """The student's code failed, or returned something that cannot be graded.

    The message is shown to the student as the reason a test failed.
    """


class StudentTimeout(StudentError):
    """A call into the student's code ran past its time limit."""


def encode(value: Any) -> Any:
    """A value -> JSON-able data. Raises StudentError for what cannot cross."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            return {"__float__": repr(number)}
        return number
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufc":
            raise StudentError(f"an array of dtype {value.dtype} cannot be graded "
                               "(use numbers)")
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=False)
        return {"__ndarray__": base64.b64encode(buffer.getvalue()).decode("ascii")}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise StudentError("a dict with non-string keys cannot be graded")
        return {"__dict__": {k: encode(v) for k, v in value.items()}}
    raise StudentError(f"a value of type {type(value).__name__} cannot be graded "
                       "(return numbers, strings, lists, tuples, dicts or numpy arrays)")


def decode(data: Any) -> Any:
    """JSON-able data from `encode` -> the value. Never unpickles."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if set(data) == {"__ndarray__"}:
        raw = base64.b64decode(data["__ndarray__"], validate=True)
        try:
            return np.load(io.BytesIO(raw), allow_pickle=False)
        except ValueError as exc:
            raise StudentError(f"could not read an array from the student: {exc}") from None
    if set(data) == {"__tuple__"}:
        return tuple(decode(v) for v in data["__tuple__"])
    if set(data) == {"__dict__"}:
        return {k: decode(v) for k, v in data["__dict__"].items()}
    if set(data) == {"__float__"}:
        return float(data["__float__"])
    raise StudentError(f"unexpected data from the student: keys {sorted(data)[:5]}")


def dumps(value: Any) -> str:
    return json.dumps(encode(value), separators=(",", ":"))


def loads(text: str) -> Any:
    if len(text) > MAX_TRANSFER_BYTES:
        raise StudentError(f"the result is larger than {MAX_TRANSFER_BYTES // 2**20} MiB")
    try:
        return decode(json.loads(text))
    except (json.JSONDecodeError, TypeError, ValueError) as exc:
        if isinstance(exc, StudentError):
            raise
        raise StudentError(f"could not read the student's result: {exc}") from None


def describe_exception(exc: BaseException) -> str:
    """The student's error as they would see it in their notebook."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


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

    def function(self, name: str) -> Callable[..., Any]:
        target = self._namespace.get(name)
        if target is None:
            raise StudentError(f"function {name}() is not defined in your notebook")
        if not callable(target):
            raise StudentError(f"{name} is not a function (it is a {type(target).__name__})")

        def call(*args, **kwargs):
            args, kwargs = loads(dumps((list(args), kwargs)))
            try:
                result = target(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - any student error is a failed test
                raise StudentError(f"{name}() raised {describe_exception(exc)}") from None
            return loads(dumps(result))

        call.__name__ = name
        return call

    def value(self, name: str) -> Any:
        if name not in self._namespace:
            raise StudentError(f"{name} is not defined in your notebook")
        return loads(dumps(self._namespace[name]))

    def model(self, name: str, build: bool = False):
        """The Keras model `name` (or that `name()` returns, with `build`), rebuilt from its
        config and weights as from a kernel."""
        from autograder.models import model_payload, rebuild

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
        try:
            payload = model_payload(target)
        except Exception as exc:  # noqa: BLE001 - a model that cannot describe itself
            raise StudentError(f"{name} could not be sent: {describe_exception(exc)}") from None
        return rebuild(loads(dumps(payload)))


# Kernel side: the codec above plus a dispatcher, exec'd into a private dict in the
# student's kernel. It carries no check, no reference and no expected value.
_KERNEL_DISPATCH = """
def reply(payload):
    from IPython.display import publish_display_data
    publish_display_data({RESULT_MIME: json.dumps(payload)})

def call(namespace, name, arguments):
    target = namespace.get(name)
    if target is None:
        return reply({"status": "missing"})
    if not callable(target):
        return reply({"status": "not_callable", "type": type(target).__name__})
    try:
        args, kwargs = decode(json.loads(arguments))
        result = target(*args, **kwargs)
    except Exception as exc:
        return reply({"status": "error", "message": describe_exception(exc)})
    try:
        return reply({"status": "ok", "value": encode(result)})
    except StudentError as exc:
        return reply({"status": "unencodable", "message": str(exc)})

def value(namespace, name):
    if name not in namespace:
        return reply({"status": "missing"})
    try:
        return reply({"status": "ok", "value": encode(namespace[name])})
    except StudentError as exc:
        return reply({"status": "unencodable", "message": str(exc)})

def model(namespace, name, build=False):
    if name not in namespace:
        return reply({"status": "missing"})
    target = namespace[name]
    if build:
        if not callable(target):
            return reply({"status": "not_callable", "type": type(target).__name__})
        try:
            target = target()
        except Exception as exc:
            return reply({"status": "raised", "message": describe_exception(exc)})
    if not (hasattr(target, "to_json") and hasattr(target, "get_weights")):
        return reply({"status": "not_model", "type": type(target).__name__})
    try:
        payload = {"config": target.to_json(),
                   "weights": [np.asarray(w) for w in target.get_weights()]}
    except Exception as exc:
        return reply({"status": "error", "message": describe_exception(exc)})
    try:
        return reply({"status": "ok", "value": encode(payload)})
    except StudentError as exc:
        return reply({"status": "unencodable", "message": str(exc)})
"""


def kernel_bootstrap() -> str:
    """Code that installs the bridge's kernel side as `__dlgrade__` in a kernel."""
    import inspect

    body = "\n".join([
        "from __future__ import annotations",
        "import base64, io, json, numbers",
        "import numpy as np",
        "class StudentError(Exception):\n    pass",
        f"MAX_TRANSFER_BYTES = {MAX_TRANSFER_BYTES}",
        f"RESULT_MIME = {RESULT_MIME!r}",
        inspect.getsource(encode),
        inspect.getsource(decode),
        inspect.getsource(describe_exception),
        _KERNEL_DISPATCH,
    ])
    return f"__dlgrade__ = {{}}\nexec({body!r}, __dlgrade__)\n"


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

    def _request(self, code: str, what: str):
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
        if len(text) > MAX_TRANSFER_BYTES:
            raise StudentError(f"{what} returned more than {MAX_TRANSFER_BYTES // 2**20} MiB")
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

    def function(self, name: str) -> Callable[..., Any]:
        if not name.isidentifier():
            raise ValueError(f"not a function name: {name!r}")

        def call(*args, **kwargs):
            if name in self._hung:
                raise StudentTimeout(self._hung[name])
            arguments = dumps((list(args), kwargs))
            code = f"__dlgrade__['call'](globals(), {name!r}, {arguments!r})"
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
        from autograder.models import rebuild

        if not name.isidentifier():
            raise ValueError(f"not a variable name: {name!r}")
        code = f"__dlgrade__['model'](globals(), {name!r}, {bool(build)})"
        message = self._request(code, f"{name}()" if build else f"the model {name}")
        if build and (message or {}).get("status") == "missing":
            raise StudentError(f"function {name}() is not defined in your notebook")
        if build and (message or {}).get("status") == "not_model":
            raise StudentError(f"{name}() did not return a Keras model (it returned a "
                               f"{message.get('type')})")
        return rebuild(self._result(message, name, "model"))
