"""Isolated student kernels: bubblewrap, a separate uid, cgroup limits, rlimits.

`probe()` finds out once per process what this machine allows. The kernel
manager then launches each student kernel as

    sh (joins the kernel's cgroups) -> prlimit -> bwrap -> [as root inside: copy
    the submission into a private size-capped tmpfs] -> setpriv (slot uid) -> ipykernel

with every namespace but the user one unshared when the grader is root (bwrap
binds as root, so a Python under a 0700 home still binds; setpriv then drops to
the slot's uid), or with all of them as an ordinary user. The kernel talks to
the grader over jupyter_client's `ipc` transport: unix sockets in a per-kernel
directory bound into the sandbox at the same path, since there is no network.
Inside, only the Python environment (read-only), the private copy of the
submission, a private /tmp and the declared datasets (read-only) exist.
"""
from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Integer, List, Unicode, default

from autograder import cgroups, secret

SLOT_UID_BASE = 61000
SUBMISSION_MOUNT = "/run/dlgrade/submission"
SHM_SIZE = 64 * 2**20  # the kernel's private /dev/shm
LEVELS = ("full", "partial", "none")


def parse_size(text: str | int) -> int:
    """'2G', '512M', '64k' or a number of bytes -> bytes."""
    if isinstance(text, int):
        return text
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:i?[bB])?\s*", str(text))
    if not match:
        raise ValueError(f"not a size: {text!r} (use e.g. 2G, 512M)")
    scale = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}[match.group(2).lower()]
    return int(float(match.group(1)) * scale)


def human_size(size: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size} bytes"


@dataclass(frozen=True)
class Isolation:
    """What isolation this machine gives a student kernel."""

    bwrap: str | None = None        # bwrap's path, when it can create the namespaces here
    uid: bool = False               # kernels run as a separate unprivileged uid
    cgroup: str | None = None       # "v1" | "v2": memory and pids limits
    missing: tuple[str, ...] = field(default_factory=tuple)  # what is lacking, and why
    disabled: bool = False          # the instructor turned the sandbox off

    @property
    def level(self) -> str:
        if self.disabled or not (self.bwrap or self.cgroup):
            return "none"
        return "full" if self.bwrap and self.uid and self.cgroup else "partial"

    def describe(self) -> str:
        if self.disabled:
            return "none (sandbox turned off with --no-sandbox)"
        have = [name for name, ok in (("bubblewrap, no network", self.bwrap),
                                      ("separate uid", self.uid),
                                      (f"cgroup {self.cgroup} memory/pids limits", self.cgroup))
                if ok]
        text = self.level
        if have:
            text += " (" + ", ".join(have + ["rlimits"]) + ")"
        if self.missing:
            text += "; missing: " + "; ".join(self.missing)
        return text


def _namespace_flags(as_root: bool) -> list[str]:
    # As root bwrap keeps the real uid (setpriv drops it later); a user namespace
    # would map the slot uid back onto root outside.
    if as_root:
        return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try"]
    return ["--unshare-all"]


def _probe_bwrap() -> tuple[str | None, str | None]:
    path = shutil.which("bwrap")
    if not path:
        return None, "bubblewrap is not installed (apt-get install bubblewrap; `make test` does it as root)"
    try:
        done = subprocess.run([path, *_namespace_flags(os.geteuid() == 0), "--ro-bind", "/", "/",
                               "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"bubblewrap does not run: {exc}"
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["exit status %d" % done.returncode])[-1]
        return None, f"bubblewrap cannot create namespaces here ({why})"
    return path, None


@functools.lru_cache(maxsize=None)
def probe(disabled: bool = False) -> Isolation:
    """The best isolation this machine gives, found once per process."""
    if disabled:
        return Isolation(disabled=True)
    missing = []
    bwrap, why = _probe_bwrap()
    if why:
        missing.append(why)
    root = os.geteuid() == 0
    uid = bool(root and bwrap and shutil.which("setpriv"))
    if not uid:
        missing.append("separate uid (needs root, setpriv and bubblewrap)" if not root or not bwrap
                       else "separate uid (setpriv is not installed)")
    remove_stale_kernel_dirs()
    if root:
        cgroups.remove_stale()
    cgroup = cgroups.version() if root else None
    if not cgroup:
        missing.append("memory/pids cgroup (none writable: needs root and cgroup v1 or a "
                       "delegated v2 hierarchy)")
    return Isolation(bwrap=bwrap, uid=uid, cgroup=cgroup, missing=tuple(missing))


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process: its threads and its waited-for children)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()  # the name may hold spaces and brackets
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return int(fields[1]), (utime + stime + cutime + cstime) / _TICKS


