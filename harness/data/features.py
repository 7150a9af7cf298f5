"""Feature crosses and standardisation: what the model sees, computed from the data's own inputs.

`CROSSES` is the TensorFlow Playground's small table of inputs for 2-D data, a name -> function
of the two coordinates `(x1, x2)`. `data.features` lists the inputs the model gets, in order:

    data: {name: circles, features: [x1, x2, x1^2, x2^2]}   # no hidden layer needed

A `FeatureMap` turns the original coordinates (the *plane* the decision-boundary pictures are
drawn over) into the model's inputs: the crosses, then (optionally) standardisation with the
training split's mean and standard deviation. `harness.data.datasets.load_dataset` applies it to
every split and keeps it on the `Dataset`, so the grid of `surface.csv` goes through the same map.

Reference:
    - [Smilkov & Carter, TensorFlow Playground](https://github.com/tensorflow/playground),
      `src/playground.ts` (`INPUTS`: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from harness.base.registry import Registry


@dataclass(frozen=True)
class Cross:
    """One entry of `CROSSES`.

    Attributes:
        description: one line, printed by `harness list features`.
        compute: `(x1, x2) -> column`, each a float32 `(n,)` array.
    """

    description: str
    compute: Callable[[np.ndarray, np.ndarray], np.ndarray]


CROSSES: Registry[Cross] = Registry("feature", "features")
CROSSES.register("x1", Cross("the first coordinate", lambda a, b: a))
CROSSES.register("x2", Cross("the second coordinate", lambda a, b: b))
CROSSES.register("x1^2", Cross("x1 squared: with x2^2, a circle becomes a line",
                               lambda a, b: a * a), aliases=("x1**2",))
CROSSES.register("x2^2", Cross("x2 squared", lambda a, b: b * b), aliases=("x2**2",))
CROSSES.register("x1*x2", Cross("the product: its sign is XOR's label", lambda a, b: a * b),
                 aliases=("x2*x1",))
CROSSES.register("sin(x1)", Cross("sine of x1", lambda a, b: np.sin(a)))
CROSSES.register("sin(x2)", Cross("sine of x2", lambda a, b: np.sin(b)))


@dataclass(frozen=True)
class FeatureMap:
    """The original inputs -> the model's inputs.

    Attributes:
        names: the model's input names (`data.features`, or `x1..xn` / the csv columns).
        crosses: `names` are `CROSSES` entries over the two original coordinates; False: the
            original inputs pass through unchanged.
        mean, std: standardisation fitted on the training split (None: off).
    """

    names: tuple
    crosses: bool
    mean: np.ndarray | None = None
    std: np.ndarray | None = None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Maps original inputs `(n, d)` to model inputs `(n, len(names))`, float32."""
        z = cross(x, self.names) if self.crosses else np.asarray(x, np.float32)
        if self.mean is not None:
            with np.errstate(over="ignore", invalid="ignore"):  # checked before training
                z = (z - self.mean) / self.std
        return z.astype(np.float32, copy=False)

    def standardized(self, x_train: np.ndarray) -> "FeatureMap":
        """This map followed by standardisation with the mean and std of `x_train`'s images."""
        z = FeatureMap(self.names, self.crosses)(x_train)
        with np.errstate(over="ignore", invalid="ignore"):  # huge inputs: checked before training
            std = z.std(axis=0)
        # A constant column stays constant (0) rather than becoming NaN.
        std = np.where(std > 0, std, 1).astype(np.float32)
        return FeatureMap(self.names, self.crosses, z.mean(axis=0).astype(np.float32), std)


def cross(x: np.ndarray, names) -> np.ndarray:
    """The `CROSSES` columns `names` of 2-D points `x` `(n, 2)`, as float32 `(n, len(names))`."""
    a, b = (np.asarray(x[:, i], np.float32) for i in (0, 1))
    return np.stack([CROSSES.get(n).compute(a, b) for n in names], axis=1).astype(np.float32)
