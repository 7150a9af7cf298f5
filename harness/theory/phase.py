"""The phase diagram of an activation: ordered and chaotic initialisations.

Iterated over many layers, the recursion of `harness.theory.meanfield` settles at a fixed point q*
of q -> sigma_w^2 E[f(h)^2] + sigma_b^2, and chi = sigma_w^2 E[f'(h)^2] there says what happens to a
gradient passing back through one more layer: chi < 1, it shrinks (the ordered phase: gradients
vanish, nearby inputs merge), chi > 1, it grows (chaotic: gradients explode, nearby inputs fly
apart). Deep networks train only near the line chi = 1 between them, the edge of chaos.

Reference:
    Poole et al. 2016, "Exponential expressivity in deep neural networks through transient chaos";
    Schoenholz et al. 2017, "Deep information propagation", figure 1.
"""

import numpy as np
import pandas as pd

from harness.catalog import slopes
from harness.theory.meanfield import NotApplicable, gaussian_moments, kernel_variance

# The moments are tabulated once on a log grid of q and interpolated: a 60 x 60 grid costs one
# table.
Q_GRID = np.logspace(-8, 8, 241)


def moment_table(name: str) -> pd.DataFrame:
    """E[f(h)^2] and E[f'(h)^2] for h ~ N(0, q) on `Q_GRID`: columns `q, value2, slope2`.

    Raises:
        NotApplicable: the activation is not elementwise (`harness.catalog.slopes`).
    """
    try:
        fn = slopes.elementwise(name)
    except slopes.NotElementwise as e:
        raise NotApplicable(str(e)) from None
    rows = [gaussian_moments(fn, q) for q in Q_GRID]
    return pd.DataFrame({"q": Q_GRID, "value2": [r[0] for r in rows],
                         "slope2": [r[1] for r in rows]})


def phase_grid(name: str, sigma_w2, sigma_b2, iterations: int = 2000) -> pd.DataFrame:
    """The fixed point q* of q -> sigma_w^2 E[f(h)^2] + sigma_b^2 and chi = sigma_w^2 E[f'(h)^2]
    there, at every pair of values.

    Args:
        name: the activation.
        sigma_w2, sigma_b2: the axes' values (1-D).
        iterations: steps of the map from q = 1 (it converges slowly only near chi = 1).

    Returns:
        Tidy rows `sigma_w2, sigma_b2, q_star, chi`; chi < 1: ordered (gradients vanish with
        depth), chi > 1: chaotic (they explode).

    Raises:
        NotApplicable: the activation is not elementwise.

    Example:
        >>> grid = phase_grid("tanh", [0.5, 1.5], [0.0])
        >>> grid.chi.round(2).tolist()   # tanh at sigma_b = 0: ordered below sigma_w^2 = 1
        [0.5, 1.04]
    """
    table = moment_table(name)
    logq = np.log(table.q.to_numpy())
    value2, slope2 = table.value2.to_numpy(), table.slope2.to_numpy()
    w, b = (a.ravel() for a in np.meshgrid(np.asarray(sigma_w2, float),
                                            np.asarray(sigma_b2, float), indexing="ij"))

    def interp(q, y):
        # log-log, continued straight beyond the table at both ends (tanh: y ~ q for small q;
        # relu: y ~ q everywhere); linear in q where the function has zeros (step's slope)
        if np.all(y > 0):
            return np.exp(_loglog(np.log(np.maximum(q, 1e-300)), logq, np.log(y)))
        return np.interp(q, table.q.to_numpy(), y)

    q = np.ones_like(w)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(iterations):
            new = w * interp(q, value2) + b
            # settled at q* = 0, or growing without bound (relu above sigma_w^2 = 2): capped
            new = np.where(new < 1e-30, 0.0, np.minimum(new, 1e30))
            if np.allclose(new, q, rtol=1e-9, atol=1e-12):
                q = new
                break
            q = new
        chi = w * np.where(q > 0, interp(q, slope2), slope2[0])
    return pd.DataFrame({"sigma_w2": w, "sigma_b2": b, "q_star": q, "chi": chi})


def _loglog(x, xs, ys):
    """Piecewise-linear interpolation of (xs, ys) at x, continued with the end segments' slopes."""
    inside = np.interp(x, xs, ys)
    low = ys[0] + (ys[1] - ys[0]) / (xs[1] - xs[0]) * (x - xs[0])
    high = ys[-1] + (ys[-1] - ys[-2]) / (xs[-1] - xs[-2]) * (x - xs[-1])
    return np.where(x < xs[0], low, np.where(x > xs[-1], high, inside))


def hidden_sigma_w2(model_cfg, n_features: int) -> list[float]:
    """sigma_w^2 of the hidden layers after the first (the first's fan_in is the data's), or of
    the first when it is the only one: where the config sits on a phase diagram."""
    widths = model_cfg.widths()
    fans, outs = [n_features, *widths], [*widths, 1]
    layers = range(1, len(widths)) if len(widths) > 1 else range(len(widths))
    return sorted({round(fans[i] * kernel_variance(model_cfg.initializer, fans[i], outs[i]), 12)
                   for i in layers})
