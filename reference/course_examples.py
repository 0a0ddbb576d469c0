"""The course's worked examples (images, kernels, the pooling matrix), as the slides give them.

Shared by the hidden checks and the reference tests, so both use the same numbers.
"""
import numpy as np

X_IMAGE = np.array([[1, 0, 0, 0, 1],
                    [0, 1, 0, 1, 0],
                    [0, 0, 1, 0, 0],
                    [0, 1, 0, 1, 0],
                    [1, 0, 0, 0, 1]])
X_KERNEL = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])
VERTICAL_KERNEL = np.array([[0, 1, 0]] * 3)
VERTICAL_IMAGE = np.zeros((5, 5), dtype=int)
VERTICAL_IMAGE[:, 2] = 1
SHRINK_KERNEL = np.array([[1, 0], [1, 0]])
BAND_IMAGE = np.array([[1, 1, 1, 0, 0],
                       [0, 1, 1, 1, 0],
                       [0, 0, 1, 1, 1],
                       [0, 0, 1, 1, 0],
                       [0, 1, 1, 0, 0]])
PAD_IMAGE = np.array([[1, 2, 0, 3, 1],
                      [1, 0, 0, 2, 2],
                      [2, 1, 2, 1, 1],
                      [0, 0, 1, 0, 0],
                      [1, 2, 1, 1, 1]])
PAD_KERNEL = np.array([[-1, 1, 2], [1, 1, 0], [-1, -2, 0]])
KEEP_IMAGE = np.array([[2, 1, 0, 1, 2],
                       [1, 2, 1, 2, 1],
                       [0, 1, 2, 1, 0],
                       [1, 2, 1, 2, 1],
                       [2, 1, 0, 1, 2]])
POOL_MATRIX = np.array([[5, 2, 4, 1], [3, 2, 2, 9], [4, 1, 1, 3], [1, 2, 0, 0]])
