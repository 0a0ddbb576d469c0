"""The bridge codec and LocalStudent: what crosses, what does not, and student errors."""
import json
from pathlib import Path

import numpy as np
import pytest

from autograder.bridge import LocalStudent, StudentError, decode, dumps, encode, loads

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, "same", [1, 2], (1, (2, 3)), {"a": (1, 2)},
    np.arange(6).reshape(2, 3), np.float32(1.5), [np.ones(2), (np.zeros((1, 1)), "x")],
])
def test_round_trip(value):
    back = loads(dumps(value))
    if isinstance(value, np.ndarray):
        np.testing.assert_array_equal(back, value)
        assert back.dtype == value.dtype
    elif isinstance(value, list) and isinstance(value[0], np.ndarray):
        np.testing.assert_array_equal(back[0], value[0])
        assert isinstance(back[1], tuple) and back[1][1] == "x"
    else:
        assert back == value
        assert type(back) is type(value) or isinstance(value, np.floating)


def test_nan_and_inf_cross_as_floats():
    assert np.isnan(loads(dumps(float("nan"))))
    assert loads(dumps(float("-inf"))) == float("-inf")


def test_ragged_rows_cross_as_lists():
    # keras.datasets.imdb's reviews: an object array of lists of word indices
    rows = np.empty(2, dtype=object)
    rows[0], rows[1] = [1, 14, 22], [1, 2]
    assert loads(dumps(rows)) == [[1, 14, 22], [1, 2]]
    rows[1] = np.zeros(2)  # anything else in an object array stays refused
    with pytest.raises(StudentError, match="dtype object cannot be graded"):
        encode(rows)


@pytest.mark.parametrize("value, message", [
    (object(), "type object cannot be graded"),
    (np.array(["a"]), "dtype <U1 cannot be graded"),
    (np.array([object()], dtype=object), "dtype object cannot be graded"),
    ({1: 2}, "non-string keys"),
])
def test_what_cannot_cross(value, message):
    with pytest.raises(StudentError, match=message):
        encode(value)


def test_pickled_arrays_are_refused():
    import base64, io
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    payload = {"__ndarray__": base64.b64encode(buffer.getvalue()).decode()}
    with pytest.raises(StudentError, match="could not read an array"):
        decode(payload)


def test_unknown_tags_are_refused():
    with pytest.raises(StudentError, match="unexpected data"):
        loads('{"__reduce__": "os.system"}')
    with pytest.raises(StudentError, match="could not read"):
        loads("not json")


def test_local_student_calls_copy_arguments_and_wrap_errors():
    def mutate(x):
        x[0] = 99
        return x.sum()

    def boom(x):
        raise ZeroDivisionError("division by zero")

    student = LocalStudent({"mutate": mutate, "boom": boom, "answer": 42, "not_fn": 3})
    x = np.zeros(3)
    assert student.function("mutate")(x) == 99
    assert x[0] == 0  # the check's own array is untouched
    with pytest.raises(StudentError, match=r"boom\(\) raised ZeroDivisionError: division by zero"):
        student.function("boom")(1)
    with pytest.raises(StudentError, match="not defined"):
        student.function("missing")
    with pytest.raises(StudentError, match="not a function"):
        student.function("not_fn")
    assert student.value("answer") == 42


