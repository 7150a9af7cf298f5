"""The order of the training examples in every epoch, drawn from the run's seed.

Its own stream of random numbers, apart from the data's, so that the batches of a run depend on
its seed alone; Keras' `model.fit` given the same orders trains the same batches
(`tests/helpers/keras_fit.py`).
"""

import numpy as np


class EpochOrders:
    """The order of the training examples epoch after epoch, drawn as needed from the run's seed.

    Drawn a chunk at a time (a 100k-epoch run never holds every epoch's permutation), from one
    generator in sequence: the numbers are those of drawing them all at once.

    Args:
        n: training examples.
        seed: the run's seed.
    """

    def __init__(self, n: int, seed: int):
        self.n = n
        self.rng = np.random.default_rng([seed, 1])  # a stream of its own, apart from the data's

    def next(self, epochs: int) -> np.ndarray:
        """The next `epochs` orders, (epochs, n) int32."""
        orders = np.empty((epochs, self.n), np.int32)
        for row in orders:  # one permutation (int64) at a time: the table is the only big array
            row[:] = self.rng.permutation(self.n)
        return orders


def epoch_orders(n: int, epochs: int, seed: int) -> np.ndarray:
    """The order of the training examples in every epoch, (epochs, n), from the run's seed."""
    return EpochOrders(n, seed).next(epochs)