def process_tree_cpu(pid: int) -> float | None:
    """CPU seconds of a process and all its live descendants (threads included), from /proc;
    None when it is gone. Where no cgroup counts a kernel's CPU, this does."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = _proc_stat(int(entry.name))
            if found:
                stats[int(entry.name)] = found
    if pid not in stats:
        return None
    children: dict[int, list[int]] = {}
    for child, (parent, _) in stats.items():
        children.setdefault(parent, []).append(child)
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += stats[current][1]
        todo += children.get(current, [])
    return total


def kernel_process_cpu(manager) -> float | None:
    process = getattr(getattr(manager, "provisioner", None), "process", None)
    pid = getattr(process, "pid", None)
    return process_tree_cpu(pid) if pid else None


def exit_status(process) -> int | None:
    """The exit status of a kernel process that is dying (it may take a moment)."""
    if process is None:
        return None
    try:
        return process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        return None


def describe_exit(returncode: int | None) -> str:
    """How a kernel process ended, in words."""
    import signal

    if returncode is None:
        return "the kernel stopped answering"
    if returncode < 0 or returncode > 128:
        number = -returncode if returncode < 0 else returncode - 128
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        what = {"SIGKILL": "was killed (SIGKILL)", "SIGSEGV": "crashed (segmentation fault)",
                "SIGXCPU": "used up its CPU time limit", "SIGABRT": "aborted (SIGABRT)",
                "SIGBUS": "crashed (bus error)"}.get(name, f"was stopped by {name}")
        return f"the kernel {what}"
    return f"the kernel exited with status {returncode}"


# The largest message the grader takes from a kernel: a bridge reply (64 MiB of JSON) and
# its envelope fit; a bigger one never reaches the grader's memory (ZeroMQ drops it and
# the connection), so a kernel cannot make the grader hold a gigabyte in one message.
MAX_MESSAGE_BYTES = 96 * 2**20


class BoundedKernelClient(AsyncKernelClient):
    """The grader's side of a kernel's channels, refusing messages over MAX_MESSAGE_BYTES."""

    def _create_connected_socket(self, channel, identity=None):
        # jupyter_client's own, with the limit set before connecting (ZeroMQ applies it to
        # connections made after it is set)
        from jupyter_client.connect import channel_socket_types

        sock = self.context.socket(channel_socket_types[channel])
        sock.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        # The kernel binds its sockets a few tenths of a second after launch: try again after
        # 10 ms (backing off to ZeroMQ's usual 100 ms), not 100 ms from the start.
        sock.setsockopt(zmq.RECONNECT_IVL, 10)
        sock.setsockopt(zmq.RECONNECT_IVL_MAX, 100)
        sock.linger = 1000
        if identity:
            sock.identity = identity
        if self.curve_publickey is not None:
            sock.curve_secretkey = self.curve_secretkey
            sock.curve_publickey = self.curve_publickey
            sock.curve_serverkey = self.curve_publickey
        sock.connect(self._make_url(channel))
        return sock

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        """jupyter_client's wait, less its closing 0.2 s wait for IOPub to fall silent (a fifth
        of a second on every submission): nbclient reads only the messages that answer its own
        requests, so a kernel is ready once it has answered kernel_info with IOPub connected."""
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if reply["msg_type"] == "kernel_info_reply":
                    try:  # IOPub connected: the kernel's welcome or status has come through
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:  # what has already come, without waiting for more
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                break

    wait_for_ready = _async_wait_for_ready  # as AsyncKernelClient binds its own


# ipykernel_launcher's own steps, with debugpy unavailable: a debugger in a student's kernel
# is of no use to grading, and importing it is a tenth of the kernel's start.
KERNEL_LAUNCHER = """
import sys
from pathlib import Path
sys.modules["debugpy"] = None
if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
    del sys.path[0]
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""


