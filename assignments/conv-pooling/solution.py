"""Reference solution of the `conv-pooling` assignment, written as a student would.

Numpy only, one loop over output positions: clear rather than fast (the trusted,
vectorised versions the grader compares against are reference/conv.py and
reference/pooling.py). Each function below is copied verbatim into a solution
cell of source/conv-pooling/conv-pooling.ipynb by `dlgrade build`;
the docstrings are the task statements the students read.
"""
import numpy as np


def output_size(n, kernel, stride=1, padding=0):
    """Length of a convolution's output along one axis.

    n: input length, kernel: kernel length, stride: step between windows,
    padding: zeros added on EACH side (an int >= 0).
    Returns an int: floor((n - kernel + 2 * padding) / stride) + 1.
    Example: output_size(28, 5) == 24.
    """
    ### BEGIN SOLUTION
    return (n - kernel + 2 * padding) // stride + 1
    ### END SOLUTION


def zero_pad(image, p):
    """Surround a 2-D image with p rows / columns of zeros on every side.

    image: array of shape (H, W); p: int >= 0.
    Returns an array of shape (H + 2p, W + 2p) with the image in the middle.
    """
    ### BEGIN SOLUTION
    image = np.asarray(image)
    height, width = image.shape
    padded = np.zeros((height + 2 * p, width + 2 * p), dtype=image.dtype)
    padded[p:p + height, p:p + width] = image
    return padded
    ### END SOLUTION


def conv2d(image, kernel, stride=1, padding=0):
    """Convolve a 2-D image with a 2-D kernel, as in the course (and Keras).

    The course's "convolution" is cross-correlation: slide the kernel (NOT
    flipped) over the zero-padded image, `stride` pixels at a time, and at each
    position sum the elementwise products of the kernel and the window under it.
    image: (H, W); kernel: (kh, kw); stride: int >= 1; padding: int >= 0.
    Returns a float array of shape
    (output_size(H, kh, stride, padding), output_size(W, kw, stride, padding)).
    """
    ### BEGIN SOLUTION
    image = zero_pad(np.asarray(image, dtype=float), padding)
    kernel = np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    out_h = output_size(image.shape[0], kh, stride)
    out_w = output_size(image.shape[1], kw, stride)
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = image[i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[i, j] = np.sum(window * kernel)
    return out
    ### END SOLUTION


def conv2d_multi(x, kernels, bias, stride=1, padding="valid"):
    """A Conv2D layer's forward pass (no activation): many channels in, many filters out.

    x: (H, W, C) image with C channels; kernels: (kh, kw, C, F), one
    (kh, kw, C) kernel per filter; bias: (F,), one number per filter.
    Output value (i, j, f) = sum over the window and ALL channels of
    window * kernels[:, :, :, f], plus bias[f].
    padding: "valid" (no padding) or "same" (as Keras: the output is
    ceil(H / stride) x ceil(W / stride); the total padding per axis is
    max((out - 1) * stride + k - n, 0), split in two with the odd pixel at the
    bottom / right).
    Returns a float array of shape (H', W', F).
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    kernels = np.asarray(kernels, dtype=float)
    bias = np.asarray(bias, dtype=float)
    kh, kw, channels, filters = kernels.shape
    pads = []
    for n, k in ((x.shape[0], kh), (x.shape[1], kw)):
        if padding == "same":
            out = -(-n // stride)  # ceil(n / stride)
            total = max((out - 1) * stride + k - n, 0)
            pads.append((total // 2, total - total // 2))  # the odd pixel goes after
        else:
            pads.append((0, 0))
    x = np.pad(x, (pads[0], pads[1], (0, 0)))
    out_h = output_size(x.shape[0], kh, stride)
    out_w = output_size(x.shape[1], kw, stride)
    out = np.zeros((out_h, out_w, filters))
    for i in range(out_h):
        for j in range(out_w):
            window = x[i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            for f in range(filters):
                out[i, j, f] = np.sum(window * kernels[:, :, :, f]) + bias[f]
    return out
    ### END SOLUTION


def max_pool(x, pool_size=2, stride=None):
    """Max pooling ("valid": windows that do not fit are dropped).

    x: (H, W) or (H, W, C); each channel is pooled on its own.
    pool_size: int window side; stride: int, defaults to pool_size.
    Returns (H', W') or (H', W', C) with H' = floor((H - pool_size) / stride) + 1.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    if stride is None:
        stride = pool_size
    out_h = output_size(x.shape[0], pool_size, stride)
    out_w = output_size(x.shape[1], pool_size, stride)
    out = np.zeros((out_h, out_w) + x.shape[2:])
    for i in range(out_h):
        for j in range(out_w):
            window = x[i * stride:i * stride + pool_size, j * stride:j * stride + pool_size]
            out[i, j] = window.max(axis=(0, 1))
    return out
    ### END SOLUTION


def avg_pool(x, pool_size=2, stride=None):
    """Average pooling ("valid"), the same windows as max_pool but their mean.

    x: (H, W) or (H, W, C); pool_size: int; stride: int, defaults to pool_size.
    Returns a float array of the same shape as max_pool's.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    if stride is None:
        stride = pool_size
    out_h = output_size(x.shape[0], pool_size, stride)
    out_w = output_size(x.shape[1], pool_size, stride)
    out = np.zeros((out_h, out_w) + x.shape[2:])
    for i in range(out_h):
        for j in range(out_w):
            window = x[i * stride:i * stride + pool_size, j * stride:j * stride + pool_size]
            out[i, j] = window.mean(axis=(0, 1))
    return out
    ### END SOLUTION
