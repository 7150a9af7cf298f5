"""`harness theory CONFIG`: what the mean-field theory predicts for a config, before training.

    python -m harness theory configs/tanh_deep.yaml
    python -m harness theory configs/relu_deep.yaml --set model.initializer=he_normal --out /tmp/t

Prints, per Dense layer, sigma_w^2, the predicted pre-activation size sqrt(q_l), chi_l and the
kernel gradient's size relative to the last hidden layer, and the predicted vanishing ratio
(`harness.theory.meanfield`); writes them to `theory.csv` and draws `phase.png`, the phase diagram
of each hidden activation with the config's own (sigma_w^2, sigma_b^2) on it
(`harness.theory.phase`). Nothing is trained; TensorFlow loads only for an activation without a
NumPy formula (a user's function).

The phase diagram is its own command rather than part of `harness activations`: the config's point
needs its initializer and widths (sigma_w^2 = fan_in Var(W)), and the per-layer predictions need
its inputs too, so it takes a config, as `run` and `preflight` do.
"""

import math
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import numpy as np

from harness.theory import meanfield as theory
from harness.theory import phase

SIGMA_B2 = np.linspace(0.0, 1.0, 41)


def explain(config, overrides=None, out: str | os.PathLike | None = None,
            force: bool = False) -> tuple[str, list[Path]]:
    """The predictions for a config, as text, and the files written.

    Args:
        config: a YAML file or a mapping; `overrides` as `harness.run` takes them.
        out: the folder for `theory.csv` and `phase.png`; default
            `results/theory/<name>-<time>/`. It must be new, empty or a theory folder
            (`harness.base.owned.check_ours`).
        force: write into `out` even when it holds files that are not a theory's.

    Returns:
        (the printable text, [theory.csv, phase.png]).

    Raises:
        ConfigError, DataError: bad input, before anything is written.
        HarnessError: `out` holds someone else's files (and not `force`), or cannot be written.
    """
    from harness.base.files import write_csv, write_figure
    from harness.base.owned import check_ours, mark_ours
    from harness.config.file import load_config
    from harness.data.datasets import load_dataset
    from harness.report.phase import plot_phase

    cfg, sources = load_config(config, overrides)
    _check_finite(cfg, sources, config)
    data = load_dataset(cfg.data, cfg.seed)
    out = Path(out) if out is not None else Path("results", "theory",
                                                 f"{cfg.name}-{datetime.now():%Y%m%d-%H%M%S}")
    check_ours(out, "theory", "--out", force, example="results/theory/x")
    pred = theory.predict_for(cfg, data)
    text = format_prediction(pred, theory.second_moment(data.x_train))
    grids, points = {}, {}
    try:  # no point to mark where the recursion does not describe the network
        sw2 = phase.hidden_sigma_w2(cfg.model, data.n_features) if pred.reason is None else []
    except theory.NotApplicable:
        sw2 = []
    for name in dict.fromkeys(cfg.model.activations()):
        try:
            grids[name] = phase.phase_grid(name, sigma_w2_axis(name, sw2), SIGMA_B2)
        except theory.NotApplicable as e:
            text += f"\nno phase diagram for {name}: {e}"
            continue
        points[name] = [(w, theory.BIAS_VARIANCE, f"this config: sigma_w^2 = {w:.3g}")
                        for w in sw2]
    if sw2 and grids:
        text += ("\nphase diagram, biases 0: " + "; ".join(
            f"{name}: chi = {_chi_at(grids[name], points[name][0][0]):.3g} at the fixed point"
            for name in grids))
    mark_ours(out, "theory")
    paths = [write_csv(out / "theory.csv", pred.layers)]
    if grids:
        paths.append(write_figure(out / "phase.png", plot_phase(grids, points)))
    return text, paths


def _check_finite(cfg, sources, config) -> None:
    """An activation that is NaN or infinite for a finite input is refused, as `run` and
    `preflight` refuse it (they find it as a loss NaN at initialisation): the theory would draw
    blank cells and a chi from the finite part. The table's activations are finite everywhere;
    only one without a formula (a user's function) is tried, which loads TensorFlow."""
    from harness.base.yamlfile import display_path
    from harness.catalog import activations
    from harness.config.file import blame
    from harness.config.section import KeyProblem

    for name in dict.fromkeys(cfg.model.activations()):
        if activations.get(name).der is not None:
            continue
        try:
            why = activations.non_finite(name)
        except Exception:  # noqa: BLE001 - not of one input (glu): the theory says it applies not
            continue
        if why:
            where = "<mapping>" if isinstance(config, Mapping) else display_path(Path(config))
            raise blame(KeyProblem("model.activation", why), sources, where)


def sigma_w2_axis(name: str, marked) -> np.ndarray:
    """sigma_w^2 from near 0 to past where chi crosses 1 (at sigma_b = 0 and at the largest
    sigma_b^2 drawn; tanh 1 and ~3.3, relu 2), and past the config's own values."""
    scan = np.geomspace(0.25, 64, 49)
    probe = phase.phase_grid(name, scan, [0.0, SIGMA_B2[-1]])
    edges = [probe.sigma_w2[(probe.sigma_b2 == b) & (probe.chi >= 1)].min()
             for b in (0.0, SIGMA_B2[-1])]
    top = max(2.0 * np.nan_to_num(edges[0], nan=2.0), 1.3 * np.nan_to_num(edges[1], nan=0.0),
              1.3 * max(marked, default=0.0), 4.0)
    return np.linspace(top / 60, top, 60)


def _chi_at(grid, sw2: float) -> float:
    row = grid[grid.sigma_b2 == 0.0]
    return float(np.interp(sw2, row.sigma_w2, row.chi))


def format_prediction(pred: theory.Prediction, m0: float) -> str:
    """The per-layer table and the predicted vanishing ratio, or why there is no prediction."""
    if pred.reason is not None:
        return f"no prediction: {pred.reason}"
    shown = pred.layers.rename(columns={"sigma_w2": "sigma_w^2", "theory_preact_std": "sqrt(q)",
                                        "theory_chi": "chi", "theory_grad_ratio": "grad_rms/last",
                                        "theory_preact_grad_ratio": "dL/dz/last"})
    ratio = pred.vanishing_ratio
    return "\n".join([
        f"mean-field prediction at initialisation (inputs' mean square {m0:.4g}, biases 0):",
        shown.to_string(index=False, float_format=lambda v: f"{v:.4g}", na_rep="-"),
        "predicted vanishing ratio (grad_rms of hidden_1 / of the last hidden layer): "
        + (f"{ratio:.3g}" if math.isfinite(ratio) else "none (a gradient predicted 0, or one "
           "hidden layer)")])