def test_a_call_can_give_back_its_arguments_as_it_left_them(monkeypatch):
    """What gradient_step's check uses: did the student's function change what it was given?"""
    from autograder.bridge import KernelStudent
    from autograder.kernel import bridge as kernel_side

    def mutate(weights, rate=1.0):
        weights[0] -= rate
        return "done"

    x = [np.zeros(2), np.ones(2)]
    result, (args, kwargs) = LocalStudent({"mutate": mutate}).function("mutate", give_back=True)(x, rate=2.0)
    assert result == "done" and kwargs == {"rate": 2.0}
    assert np.array_equal(args[0][0], [-2.0, -2.0]) and np.array_equal(x[0], [0.0, 0.0])

    replies = []
    monkeypatch.setattr(kernel_side, "reply", replies.append)  # the kernel's end, run here
    namespace = {"mutate": mutate}

    def run(code, timeout):
        exec(code.replace("__dlgrade__['call']", "call"), {"call": kernel_side.call, "globals": lambda: namespace})
        return [{"output_type": "display_data", "data": {kernel_side.RESULT_MIME: json.dumps(replies[-1])}}]

    result, (args, _) = KernelStudent(run).function("mutate", give_back=True)(x)
    assert result == "done" and np.array_equal(args[0][0], [-1.0, -1.0])


def test_a_function_that_timed_out_is_not_called_again():
    from autograder.bridge import KernelStudent, StudentTimeout

    sent = []

    def run(code, timeout):  # a kernel whose every call runs past the timeout
        sent.append(code)
        return [{"output_type": "error", "ename": "CellTimeoutError", "evalue": ""}]

    student = KernelStudent(run, call_timeout=2.0)
    loops = student.function("avg_pool")
    for _ in range(3):
        with pytest.raises(StudentTimeout, match=r"avg_pool\(\) did not finish within 2 s"):
            loops([1, 2])
    assert len(sent) == 1
    with pytest.raises(StudentTimeout):
        student.function("max_pool")([1])
    assert len(sent) == 2  # other functions are still called


def test_a_loading_function_is_described_not_sent(tmp_path):
    keras = pytest.importorskip("keras")
    from reference import flowers

    flowers.write_probe(tmp_path)

    def load(directory):
        return keras.utils.image_dataset_from_directory(
            directory, validation_split=0.2, subset="both", seed=1, image_size=(32, 32),
            batch_size=8, verbose=False)

    student = LocalStudent({"load": load, "number": lambda directory: 3})
    train, val = student.function("load", datasets=True)(str(tmp_path))
    assert train["type"] == "Dataset" and train["class_names"] == list(flowers.PROBE_CLASSES)
    assert train["spec"] == [{"shape": [-1, 32, 32, 3], "dtype": "float32"},
                             {"shape": [-1], "dtype": "int32"}]
    assert (len(train["file_paths"]), len(val["file_paths"]), train["first_batch"]) == (24, 6, 8)
    assert train["cardinality"] == 3
    assert student.function("number", datasets=True)(str(tmp_path)) == {"type": "int"}
    cached = LocalStudent({"load": lambda d: tuple(ds.cache() for ds in load(d))})
    train, _ = cached.function("load", datasets=True)(str(tmp_path))
    assert train["class_names"] is None and train["file_paths"] is None


def test_a_model_too_big_to_send_is_refused_before_copying_its_weights():
    keras = pytest.importorskip("keras")
    big = keras.Sequential([keras.Input((64, 64, 64)), keras.layers.Flatten(),
                            keras.layers.Dense(64)])  # 16.8M parameters: 67 MB of weights
    student = LocalStudent({"build": lambda: big, "big": big})
    with pytest.raises(StudentError, match=r"build\(\): the model has 16,777,280 parameters, "
                                           r"over the 12,582,912 the grader reads"):
        student.model("build", build=True)
    with pytest.raises(StudentError, match="^big: the model has 16,777,280 parameters"):
        student.model("big")


def test_a_tensor_crosses_as_its_array():
    tf = pytest.importorskip("tensorflow")
    tensor = tf.constant([[1.5, 2.0]], dtype=tf.float32)  # what keras.ops and tf functions return
    back = loads(dumps(tensor))
    assert isinstance(back, np.ndarray) and back.dtype == np.float32
    np.testing.assert_array_equal(back, [[1.5, 2.0]])


# --------------------------------------------------------------------------- kept objects, grader models

class CellTimeoutError(BaseException):
    """A call that ran past its timeout (a BaseException: the kernel's bridge does not catch
    it); _kernel_student shows it as nbclient does."""


