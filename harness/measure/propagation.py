"""Signal propagation at initialisation, measured on the whole training set beside the theory.

Before the first step, the run passes its training set forward once (in batches, no gradient)
and records at epoch 0 of `layers.csv`:

- `preact_std`: the root mean square of each layer's z over every training example and unit
  (the quantity the mean-field recursion's sqrt(q_l) predicts; with zero biases at
  initialisation it is z's standard deviation);
- `theory_preact_std`, `theory_chi`, `theory_grad_ratio`, `theory_preact_grad_ratio`: the
  predictions of `harness.theory.meanfield`, only where its recursion applies;
- `jacobian_sv_mean`, `jacobian_sv_max`: the layer Jacobians' singular values on `PROBES`
  training examples (`harness.measure.jacobian`), where the recursion applies and no layer is wider
  than `JACOBIAN_MAX_UNITS`; `Initial.jacobian_layers` tells the meter to take them at the
  later logged epochs too (`Meter.measure_jacobians`), on the same probes;

and `dead_fraction` at epoch 0 over the same pass: a unit is dead when it outputs 0 for every
training example, as epochs >= 1 count it over every example the epoch saw (not over one batch).
`summary.json` gets `vanishing_ratio_predicted` (and `theory_reason` where the recursion does not
apply), and the end-to-end Jacobian's singular values at initialisation (`jacobian_end_to_end_*`,
or `jacobian_reason` where they were not taken).
"""

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from harness.catalog import slopes
from harness.measure import jacobian
from harness.measure.metered import rows, side_by_side
from harness.theory import meanfield as theory

PROBES = 4  # examples the Jacobians are taken at (one SVD per layer and probe)
JACOBIAN_MAX_UNITS = 1000  # wider layers: a (units, fan_in) SVD per probe costs seconds
BATCH = 4096  # examples per forward pass
THEORY_METRICS = ("theory_preact_std", "theory_chi", "theory_grad_ratio",
                  "theory_preact_grad_ratio")


class Initial(NamedTuple):
    """What `measure_initial` found.

    Attributes:
        rows: tidy `epoch, layer, metric, value` rows for epoch 0 of `layers.csv`.
        dead: per measured layer (the output layer last), the share of units that output 0 for
            every training example.
        summary: keys for `summary.json`.
        jacobian_layers: the hidden layers whose Jacobians were taken (0: none, and
            `summary["jacobian_reason"]` says why).
    """

    rows: pd.DataFrame
    dead: np.ndarray
    summary: dict
    jacobian_layers: int = 0


def forward_totals(model, x, batch: int = BATCH):
    """Per layer: (the mean square of z over examples and units, the units never active).

    Inference mode (no dropout, batch norm on its moving averages, which at initialisation are
    the identity's): what the network computes for each example alone. `batch` examples per
    pass, fewer for a conv network (`Meter.examples_per_pass`).
    """
    batch = model.meter.examples_per_pass(batch)
    squares = [0.0] * len(model.meter.layers)
    alive = [np.zeros(layer.units, bool) for layer in model.meter.layers]
    for start in range(0, len(x), batch):
        taps = model.forward(x[start:start + batch], training=False).taps
        for i, (z, a) in enumerate(zip(taps.z, taps.a)):
            # (rows, units), as the meter sees them: a conv map's positions are rows, a
            # recurrent layer's steps sit side by side
            z, a = (np.asarray(t) for t in rows([side_by_side(z), side_by_side(a)]))
            squares[i] += float(np.sum(np.square(z, dtype=float)))
            alive[i] |= np.any(np.asarray(a) != 0, axis=0)
    units = np.array([layer.units for layer in model.meter.layers], float)
    rows_per_example = np.array([layer.positions for layer in model.meter.layers], float)
    return (np.array(squares) / (len(x) * rows_per_example * units),
            np.array([1.0 - a.mean() for a in alive]))


def measure_initial(model, cfg, data) -> Initial:
    """The epoch-0 measures and predictions of a built model (see the module's docstring).

    Args:
        model: the `StatsModel` at its initial weights.
        cfg: the run's `Config`.
        data: its `Dataset`.
    """
    names = [layer.name for layer in model.meter.layers]
    mean_square, dead = forward_totals(model, data.x_train)
    rows = [pd.DataFrame({"layer": names, "metric": "preact_std",
                          "value": np.sqrt(mean_square)})]
    prediction = theory.predict_for(cfg, data)
    summary = {"vanishing_ratio_predicted": _number(prediction.vanishing_ratio)}
    taken = 0
    if prediction.reason is not None:
        summary["theory_reason"] = prediction.reason
        summary["jacobian_reason"] = f"the recursion does not apply ({prediction.reason})"
    else:
        long = prediction.tidy(0)
        rows.append(long[long.metric.isin(THEORY_METRICS)].drop(columns="epoch"))
        spectra, reason = layer_spectra(model, cfg, data.x_train[:PROBES])
        if reason is not None:
            summary["jacobian_reason"] = reason
        else:
            rows.append(spectra.layers.melt(id_vars="layer", var_name="metric",
                                            value_name="value"))
            taken = len(spectra.layers)
            end = spectra.end_to_end
            summary.update(jacobian_end_to_end_mean=float(end.mean()),
                           jacobian_end_to_end_max=float(end.max()),
                           jacobian_end_to_end_min=float(end.min()))
    # no row for what is not defined (the output's chi), as layers.csv leaves out what is not
    frame = pd.concat(rows, ignore_index=True).dropna(subset=["value"]).assign(epoch=0)
    frame = frame[["epoch", "layer", "metric", "value"]].astype({"value": np.float32})
    return Initial(frame, dead, summary, taken)


def layer_spectra(model, cfg, probes):
    """(`harness.measure.jacobian.Spectra` of the hidden layers at `probes`, None), or (None, why
    not)."""
    widest = max(cfg.model.widths())
    if widest > JACOBIAN_MAX_UNITS:
        return None, (f"a hidden layer has {widest} units, more than {JACOBIAN_MAX_UNITS}: the "
                      "Jacobians' singular values were not taken")
    hidden = model.meter.layers[:-1]
    taps = model.forward(probes, training=False).taps
    zs = [np.asarray(z, dtype=float) for z in taps.z[:len(hidden)]]
    derivs = slopes.of_layers([layer.activation for layer in hidden], zs)
    kernels = [np.asarray(layer.kernel) for layer in hidden]
    return jacobian.spectra(kernels, derivs, [layer.name for layer in hidden]), None


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
