"""Quiz item families, one module per group; importing this package registers them all."""
from autograder.quiz.generators import (  # noqa: F401  (registration side effects)
    activations,
    architecture,
    conv,
    losses,
    params,
    pooling,
    training,
    transfer,
)