def _kernel_student(namespace, call_timeout: float = 10.0):
    """A KernelStudent whose kernel is this process: the bootstrap exec'd into `namespace` as
    in a kernel, each reply read back as the kernel would publish it, a CellTimeoutError
    raised by the student's code as the timeout's error output."""
    from autograder.bridge import KernelStudent, kernel_bootstrap
    from autograder.kernel.bridge import RESULT_MIME

    replies = []
    exec(kernel_bootstrap(), namespace)
    namespace["__dlgrade__"]["reply"] = replies.append
    namespace["globals"] = lambda: namespace

    def run(code, timeout):
        replies.clear()
        try:
            exec(code, namespace)
        except CellTimeoutError:
            return [{"output_type": "error", "ename": "CellTimeoutError", "evalue": ""}]
        return [{"output_type": "display_data", "data": {RESULT_MIME: json.dumps(r)}} for r in replies]

    student = KernelStudent(run, call_timeout=call_timeout)
    return student


def test_a_call_that_times_out_during_a_property_check_is_one_clear_failure():
    """The first timeout and the calls after it ("not called again") raise from one place:
    Hypothesis, replaying the failing example, sees the same failure, not a changed one."""
    from reference.pooling import avg_pool as right

    from autograder import assignments
    from autograder.checks import runner

    calls = [0]

    def avg_pool(x, pool_size=2, stride=None):  # the eighth call on runs past the call timeout
        calls[0] += 1
        if calls[0] >= 8:
            raise CellTimeoutError()
        return right(np.asarray(x, float), pool_size, stride)

    student = _kernel_student({"avg_pool": avg_pool}, call_timeout=3.0)
    student.install()
    outcomes = runner.run_checks(assignments.load(REPO, "conv-pooling"), student, grade_id="test_avg_pool")
    failed = [o for o in outcomes if not o.passed]
    assert failed
    for outcome in failed:
        assert not outcome.message.startswith(runner.CHANGING_ANSWERS), outcome.message
        assert "avg_pool() did not finish within 3 s" in outcome.message


def _models_namespace():
    keras = pytest.importorskip("keras")

    def make(units, inputs=2):
        model = keras.Sequential([keras.Input((inputs,)), keras.layers.Dense(units)])
        model.compile(loss="mse")
        return model

    def shift(model, amount):
        model.set_weights([w + amount for w in model.get_weights()])

    def pair(first, second):
        return keras.Sequential([first, second])

    return {"make": make, "shift": shift, "is_trainable": lambda model: bool(model.trainable),
            "apply": lambda model, x: np.asarray(model.predict_on_batch(x)), "pair": pair}


@pytest.mark.parametrize("kind", ["local", "kernel"])
def test_kept_objects_stay_where_the_student_code_runs_and_come_back_as_models(kind):
    namespace = _models_namespace()
    student = LocalStudent(namespace) if kind == "local" else _kernel_student(namespace)
    made = student.keep("make", 3)
    assert repr(made) == "make(3)"
    before = student.model(made)
    assert before.model.output_shape == (None, 3) and before.loss is not None
    assert student.function("shift")(made, 1.5) is None  # the kept model, changed in place
    after = student.model(made)
    assert all(np.allclose(a, b + 1.5) for a, b in zip(after.model.get_weights(), before.model.get_weights()))
    student.set_trainable(made, False)
    assert student.function("is_trainable")(made) is False
    other = student.keep("make", 1, inputs=3)
    assert repr(other) == "make(1, inputs=3)"
    both = student.model("pair", build=True, args=(made, other))
    assert both.model.output_shape == (None, 1)
    assert [w.shape for w in both.model.get_weights()] == [(2, 3), (3,), (3, 1), (1,)]


