"""The kernel's end of the bridge: the codec and the calls the grader may make.

This file is sent, as source, into every student kernel and exec'd into a private
dict (`__dlgrade__`); it imports only the standard library and numpy, and carries
no check, no reference and no expected value. The trusted side
(autograder.bridge) reads replies with the same codec.

Values cross as JSON in which numpy arrays are tagged `.npy` bytes (base64, read
with `allow_pickle=False`) and tuples and dicts are tagged so that they survive.
Nothing else can cross: a value the codec does not know is refused, never pickled.
"""
from __future__ import annotations

import base64
import io
import json
import numbers

import numpy as np

MAX_TRANSFER_BYTES = 64 * 1024 * 1024  # a model: its config and weights
MAX_VALUE_BYTES = 8 * 1024 * 1024      # what a function returns, a variable's value
MAX_PARAMETERS = 20_000_000             # a model's, rebuilt in the grader's memory
# The most float32 weights that fit MAX_TRANSFER_BYTES once base64 (4/3) encoded.
SENDABLE_PARAMETERS = min(MAX_PARAMETERS, MAX_TRANSFER_BYTES * 3 // 4 // 4)
RESULT_MIME = "application/x-dlgrade-result+json"
GROUP_SECONDS = 0.05  # a batch of calls sends what it has made this often (calls)
KEPT = {}  # what the grader's calls asked the kernel to keep (a model built to pass on), by key


class CodecError(ValueError):
    """A value that cannot cross, or data that is not what the codec writes."""


class Kept:
    """A handle to an object kept in the kernel (KEPT[key]): the grader holds the handle and
    passes it back as an argument; the object itself never crosses."""

    def __init__(self, key, label=""):
        self.key, self.label = str(key), str(label or key)

    def __repr__(self):
        return self.label


class GraderModel:
    """A Keras model of the grader's, sent into the kernel as its config and weights (a
    generator whose every output the check knows). It crosses towards the kernel only."""

    def __init__(self, config, weights):
        self.config, self.weights = config, list(weights)


def encode(value):
    """A value -> JSON-able data. Raises CodecError for what cannot cross."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            return {"__float__": repr(number)}
        return number
    if not isinstance(value, np.ndarray) and callable(getattr(value, "numpy", None)) \
            and hasattr(value, "shape") and hasattr(value, "dtype"):
        value = np.asarray(value.numpy())  # a TensorFlow / Keras tensor, as its numbers
    if isinstance(value, np.ndarray):
        if value.dtype == object and value.ndim == 1 and all(isinstance(v, list) for v in value):
            return [encode(v) for v in value]  # lists of rows (keras.datasets.imdb's reviews)
        if value.dtype.kind not in "biufc":
            raise CodecError(f"an array of dtype {value.dtype} cannot be graded (use numbers)")
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=False)
        return {"__ndarray__": base64.b64encode(buffer.getvalue()).decode("ascii")}
    if isinstance(value, Kept):
        return {"__kept__": value.key}
    if isinstance(value, GraderModel):
        return {"__model__": {"config": value.config, "weights": [encode(w) for w in value.weights]}}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise CodecError("a dict with non-string keys cannot be graded")
        return {"__dict__": {k: encode(v) for k, v in value.items()}}
    raise CodecError(f"a value of type {type(value).__name__} cannot be graded "
                     "(return numbers, strings, lists, tuples, dicts or numpy arrays)")


def decode(data, models=False):
    """JSON-able data from `encode` -> the value. Never unpickles. A grader's model is built
    only with `models` (the kernel reading the grader's arguments), refused otherwise."""
    if isinstance(data, list):
        return [decode(v, models) for v in data]
    if not isinstance(data, dict):
        return data
    if set(data) == {"__ndarray__"}:
        try:
            raw = base64.b64decode(data["__ndarray__"], validate=True)
            return np.load(io.BytesIO(raw), allow_pickle=False)
        except (ValueError, TypeError) as exc:
            raise CodecError(f"could not read an array from the student: {exc}") from None
    if set(data) == {"__tuple__"}:
        return tuple(decode(v, models) for v in data["__tuple__"])
    if set(data) == {"__dict__"}:
        return {k: decode(v, models) for k, v in data["__dict__"].items()}
    if set(data) == {"__float__"}:
        return float(data["__float__"])
    if set(data) == {"__kept__"} and isinstance(data["__kept__"], str):
        return Kept(data["__kept__"])
    if set(data) == {"__model__"} and models:
        return _grader_model(data["__model__"])
    raise CodecError(f"unexpected data from the student: keys {sorted(data)[:5]}")


def _grader_model(payload):
    import keras

    model = keras.models.model_from_json(payload["config"])
    model.set_weights([decode(w) for w in payload["weights"]])
    return model


def resolve(value, kept=None):
    """`value` with every Kept handle replaced by the object it names."""
    kept = KEPT if kept is None else kept
    if isinstance(value, Kept):
        if value.key not in kept:
            raise CodecError(f"{value.key} is no longer kept in the kernel")
        return kept[value.key]
    if isinstance(value, list):
        return [resolve(v, kept) for v in value]
    if isinstance(value, tuple):
        return tuple(resolve(v, kept) for v in value)
    if isinstance(value, dict):
        return {k: resolve(v, kept) for k, v in value.items()}
    return value


def arguments_of(text, kept=None):
    """(args, kwargs) the grader sent: its models built, kept objects in place."""
    return resolve(decode(json.loads(text), models=True), kept)


def describe_exception(exc):
    """The student's error as they would see it in their notebook."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --------------------------------------------------------------------------- the calls

def reply(payload):
    from IPython.display import publish_display_data

    publish_display_data({RESULT_MIME: json.dumps(payload)})


def _payload(value, limit=MAX_VALUE_BYTES):
    try:
        payload = {"status": "ok", "value": encode(value)}
    except CodecError as exc:
        return {"status": "unencodable", "message": str(exc)}
    size = len(json.dumps(payload))
    if size > limit:  # said in a few bytes instead
        payload = {"status": "unencodable", "message": (
            f"the result is {size / 2**20:.1f} MiB, over the {limit // 2**20} MiB the grader reads")}
    return payload


def _encoded(value, limit=MAX_VALUE_BYTES):
    return reply(_payload(value, limit))


def describe_data(value):
    """A data pipeline as data the grader can judge: a tf.data dataset (or a tuple or list
    of them) -> its element spec (shape with -1 for None, dtype), cardinality, class names
    and file paths where it carries them (image_dataset_from_directory's), and the size of
    its first batch. Anything else -> {"type": its type name}. Reads one batch only."""
    if isinstance(value, (tuple, list)):
        return [describe_data(part) for part in value]
    if not (hasattr(value, "element_spec") and hasattr(value, "take")):
        return {"type": type(value).__name__}
    specs = value.element_spec
    specs = list(specs) if isinstance(specs, tuple) else [specs]

    def spec(s):
        try:
            return {"shape": [-1 if n is None else int(n) for n in s.shape.as_list()],
                    "dtype": s.dtype.name}
        except (AttributeError, ValueError, TypeError):  # unknown rank, nested structures
            return {"shape": None, "dtype": type(s).__name__}

    out = {"type": "Dataset", "spec": [spec(s) for s in specs]}
    try:
        out["cardinality"] = int(value.cardinality())
    except Exception:  # noqa: BLE001 - a dataset that cannot say
        out["cardinality"] = None
    names, paths = getattr(value, "class_names", None), getattr(value, "file_paths", None)
    out["class_names"] = [str(n) for n in names] if names is not None else None
    out["file_paths"] = [str(p) for p in paths] if paths is not None else None
    out["first_batch"] = None
    for batch in value.take(1):
        first = batch[0] if isinstance(batch, tuple) else batch
        shape = getattr(first, "shape", None)
        out["first_batch"] = int(shape[0]) if shape is not None and len(shape) else None
    return out


def call(namespace, name, arguments, give_back=False, describe=False, keep=None):
    """Call the student's function `name` with the encoded arguments; with `give_back`, the
    reply also holds the arguments as the call left them (did it change what it was given?);
    with `describe`, the result is sent as `describe_data` gives it; with `keep`, the result
    stays in the kernel as KEPT[keep] and only its type's name is sent."""
    return reply(_called(namespace, name, arguments, give_back, describe, keep))


def _called(namespace, name, arguments, give_back=False, describe=False, keep=None):
    target = namespace.get(name)
    if target is None:
        return {"status": "missing"}
    if not callable(target):
        return {"status": "not_callable", "type": type(target).__name__}
    try:
        args, kwargs = arguments_of(arguments)
        result = target(*args, **kwargs)
        if describe:
            result = describe_data(result)
    except Exception as exc:  # noqa: BLE001 - any student error is the answer
        return {"status": "error", "message": describe_exception(exc)}
    if keep is not None:
        KEPT[str(keep)] = result
        return _payload(type(result).__name__)
    return _payload((result, (args, kwargs)) if give_back else result)


def calls(namespace, requests, seconds, batch, limit=MAX_TRANSFER_BYTES // 2):
    """Many calls in one request, in order: `requests` is the JSON of [[name, arguments,
    give_back, describe], ...]; each reply is what `call` would send. Replies go out in groups
    (every GROUP_SECONDS, tagged `batch`), so those made before the kernel dies still arrive. It stops early (the grader makes the rest one by one) once `seconds` have passed or
    the replies reach `limit` bytes."""
    import time

    start = sent = time.monotonic()
    group, size = [], 0
    for name, arguments, give_back, describe in json.loads(requests):
        if time.monotonic() - start > seconds or size > limit:
            break
        payload = _called(namespace, name, arguments, give_back, describe)
        size += len(json.dumps(payload))
        group.append(payload)
        if time.monotonic() - sent > GROUP_SECONDS:
            reply({"status": "ok", "batch": batch, "replies": group})
            group, sent = [], time.monotonic()
    if group:
        reply({"status": "ok", "batch": batch, "replies": group})


def value(namespace, name):
    """The student's variable `name`."""
    if name not in namespace:
        return reply({"status": "missing"})
    return _encoded(namespace[name])


def model(namespace, name, build=False, arguments=None):
    """The Keras model `name` (or that `name(*arguments)` returns): its JSON config and its
    weights. `namespace` is KEPT for a kept object."""
    if name not in namespace:
        return reply({"status": "missing"})
    target = namespace[name]
    if build:
        if not callable(target):
            return reply({"status": "not_callable", "type": type(target).__name__})
        try:
            args, kwargs = arguments_of(arguments) if arguments else ([], {})
            target = target(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any student error is the answer
            return reply({"status": "raised", "message": describe_exception(exc)})
    if not (hasattr(target, "to_json") and hasattr(target, "get_weights")):
        return reply({"status": "not_model", "type": type(target).__name__})
    words = too_large(target)
    if words:
        return reply({"status": "too_large", "message": words})
    try:
        payload = model_payload(target)
    except Exception as exc:  # noqa: BLE001 - a model that cannot describe itself
        return reply({"status": "error", "message": describe_exception(exc)})
    return _encoded(payload, MAX_TRANSFER_BYTES)


def hold(arguments, key):
    """Keep the grader's own value, its model built here, as KEPT[key]: one object that a
    check passes to many calls, as the notebook's loop passes one generator to every step."""
    try:
        (value,), _ = arguments_of(arguments)
    except (CodecError, ValueError) as exc:
        return reply({"status": "error", "message": describe_exception(exc)})
    KEPT[str(key)] = value
    return _encoded(type(value).__name__)


def set_trainable(key, trainable):
    """Set the `trainable` flag of the kept model KEPT[key] (as the student's other training
    step leaves it, for a check of one step)."""
    if key not in KEPT:
        return reply({"status": "missing"})
    try:
        KEPT[key].trainable = bool(trainable)
    except Exception as exc:  # noqa: BLE001 - not a model
        return reply({"status": "error", "message": describe_exception(exc)})
    return _encoded(None)


def seed(value):
    """Seed the kernel's random sources so that a check drawing through the student's code
    (random samples, initial weights) draws the same at every regrade."""
    seed_sources(value)
    return _encoded(None)


def seed_sources(value):
    """Seed random, numpy's global generator and, when imported, Keras's."""
    import random
    import sys
    random.seed(value)
    np.random.seed(value)
    keras = sys.modules.get("keras")
    try:
        if keras is not None:
            keras.utils.set_random_seed(value)
    except Exception:  # noqa: BLE001 - an odd keras: numpy's seed still holds
        pass


def too_large(target):
    """Words for a model with more weights than the grader reads, counted before any is
    copied; None when it fits (or cannot say: a model never built has none)."""
    try:
        parameters = int(target.count_params())
    except Exception:  # noqa: BLE001 - unbuilt, or not countable: the transfer limit still holds
        return None
    if parameters <= SENDABLE_PARAMETERS:
        return None
    return (f"the model has {parameters:,} parameters, over the {SENDABLE_PARAMETERS:,} the "
            "grader reads (a Dense layer after Flatten of large feature maps is the usual "
            "cause: pool or stride before flattening)")


def model_payload(target):
    """What crosses for a model: its config (compile config included), weight arrays, and how
    many training steps its optimizer took (None when it has none)."""
    return {"config": target.to_json(), "weights": [np.asarray(w) for w in target.get_weights()],
            "steps": training_steps(target)}


def training_steps(target):
    try:
        steps = int(np.asarray(target.optimizer.iterations))
    except Exception:  # noqa: BLE001 - not compiled, or no optimizer with a step count
        return None
    return steps if steps >= 0 else None
