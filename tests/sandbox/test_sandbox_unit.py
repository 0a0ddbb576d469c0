"""The sandbox's pieces: sizes, exit causes, isolation levels, the refusal, cgroups."""
import os
import time

import pytest

from autograder import cgroups, cli, sandbox
from autograder.sandbox import Isolation, describe_exit, human_size, parse_size


@pytest.mark.parametrize("text, size", [("2G", 2 * 2**30), ("512M", 512 * 2**20), ("64k", 65536),
                                        ("1.5GiB", 3 * 2**29), ("100", 100), (4096, 4096)])
def test_sizes(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "2X", "-1G"])
def test_bad_sizes_are_named(text):
    with pytest.raises(ValueError, match="not a size"):
        parse_size(text)


def test_human_sizes():
    assert human_size(600 * 2**20) == "600 MiB"
    assert human_size(4 * 2**30) == "4 GiB"
    assert human_size(12) == "12 bytes"


@pytest.mark.parametrize("code, words", [
    (0, "the kernel exited with status 0"), (3, "the kernel exited with status 3"),
    (137, "the kernel was killed (SIGKILL)"), (-9, "the kernel was killed (SIGKILL)"),
    (139, "the kernel crashed (segmentation fault)"), (152, "the kernel used up its CPU time limit"),
    (None, "the kernel stopped answering"),
])
def test_exit_causes(code, words):
    assert describe_exit(code) == words


def test_levels():
    assert Isolation(bwrap="/usr/bin/bwrap", uid=True, cgroup="v1").level == "full"
    assert Isolation(bwrap="/usr/bin/bwrap").level == "partial"
    assert Isolation(cgroup="v2").level == "partial"
    assert Isolation().level == "none"
    assert Isolation(bwrap="/b", uid=True, cgroup="v1", disabled=True).level == "none"
    text = Isolation(bwrap="/b", missing=("separate uid (needs root)",)).describe()
    assert text.startswith("partial (bubblewrap, no network, rlimits)")
    assert "missing: separate uid (needs root)" in text
    assert sandbox.probe(disabled=True).describe().startswith("none (sandbox turned off")


def test_this_machine_is_probed_once_and_said_plainly():
    first = sandbox.probe()
    assert sandbox.probe() is first
    assert first.level in sandbox.LEVELS
    if first.level != "full":
        assert first.missing  # anything short of full says what is missing


def _course(tmp_path, monkeypatch):
    (tmp_path / "source").mkdir()
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    monkeypatch.chdir(tmp_path)


def test_require_sandbox_refuses_less_than_full(tmp_path, monkeypatch, capsys):
    _course(tmp_path, monkeypatch)
    partial = Isolation(bwrap="/usr/bin/bwrap", missing=("memory/pids cgroup (none writable)",))
    monkeypatch.setattr(sandbox, "probe", lambda disabled=False: partial)
    assert cli.main(["grade", "conv-pooling", "--require-sandbox"]) == 2
    err = capsys.readouterr().err
    assert "isolation: partial (bubblewrap, no network, rlimits); missing: memory/pids cgroup" in err
    assert "--require-sandbox: isolation here is partial, not full" in err


def test_grade_says_its_isolation_level(tmp_path, monkeypatch, capsys):
    _course(tmp_path, monkeypatch)
    assert cli.main(["grade", "nothing-here", "--no-sandbox"]) == 2
    err = capsys.readouterr().err
    assert "isolation: none (sandbox turned off with --no-sandbox)" in err
    assert "no assignment 'nothing-here'" in err