@pytest.mark.parametrize("kind", ["local", "kernel"])
def test_a_grader_model_crosses_into_student_code(kind):
    keras = pytest.importorskip("keras")
    from autograder.bridge import grader_model

    constant = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    constant.set_weights([np.zeros((2, 2), np.float32), np.array([0.0, 1.0], np.float32)])
    namespace = _models_namespace()
    student = LocalStudent(namespace) if kind == "local" else _kernel_student(namespace)
    out = student.function("apply")(grader_model(constant), np.ones((3, 2), np.float32))
    assert np.allclose(out, [[0.0, 1.0]] * 3)


@pytest.mark.parametrize("kind", ["local", "kernel"])
def test_a_held_grader_model_is_one_object_across_calls(kind):
    """A held model is built once where the student's code runs: every call gets that object,
    changes and all, as a notebook's loop passes one generator to every step; a model passed
    by value is a fresh copy each call."""
    keras = pytest.importorskip("keras")
    from autograder.bridge import grader_model

    constant = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    constant.set_weights([np.zeros((2, 2), np.float32), np.array([0.0, 1.0], np.float32)])
    namespace = {**_models_namespace(), "ident": lambda model: id(model)}
    student = LocalStudent(namespace) if kind == "local" else _kernel_student(namespace)
    held = student.hold(grader_model(constant), "a constant generator")
    assert repr(held) == "a constant generator"
    assert student.function("ident")(held) == student.function("ident")(held)
    student.function("shift")(held, 1.0)
    out = student.function("apply")(held, np.ones((1, 2), np.float32))
    assert np.allclose(out, [[3.0, 4.0]])  # the shift stayed: 2 ones * 1 + bias (1, 2)
    sent = grader_model(constant)
    assert student.function("ident")(sent) != student.function("ident")(held)
    student.function("shift")(sent, 1.0)
    assert np.allclose(student.function("apply")(sent, np.ones((1, 2), np.float32)), [[0.0, 1.0]])


def test_a_grader_model_the_kernel_cannot_build_is_named_in_the_failure():
    pytest.importorskip("keras")
    from autograder.kernel.bridge import GraderModel

    student = _kernel_student(_models_namespace())
    with pytest.raises(StudentError, match=r"^a constant generator could not be built in the kernel: "):
        student.hold(GraderModel("{not a config", []), "a constant generator")


def test_a_model_never_crosses_from_student_code_and_a_lost_handle_is_an_error():
    keras = pytest.importorskip("keras")
    from autograder.bridge import Kept, grader_model

    sent = json.loads(dumps(grader_model(keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)]))))
    with pytest.raises(StudentError, match="unexpected data"):
        decode(sent)  # a reply shaped as a grader's model is refused, never built
    student = LocalStudent(_models_namespace())
    with pytest.raises(StudentError, match="no longer kept"):
        student.function("is_trainable")(Kept("kept_9"))
    kernel = _kernel_student(_models_namespace())
    with pytest.raises(StudentError, match="no longer kept"):
        kernel.function("is_trainable")(Kept("kept_9"))
    handle = kernel.keep("make", 2)
    with pytest.raises(StudentError, match=r"make\(5\) is no longer kept"):
        kernel.set_trainable(Kept("kept_9", "make(5)"), True)
    with pytest.raises(StudentError, match=r"make\(5\) is no longer kept"):
        kernel.model(Kept("kept_9", "make(5)"))
    assert kernel.model(handle).model.output_shape == (None, 2)


@pytest.mark.parametrize("kind", ["local", "kernel"])
def test_seeding_makes_the_student_code_draw_the_same_numbers_again(kind):
    namespace = {"draw": lambda: np.random.rand(3).tolist(), "pick": lambda: __import__("random").random()}
    student = LocalStudent(namespace) if kind == "local" else _kernel_student(namespace)
    draws = []
    for seed in (5, 5, 6):
        student.seed(seed)
        draws.append((student.function("draw")(), student.function("pick")()))
    assert draws[0] == draws[1] and draws[0] != draws[2]
