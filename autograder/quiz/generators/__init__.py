"""Quiz item families, one module per group; importing this package registers them all."""
from autograder.quiz.generators import (  # noqa: F401  (registration side effects)
    activations,
    architecture,
    augmentation,
    conv,
    course_cnns,
    gans,
    losses,
    params,
    pooling,
    receptive_field,
    sequences,
    training,
    transfer,
    transfer_counts,
)