class QuietKernelManager(AsyncKernelManager):
    """A kernel whose own stdout/stderr (ipykernel's banners, a student's os.write(1, ...))
    goes nowhere: the grader's output is its own, `dlgrade grade --json` included. Its
    client takes no message larger than MAX_MESSAGE_BYTES."""

    datasets = List(Unicode(), help="Dataset directories the kernel may read (course_data.py "
                    "finds them through $DLGRADE_STUDENT_DATA).").tag(config=True)
    client_class = DottedObjectName("autograder.sandbox.BoundedKernelClient")

    @default("client_factory")
    def _bounded_client(self):
        return BoundedKernelClient

    def cpu_used(self) -> float | None:
        """The kernel's CPU seconds so far, every thread and child process counted."""
        return kernel_process_cpu(self)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        for i in range(len(cmd) - 1):
            if cmd[i:i + 2] == ["-m", "ipykernel_launcher"]:
                return cmd[:i] + ["-c", KERNEL_LAUNCHER] + cmd[i + 2:]
        return cmd

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # jupyter_client looks every 0.1 s whether a dying kernel is gone; a killed one is
        # gone within milliseconds, and every submission waits for it
        await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    async def _async_pre_start_kernel(self, **kw):
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        env = {**(kw.get("env") or os.environ), **data_environment(self.datasets)}
        env.pop(secret.ENV, None)  # the grader's own seed: never a kernel's
        kw["env"] = env
        return await super()._async_pre_start_kernel(**kw)


