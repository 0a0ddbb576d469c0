"""Benchmark reference.conv / reference.pooling against tf.nn and a naive loop.

Run on demand (`make bench` or `python bench/conv.py`), not in CI. Prints the
median of several runs in milliseconds. Targets (issue 2): no slower than TF on
the MNIST-like batch, within 2x on the CIFAR-like one, hundreds of times faster
than the loops. The loop version runs on a few images and is scaled to the batch.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from reference.conv import conv2d  # noqa: E402
from reference.pooling import avg_pool, max_pool  # noqa: E402

CASES = {
    "MNIST-like 64x28x28x1 -> 32 (3x3)": ((64, 28, 28, 1), (3, 3, 1, 32)),
    "CIFAR-like 64x32x32x32 -> 64 (3x3)": ((64, 32, 32, 32), (3, 3, 32, 64)),
}
LOOP_IMAGES = 2


def median_ms(fn, repeats: int = 7) -> float:
    fn()  # warm-up: first calls pay for allocation and TF graph setup
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def naive_conv2d(x, k):
    """The loop a student writes first: one window, one filter at a time."""
    n, h, w, _ = x.shape
    kh, kw, _, f = k.shape
    out = np.zeros((n, h - kh + 1, w - kw + 1, f), dtype=x.dtype)
    for b in range(n):
        for i in range(h - kh + 1):
            for j in range(w - kw + 1):
                for o in range(f):
                    out[b, i, j, o] = np.sum(x[b, i:i + kh, j:j + kw, :] * k[..., o])
    return out


def naive_max_pool(x, size=2):
    n, h, w, c = x.shape
    out = np.zeros((n, h // size, w // size, c), dtype=x.dtype)
    for b in range(n):
        for i in range(h // size):
            for j in range(w // size):
                for ch in range(c):
                    out[b, i, j, ch] = x[b, i * size:(i + 1) * size, j * size:(j + 1) * size, ch].max()
    return out


def main() -> None:
    import tensorflow as tf

    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, tensorflow {tf.__version__}, "
          f"{os.cpu_count()} CPUs, float32, median of 7 runs (ms)")
    header = f"{'case':38s} {'op':9s} {'ours':>9s} {'tf.nn':>9s} {'loop*':>11s} {'ours/tf':>8s} {'loop/ours':>10s}"
    print(header)
    print("-" * len(header))
    for name, (x_shape, k_shape) in CASES.items():
        x = rng.standard_normal(x_shape).astype(np.float32)
        k = rng.standard_normal(k_shape).astype(np.float32)
        xt, kt = tf.constant(x), tf.constant(k)
        scale = x_shape[0] / LOOP_IMAGES
        np.testing.assert_allclose(conv2d(x, k), tf.nn.conv2d(xt, kt, 1, "VALID").numpy(),
                                   rtol=1e-4, atol=1e-4)
        rows = [
            ("conv2d", lambda: conv2d(x, k), lambda: tf.nn.conv2d(xt, kt, 1, "VALID"),
             lambda: naive_conv2d(x[:LOOP_IMAGES], k)),
            ("max_pool", lambda: max_pool(x, 2), lambda: tf.nn.max_pool2d(xt, 2, 2, "VALID"),
             lambda: naive_max_pool(x[:LOOP_IMAGES])),
            ("avg_pool", lambda: avg_pool(x, 2), lambda: tf.nn.avg_pool2d(xt, 2, 2, "VALID"),
             None),
        ]
        for op, ours_fn, tf_fn, loop_fn in rows:
            ours = median_ms(ours_fn)
            theirs = median_ms(tf_fn)
            loop = median_ms(loop_fn, repeats=1) * scale if loop_fn else float("nan")
            print(f"{name:38s} {op:9s} {ours:9.2f} {theirs:9.2f} {loop:11.1f} "
                  f"{ours / theirs:8.2f} {loop / ours:10.0f}")
    print(f"* loop time measured on {LOOP_IMAGES} images and scaled to the batch")


if __name__ == "__main__":
    main()
