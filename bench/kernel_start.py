"""Kernel start overhead with and without the sandbox: seconds from launch to the
first kernel_info reply, and to a finished shutdown, median of N starts.

    python bench/kernel_start.py [N]
"""
from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from jupyter_client.manager import AsyncKernelManager  # noqa: E402

from autograder import sandbox  # noqa: E402


async def once(manager_class, cwd: str) -> tuple[float, float]:
    km = manager_class(kernel_name="python3")
    start = time.perf_counter()
    await km.start_kernel(cwd=cwd, extra_arguments=["--IPKernelApp.log_level=ERROR"])
    client = km.client()
    client.start_channels()
    await client.wait_for_ready(timeout=60)
    ready = time.perf_counter() - start
    client.stop_channels()
    start = time.perf_counter()
    await km.shutdown_kernel()
    return ready, time.perf_counter() - start


async def main(n: int) -> None:
    iso = sandbox.probe()
    print(f"isolation here: {iso.describe()}")
    with tempfile.TemporaryDirectory() as cwd:
        for label, cls in (("plain kernel", AsyncKernelManager),
                           ("sandboxed kernel", sandbox.SandboxKernelManager)):
            if cls is sandbox.SandboxKernelManager and iso.level == "none":
                print(f"{label}: skipped (no isolation available)")
                continue
            await once(cls, cwd)  # warm-up: imports and page cache
            runs = [await once(cls, cwd) for _ in range(n)]
            ready = statistics.median(r for r, _ in runs)
            down = statistics.median(d for _, d in runs)
            print(f"{label:17s} ready {ready:.3f} s (min {min(r for r, _ in runs):.3f}), "
                  f"shutdown {down:.3f} s, median of {n}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
