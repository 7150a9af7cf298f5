"""Sequence tasks generated with numpy, for recurrent models.

Every generator takes `(rng, n, length)` and returns `(x, y)`: `x` float32 `(n, length, features)`
and `y` float32 `(n, 1)` regression targets. Each sequence is drawn independently, so
`harness.data.datasets` splits them in order.

Reference:
    - [Hochreiter & Schmidhuber 1997, Long Short-Term Memory](
      https://doi.org/10.1162/neco.1997.9.8.1735), experiment 4 (the adding problem).
    - [Le, Jaitly & Hinton 2015, A Simple Way to Initialize Recurrent Networks of Rectified Linear
      Units](https://arxiv.org/abs/1504.00941), section 4.1 (the form used here).
"""

import numpy as np


def adding(rng: np.random.Generator, n: int, length: int):
    """The adding problem: the sum of the two marked values of a random sequence.

    Each step holds a pair (value, marker): values uniform in [0, 1], marker 1 at one random step
    of the first half and one of the second half, 0 elsewhere. The target is the sum of the two
    marked values, so predicting its mean, 1.0, scores an MSE of Var(u1 + u2) = 2/12 = 0.167: a
    model must carry the first marked value across at least half the sequence to beat that.

    Args:
        rng: the seeded generator.
        n: sequences.
        length: steps per sequence (T, 2 or more).

    Returns:
        `x` float32 `(n, length, 2)` and `y` float32 `(n, 1)`.
    """
    values = rng.uniform(0.0, 1.0, size=(n, length))
    half = length // 2
    rows = np.arange(n)
    first, second = rng.integers(0, half, size=n), rng.integers(half, length, size=n)
    markers = np.zeros((n, length))
    markers[rows, first] = markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1)  # (n, length, 2)
    y = (values[rows, first] + values[rows, second])[:, None]
    return x.astype(np.float32), y.astype(np.float32)
