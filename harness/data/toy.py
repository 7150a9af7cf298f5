"""Toy datasets in the style of the TensorFlow Playground, generated with numpy.

Every generator takes `(rng, n, noise)` (multi-class ones also `k`) and returns `(x, y)`:
`x` float32 `(n, features)` with inputs roughly in [-1, 1], and `y` int64 `(n,)` class indices or
float32 `(n, 1)` regression targets. Points come out grouped by class; `harness.data.datasets`
shuffles them before splitting. For classification `noise` is the std of Gaussian jitter added to
the inputs, so 0.1 blurs the class borders of most toys without hiding them; for regression it is
on the target.

Reference:
    - [Smilkov & Carter, TensorFlow Playground](https://github.com/tensorflow/playground),
      `src/dataset.ts` (circles, xor, gauss, spiral).
    - [CS231n, Putting it together: minimal neural network case study](
      https://cs231n.github.io/neural-networks-case-study/) (multispiral).
"""

import numpy as np


def _class_sizes(n: int, k: int) -> list[int]:
    # Sizes differ by at most one, so odd `n` or `n % k != 0` still gives exactly `n` points.
    return [n // k + (j < n % k) for j in range(k)]


def _labels(sizes: list[int]) -> np.ndarray:
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)


def _finish(rng: np.random.Generator, points: np.ndarray, sizes: list[int], noise: float):
    x = points + rng.normal(0.0, noise, size=points.shape)
    return x.astype(np.float32), _labels(sizes)


def _polar(r: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.stack([r * np.cos(t), r * np.sin(t)], axis=1)  # (n, 2)


def circles(rng: np.random.Generator, n: int, noise: float):
    """A disk of radius 0.5 (label 1) inside a ring from 0.7 to 1 (label 0).

    The class depends only on the radius, so no straight line separates it.
    """
    outer, inner = _class_sizes(n, 2)
    # Radius uniform (not area-uniform) as in the Playground: the disk's centre is dense.
    r = np.concatenate([rng.uniform(0.7, 1.0, outer), rng.uniform(0.0, 0.5, inner)])
    t = rng.uniform(0.0, 2 * np.pi, n)
    return _finish(rng, _polar(r, t), [outer, inner], noise)


def xor(rng: np.random.Generator, n: int, noise: float, margin: float = 0.05):
    """Points in the four quadrants; label 1 where x1 and x2 have the same sign.

    Half the points fall in each class. `margin` keeps them off the axes (the Playground's
    padding), so at noise 0 the quadrants are cleanly apart.
    """
    sizes = _class_sizes(n, 2)
    y = _labels(sizes)
    size = rng.uniform(margin, 1.0, size=(n, 2))
    sign = rng.choice([-1.0, 1.0], size=n)
    # Same signs for label 1, opposite signs for label 0.
    points = size * np.stack([sign, np.where(y == 1, sign, -sign)], axis=1)
    return _finish(rng, points, sizes, noise)


def gauss(rng: np.random.Generator, n: int, noise: float, spread: float = 0.12):
    """Two Gaussian blobs at (-0.4, -0.4) (label 0) and (0.4, 0.4) (label 1).

    With `spread` 0.12 the blobs sit 4.7 std from the line x1 + x2 = 0: one linear unit suffices.
    """
    sizes = _class_sizes(n, 2)
    centres = np.repeat(np.array([[-0.4, -0.4], [0.4, 0.4]]), sizes, axis=0)
    return _finish(rng, centres + rng.normal(0.0, spread, size=(n, 2)), sizes, noise)


def spiral(rng: np.random.Generator, n: int, noise: float):
    """Two interleaved spirals, each turning 1.75 times from the centre out to radius 1."""
    sizes = _class_sizes(n, 2)
    r = rng.uniform(0.0, 1.0, n)
    t = 1.75 * 2 * np.pi * r + np.pi * _labels(sizes)  # the second arm is the first turned by pi
    return _finish(rng, _polar(r, t), sizes, noise)


def moons(rng: np.random.Generator, n: int, noise: float):
    """Two interleaving half circles, like scikit-learn's `make_moons`, rescaled to [-1, 1].

    The upper moon is label 0 and the lower one label 1.
    """
    upper, lower = _class_sizes(n, 2)
    t = rng.uniform(0.0, np.pi, n)
    top = np.stack([np.cos(t[:upper]), np.sin(t[:upper])], axis=1)
    bottom = np.stack([1 - np.cos(t[upper:]), 0.5 - np.sin(t[upper:])], axis=1)
    # make_moons spans x in [-1, 2], y in [-0.5, 1]; centre it and keep the aspect ratio.
    points = (np.concatenate([top, bottom]) - [0.5, 0.25]) / 1.5
    return _finish(rng, points, [upper, lower], noise)


def multispiral(rng: np.random.Generator, n: int, noise: float, k: int):
    """`k` spiral arms (CS231n), arm j starting at angle 2 pi j / k and sweeping 4 radians."""
    sizes = _class_sizes(n, k)
    r = rng.uniform(0.0, 1.0, n)
    t = 2 * np.pi * _labels(sizes) / k + 4.0 * r
    return _finish(rng, _polar(r, t), sizes, noise)


def blobs(rng: np.random.Generator, n: int, noise: float, k: int, spread: float = 0.1):
    """`k` Gaussian blobs of std `spread`, centred evenly on the circle of radius 0.6."""
    sizes = _class_sizes(n, k)
    angles = 2 * np.pi * _labels(sizes) / k
    centres = _polar(np.full(n, 0.6), angles)
    return _finish(rng, centres + rng.normal(0.0, spread, size=(n, 2)), sizes, noise)


def sine(rng: np.random.Generator, n: int, noise: float):
    """y = sin(pi x) + noise for x uniform in [-1, 1]: one period, two bends."""
    x = rng.uniform(-1.0, 1.0, size=(n, 1))
    y = np.sin(np.pi * x) + rng.normal(0.0, noise, size=(n, 1))
    return x.astype(np.float32), y.astype(np.float32)


def surface(rng: np.random.Generator, n: int, noise: float):
    """y = sin(pi x1) cos(pi x2) + noise for x uniform in [-1, 1]^2."""
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = np.sin(np.pi * x[:, :1]) * np.cos(np.pi * x[:, 1:]) + rng.normal(0.0, noise, size=(n, 1))
    return x.astype(np.float32), y.astype(np.float32)
