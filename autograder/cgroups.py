"""Memory and process limits for one kernel, from a cgroup (v1 or v2) where one is writable.

The grader creates `dlgrade/<name>` per kernel, the launcher writes its own pid
into `procs_files()` before exec'ing the sandbox, and after a death the grader
reads `oom_kills()` to tell an out-of-memory kill from any other. The same group
counts the kernel's CPU time (`cpu_seconds()`): every thread and child process of
it, whichever cell started them.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
GROUP = "dlgrade"


def version() -> str | None:
    """"v1" or "v2" when this process can create memory and pids cgroups, else None."""
    for candidate in ("v1", "v2"):
        try:
            probe = Cgroup.create(candidate, kernel_group_name(0), memory=2**30, pids=64)
        except OSError:
            continue
        probe.remove()
        return candidate
    return None


class Cgroup:
    def __init__(self, flavour: str, dirs: list[Path]):
        self.flavour = flavour
        self.dirs = dirs

    @classmethod
    def create(cls, flavour: str, name: str, memory: int, pids: int) -> "Cgroup":
        if flavour == "v1":
            dirs = [ROOT / "memory" / GROUP / name, ROOT / "pids" / GROUP / name]
            if (ROOT / "cpuacct" / "cpuacct.usage").is_file():  # CPU accounting, where mounted
                dirs.append(ROOT / "cpuacct" / GROUP / name)
        else:
            parent = ROOT / GROUP
            if not (ROOT / "cgroup.controllers").is_file():
                raise OSError("no cgroup v2 hierarchy at /sys/fs/cgroup")
            parent.mkdir(exist_ok=True)
            (parent / "cgroup.subtree_control").write_text("+memory +pids")
            dirs = [parent / name]
        for folder in dirs:
            folder.mkdir(parents=True, exist_ok=True)
        group = cls(flavour, dirs)
        try:
            group._limit(memory, pids)
        except OSError:
            group.remove()
            raise
        return group

    def _limit(self, memory: int, pids: int) -> None:
        if self.flavour == "v1":
            mem, pid = self.dirs[:2]
            (mem / "memory.limit_in_bytes").write_text(str(memory))
            swap = mem / "memory.memsw.limit_in_bytes"
            if swap.exists():  # no swapping past the limit either
                swap.write_text(str(memory))
            (pid / "pids.max").write_text(str(pids))
        else:
            (self.dirs[0] / "memory.max").write_text(str(memory))
            swap = self.dirs[0] / "memory.swap.max"
            if swap.exists():
                swap.write_text("0")
            (self.dirs[0] / "pids.max").write_text(str(pids))

    def procs_files(self) -> list[str]:
        return [str(folder / "cgroup.procs") for folder in self.dirs]

    def oom_kills(self) -> int:
        """How many processes the kernel's memory limit has killed."""
        path = self.dirs[0] / ("memory.oom_control" if self.flavour == "v1" else "memory.events")
        try:
            for line in path.read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def cpu_seconds(self) -> float | None:
        """CPU time (user and system) of everything in the group so far; None where the
        hierarchy does not count it."""
        try:
            if self.flavour == "v1":
                folder = next((d for d in self.dirs if d.parent.parent.name == "cpuacct"), None)
                return int((folder / "cpuacct.usage").read_text()) / 1e9 if folder else None
            for line in (self.dirs[0] / "cpu.stat").read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "usage_usec":
                    return int(value) / 1e6
        except (OSError, ValueError):
            pass
        return None

    def pids_refused(self) -> int:
        """How many forks the pids limit refused."""
        folder = self.dirs[1] if self.flavour == "v1" else self.dirs[0]
        try:
            text = (folder / "pids.events").read_text()
        except OSError:
            return 0
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "max":
                return int(value)
        return 0

    def remove(self) -> None:
        """Kill whatever is left in the group and remove it."""
        for folder in self.dirs:
            for _ in range(50):
                try:
                    pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
                except (OSError, ValueError):
                    pids = []
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def kernel_group_name(serial: int) -> str:
    """Names carry the grader's pid, so a later grader knows which groups are orphans."""
    return f"k{os.getpid()}-{serial}"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale() -> None:
    """Groups left by a grader that was killed: empty them and remove them."""
    for flavour, parents in (("v1", [ROOT / "memory" / GROUP, ROOT / "pids" / GROUP,
                                     ROOT / "cpuacct" / GROUP]),
                             ("v2", [ROOT / GROUP])):
        for parent in parents:
            if not parent.is_dir():
                continue
            for child in parent.iterdir():
                owner = child.name[1:].split("-")[0]
                if child.is_dir() and owner.isdigit() and not pid_alive(int(owner)):
                    Cgroup(flavour, [child]).remove()