class SandboxKernelManager(QuietKernelManager):
    """nbclient's kernel manager for student kernels, launched inside the sandbox."""

    memory_limit = Unicode("4G", help="Memory for one kernel, tmpfs files included (cgroup).").tag(config=True)
    pids_limit = Integer(512, help="Processes and threads for one kernel (cgroup, RLIMIT_NPROC).").tag(config=True)
    cpu_seconds = Integer(3600, help="CPU seconds for one kernel (RLIMIT_CPU).").tag(config=True)
    max_file_size = Unicode("1G", help="Largest file a kernel may write (RLIMIT_FSIZE).").tag(config=True)
    open_files = Integer(1024, help="Open files for one kernel (RLIMIT_NOFILE).").tag(config=True)
    address_space = Unicode("64G", help="A generous RLIMIT_AS backstop (small values break numpy/TF).").tag(config=True)
    work_size = Unicode("512M", help="Size of the kernel's private copy of the submission.").tag(config=True)
    tmp_size = Unicode("512M", help="Size of the kernel's private /tmp.").tag(config=True)
    slot = Integer(0, help="Concurrent kernel slot: slot n runs as uid SLOT_UID_BASE + n.").tag(config=True)
    threads = Integer(0, help="Thread count for BLAS/TF in the kernel (0: this machine's cores).").tag(config=True)

    _serial = 0

    @property
    def isolation(self) -> Isolation:
        return probe()

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        # A signal would hit bwrap (and --die-with-parent takes the kernel down).
        if spec is not None and self.isolation.bwrap:
            spec.interrupt_mode = "message"
        return spec

    @property
    def uid(self) -> int | None:
        return SLOT_UID_BASE + self.slot if self.isolation.uid else None

    async def _async_pre_start_kernel(self, **kw):
        iso = self.isolation
        SandboxKernelManager._serial += 1
        self._kernel_dir = Path(tempfile.mkdtemp(prefix=f"kernel-{os.getpid()}-",
                                                 dir=_kernels_base()))
        if iso.bwrap:  # no network: unix sockets in the kernel's own directory
            self.transport = "ipc"
            self.connection_file = str(self._kernel_dir / "kernel.json")
            self.ip = str(self._kernel_dir / "ipc")
        self._cgroup = None
        if iso.cgroup:
            self._cgroup = cgroups.Cgroup.create(iso.cgroup,
                                                 cgroups.kernel_group_name(self._serial),
                                                 parse_size(self.memory_limit), self.pids_limit)
        cwd = str(Path(kw.get("cwd") or os.getcwd()).resolve())
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        if self.uid is not None:
            for path in (self._kernel_dir, Path(self.connection_file)):
                os.chown(path, self.uid, self.uid)
        env = kernel_environment(self.threads or os.cpu_count() or 1, self.datasets)
        kw["cwd"] = str(self._kernel_dir)
        kw["env"] = dict(env)
        return self.launch_command(kernel_cmd, cwd, env), kw

    def launch_command(self, kernel_cmd: list[str], cwd: str, env: dict[str, str]) -> list[str]:
        iso = self.isolation
        cmd = list(kernel_cmd)
        redirect = ""
        if iso.bwrap:
            cmd = self._bwrap_command(iso.bwrap, cmd, cwd, env)
            redirect = " 3<" + shlex.quote(self._args_file)
        cmd = ["prlimit", f"--cpu={self.cpu_seconds}", f"--nofile={self.open_files}",
               f"--fsize={parse_size(self.max_file_size)}", "--core=0",
               f"--as={parse_size(self.address_space)}",
               *([f"--nproc={self.pids_limit}"] if self.uid is not None else []), "--", *cmd]
        files = self._cgroup.procs_files() if self._cgroup else []
        join = "".join(f"echo $$ > {shlex.quote(f)} && " for f in files)
        return [sys.executable, "-I", "-S", "-c", _DIE_WITH_GRADER, str(os.getpid()),
                "/bin/sh", "-c", f'{join}exec "$@"{redirect}', "dlgrade-kernel", *cmd]

    def _bwrap_command(self, bwrap: str, kernel_cmd: list[str], cwd: str,
                       env: dict[str, str]) -> list[str]:
        args = [bwrap, *_namespace_flags(os.geteuid() == 0), "--die-with-parent",
                "--new-session"]
        args += _system_binds()
        made: set[str] = {"/", "/usr", "/etc", "/tmp", "/dev", "/proc", "/run"}

        def parents(path: str) -> list[str]:
            out = []
            for parent in reversed(Path(path).parents):
                text = str(parent)
                if text not in made:
                    made.add(text)
                    out += ["--perms", "0755", "--dir", text]
            return out

        args += ["--dev", "/dev", "--proc", "/proc",
                 "--size", str(parse_size(self.tmp_size)), "--perms", "1777", "--tmpfs", "/tmp",
                 # POSIX semaphores (multiprocessing's locks, Keras's file indexing) live here
                 "--size", str(SHM_SIZE), "--perms", "1777", "--tmpfs", "/dev/shm"]
        for env_dir in _python_dirs():
            args += parents(env_dir) + ["--ro-bind", env_dir, env_dir]
            made.add(env_dir)
        for hidden in hidden_data_files():
            args += ["--ro-bind", "/dev/null", hidden]
        args += ["--ro-bind", cwd, SUBMISSION_MOUNT]
        args += parents(cwd) + ["--size", str(parse_size(self.work_size)), "--perms", "0755",
                                "--tmpfs", cwd]
        kdir = str(self._kernel_dir)
        args += parents(kdir) + ["--bind", kdir, kdir]
        for dataset in self.datasets:
            real = str(Path(dataset).resolve())
            if Path(real).is_dir():
                args += parents(real) + ["--ro-bind", real, real]
        args += _keras_cache_binds(self.datasets)
        if self.uid is not None:
            passwd, group = _identity_files(self._kernel_dir, self.uid)
            args += ["--ro-bind", passwd, "/etc/passwd", "--ro-bind", group, "/etc/group"]
        args += ["--chdir", cwd, "--clearenv"]
        for key, value in env.items():
            args += ["--setenv", key, value]
        # The sandbox's options go in through a root-only file, not bwrap's command line:
        # the kernel can read its sandbox's /proc/1/cmdline, and they name the course's paths.
        self._args_file = str(_kernels_base() / f"args-{self._kernel_dir.name}")
        descriptor = os.open(self._args_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write("".join(arg + "\0" for arg in args[1:]))
        args = [args[0], "--args", "3"]
        # The copy runs before the uid drops: the submission may hold root-only files.
        copy = f'cp -R {SUBMISSION_MOUNT}/. . 2>/dev/null'
        if self.uid is not None:
            inner = (f'{copy}; chown -R -h {self.uid}:{self.uid} . ; exec setpriv '
                     f'--reuid={self.uid} --regid={self.uid} --clear-groups --inh-caps=-all '
                     f'--bounding-set=-all --no-new-privs -- "$@"')
        else:
            inner = f'{copy}; exec "$@"'
        return args + ["/bin/sh", "-c", inner, "dlgrade-kernel", *kernel_cmd]

    def cpu_used(self) -> float | None:
        """The kernel's CPU seconds so far: its cgroup's count where there is one (a process
        that left the kernel's process tree is still in it), else its process tree's."""
        group = getattr(self, "_cgroup", None)
        counted = group.cpu_seconds() if group is not None else None
        return counted if counted is not None else kernel_process_cpu(self)

    def death_cause(self) -> str:
        """Why the kernel died, as precisely as the grader can tell."""
        returncode = exit_status(getattr(self.provisioner, "process", None))
        if self._cgroup_oom():
            return f"memory limit {human_size(parse_size(self.memory_limit))} reached"
        return describe_exit(returncode)

    def _cgroup_oom(self) -> bool:
        group = getattr(self, "_cgroup", None)
        return bool(group and group.oom_kills())

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        group = getattr(self, "_cgroup", None)
        if group is not None and not restart:
            group.remove()
            self._cgroup = None
        kdir = getattr(self, "_kernel_dir", None)
        if kdir is not None and not restart:
            shutil.rmtree(kdir, ignore_errors=True)
            Path(_kernels_base() / f"args-{kdir.name}").unlink(missing_ok=True)


# bwrap's --die-with-parent is set only once bwrap runs: a grader killed while the
# launcher was still starting left the kernel behind. The first process of the chain
# asks for SIGKILL when its parent (the grader's launching thread) dies, then checks
# the grader did not die before that; exec keeps the request through sh, prlimit, bwrap.
_DIE_WITH_GRADER = """
import ctypes, os, signal, sys
ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[1]):
    os._exit(1)
os.execv(sys.argv[2], sys.argv[2:])
"""


def _kernels_base() -> Path:
    base = Path(tempfile.gettempdir()) / "dlgrade-kernels"
    base.mkdir(mode=0o711, exist_ok=True)
    return base


def remove_stale_kernel_dirs() -> None:
    """Kernel directories left by a grader that was killed (named kernel-<pid>-...)."""
    for path in [*_kernels_base().glob("kernel-*-*"), *_kernels_base().glob("args-kernel-*-*")]:
        owner = path.name.removeprefix("args-").split("-")[1]
        if owner.isdigit() and not cgroups.pid_alive(int(owner)):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _python_dirs() -> list[str]:
    """The Python environment the kernel needs, outermost first, without duplicates."""
    found: list[str] = []
    for path in (sys.base_prefix, sys.prefix, str(Path(sys.executable).resolve().parent.parent)):
        real = str(Path(path).resolve())
        if real.startswith("/usr/") or real == "/usr":
            continue
        if not any(real == f or real.startswith(f + "/") for f in found):
            found = [f for f in found if not f.startswith(real + "/")] + [real]
    return sorted(found)


@functools.lru_cache(maxsize=1)
def hidden_data_files() -> tuple[str, ...]:
    """Files of the Python environment a kernel must not read: the source of a stand-in's
    held-out examples (scikit-learn's bundled digits, from which the digit tasks' stand-in is
    made). The sandbox shows them empty."""
    import importlib.util

    found = []
    spec = importlib.util.find_spec("sklearn")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "datasets" / "data" / "digits.csv.gz"
        if path.is_file():
            found.append(str(path.resolve()))
    return tuple(found)


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "fonts", "mime.types"):
        path = Path("/etc") / name
        if path.exists():
            args += ["--ro-bind", str(path), str(path)]
    return args


