"""A kernel killed between its reply and the end of its output (the cgroup's memory limit,
on a loaded machine) died: the executor says so with the cause, not "stopped answering"."""
import subprocess
import types

import nbformat
import pytest
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from autograder.execute import TrustedExecute


def _executor(command):
    executor = TrustedExecute()
    process = subprocess.Popen(command)
    executor.km = types.SimpleNamespace(provisioner=types.SimpleNamespace(process=process))

    def output_never_finished(*args, **kwargs):
        raise CellTimeoutError("the reply came, its output never finished")
    executor.execute_cell = output_never_finished
    return executor, process


def test_an_unfinished_output_from_a_kernel_that_ended_is_its_death():
    executor, _ = _executor(["true"])
    with pytest.raises(DeadKernelError):
        executor._execute(nbformat.v4.new_code_cell("x = 1"), 0, store_history=True)


def test_an_unfinished_output_from_a_kernel_still_there_is_not():
    executor, process = _executor(["sleep", "30"])
    try:
        with pytest.raises(CellTimeoutError):
            executor._execute(nbformat.v4.new_code_cell("x = 1"), 0, store_history=True)
    finally:
        process.kill()
        process.wait()