def test_the_kernel_environment_is_scrubbed(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    env = sandbox.kernel_environment(3)
    assert "AWS_SECRET_ACCESS_KEY" not in env
    assert env["OMP_NUM_THREADS"] == env["TF_NUM_INTRAOP_THREADS"] == "3"
    assert env["TF_CPP_MIN_LOG_LEVEL"] == "3" and env["HOME"] == "/tmp"


@pytest.mark.skipif(os.geteuid() != 0 or not cgroups.version(), reason="no writable cgroup here")
def test_a_cgroup_is_made_limited_and_removed():
    flavour = cgroups.version()
    group = cgroups.Cgroup.create(flavour, cgroups.kernel_group_name(999), memory=300 * 2**20, pids=20)
    try:
        limit = group.dirs[0] / ("memory.limit_in_bytes" if flavour == "v1" else "memory.max")
        assert int(limit.read_text()) == 300 * 2**20
        pids = group.dirs[1] if flavour == "v1" else group.dirs[0]
        assert (pids / "pids.max").read_text().strip() == "20"
        assert group.oom_kills() == 0
    finally:
        group.remove()
    assert not any(d.exists() for d in group.dirs)


BUSY_THREADS = """
import threading, time
def spin():
    while time.thread_time() < 0.6:
        pass
threads = [threading.Thread(target=spin) for _ in range(2)]
[t.start() for t in threads]
[t.join() for t in threads]
"""


@pytest.mark.skipif(os.geteuid() != 0 or not cgroups.version(), reason="no writable cgroup here")
def test_a_cgroup_counts_the_cpu_of_every_thread_of_its_processes():
    import subprocess
    import sys

    group = cgroups.Cgroup.create(cgroups.version(), cgroups.kernel_group_name(998),
                                  memory=2**30, pids=64)
    try:
        if group.cpu_seconds() is None:
            pytest.skip("this cgroup hierarchy has no CPU accounting")
        join = " && ".join(f"echo $$ > {f}" for f in group.procs_files())
        subprocess.run(["/bin/sh", "-c", f'{join} && exec "$@"', "sh", sys.executable, "-c",
                        BUSY_THREADS], check=True, timeout=60)
        assert 1.1 < group.cpu_seconds() < 10  # two threads of 0.6 s each, and the start-up
    finally:
        group.remove()


def test_the_process_tree_counts_the_cpu_of_threads_and_children():
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import subprocess, sys\n"
                              f"subprocess.run([sys.executable, '-c', {BUSY_THREADS!r}])\n"
                              "import time; time.sleep(30)"])
    try:
        deadline = time.monotonic() + 30
        while sandbox.process_tree_cpu(child.pid) < 1.1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert 1.1 <= sandbox.process_tree_cpu(child.pid) < 10  # the waited-for grandchild's too
    finally:
        child.kill()
        child.wait()
    assert sandbox.process_tree_cpu(child.pid) is None  # gone: nothing to read


def test_the_launcher_starts_nothing_once_its_grader_is_gone():
    import subprocess
    import sys

    def launch(grader_pid):
        return subprocess.run([sys.executable, "-I", "-S", "-c", sandbox._DIE_WITH_GRADER,
                               str(grader_pid), "/bin/echo", "kernel started"],
                              capture_output=True, text=True, timeout=30)

    orphaned = launch(1)  # its parent is not the grader it was started for
    assert (orphaned.returncode, orphaned.stdout) == (1, "")
    started = launch(os.getpid())
    assert (started.returncode, started.stdout) == (0, "kernel started\n")


def test_a_kernel_is_ready_at_once_without_a_debugger_and_is_killed_when_done(tmp_path):
    """The launcher (no debugpy), the client's readiness (no wait for IOPub to fall silent)
    and the kill at the end: the first cell's output still arrives whole, the submission's
    own modules import, and the kernel is gone after shutdown."""
    import asyncio

    from autograder.execute import TrustedExecute

    (tmp_path / "helper.py").write_text("ANSWER = 42\n")
    code = ("import sys\nprint('debugpy blocked:', sys.modules.get('debugpy', 0) is None)\n"
            "import helper\nprint('helper:', helper.ANSWER)\n"
            "try:\n    import debugpy\nexcept ImportError:\n    print('no debugger')\n")

    async def run() -> tuple[str, int]:
        manager = (sandbox.SandboxKernelManager if sandbox.probe().level != "none"
                   else sandbox.QuietKernelManager)(kernel_name="python3")
        await manager.start_kernel(cwd=str(tmp_path))
        client = manager.client()
        client.start_channels()
        out, pid = [], manager.provisioner.process.pid
        try:
            await client.wait_for_ready(timeout=60)
            reply = await client.execute_interactive(
                code, timeout=60, output_hook=lambda msg: out.append(msg["content"].get("text", "")))
            assert reply["content"]["status"] == "ok"
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)
        return "".join(out), pid

    text, pid = asyncio.run(run())
    assert text == "debugpy blocked: True\nhelper: 42\nno debugger\n"
    assert sandbox.process_tree_cpu(pid) is None  # killed and reaped
    assert TrustedExecute().shutdown_kernel == "immediate"