KERAS_HOME = "/tmp/keras"  # the kernel's: in its own /tmp, writable, as Keras wants its cache


def _keras_cache_binds(datasets: list[str]) -> list[str]:
    """A pretrained base's real weights the grader prepared, shown read-only where
    keras.applications looks for them ($KERAS_HOME/models/): a student's own
    keras.applications.VGG16(weights="imagenet") loads them offline."""
    from autograder.kernel.course_data import PRETRAINED

    args: list[str] = []
    for dataset in datasets:
        for name in PRETRAINED.values():
            weights = Path(dataset) / name
            if weights.is_file():
                if not args:
                    args += ["--perms", "1777", "--dir", KERAS_HOME,
                             "--perms", "0755", "--dir", f"{KERAS_HOME}/models"]
                args += ["--ro-bind", str(weights.resolve()), f"{KERAS_HOME}/models/{name}"]
    return args


def _identity_files(kernel_dir: Path, uid: int) -> tuple[str, str]:
    passwd = kernel_dir / "passwd"
    group = kernel_dir / "group"
    passwd.write_text(f"root:x:0:0:root:/root:/bin/sh\nstudent:x:{uid}:{uid}:student:/tmp:/bin/sh\n")
    group.write_text(f"root:x:0:\nstudent:x:{uid}:\n")
    return str(passwd), str(group)


def kernel_environment(threads: int, datasets: list[str] | None = None) -> dict[str, str]:
    """A scrubbed environment: nothing of the grader's, thread counts sized to the slot."""
    bin_dir = str(Path(sys.executable).parent)
    n = str(max(1, threads))
    env = {
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "KERAS_HOME": KERAS_HOME,
        "OMP_NUM_THREADS": n,
        "OPENBLAS_NUM_THREADS": n,
        "MKL_NUM_THREADS": n,
        "TF_NUM_INTRAOP_THREADS": n,
        "TF_NUM_INTEROP_THREADS": "2",
    }
    env.update(data_environment(datasets or []))
    return env


def data_environment(datasets: list[str]) -> dict[str, str]:
    """Where the kernel's course_data.py looks for the data the grader prepared."""
    from autograder.kernel.course_data import DATA_DIRS_VARIABLE

    if not datasets:
        return {}
    return {DATA_DIRS_VARIABLE: os.pathsep.join(str(Path(d).resolve()) for d in datasets)}
