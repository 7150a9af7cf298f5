"""Captions and verdicts computed from the run's data, so that what a report says is true for the
run shown: a shrinking spread is only "a signal dying" when the run also did not learn, an adaptive
optimizer's caption says why small gradients still move the weights, a run at chance level says so.
"""

import math

import numpy as np

from harness.base.frames import (
    hidden_mean,
    is_hidden,
    last_epoch,
    layer_tick,
    metric_table,
    vanishing_ratio,
)
from harness.report.draw.style import activation_name
from harness.report.run.gradients import layer_factors

ADAPTIVE = {"adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop", "adagrad": "Adagrad",
            "adadelta": "Adadelta", "adamax": "Adamax", "nadam": "Nadam", "lion": "Lion"}
SAME_SIZE = 1.5  # two sizes within this factor of each other are "about as large"
SHRINKS = 1 / SAME_SIZE ** 0.5  # a per-layer factor below this shrinks the gradient with depth
NOT_VANISHING = 0.1  # a first / last grad_rms ratio at least this is no vanishing gradient
SQUASHING = {"sigmoid", "tanh", "hard_sigmoid", "softsign"}


def compare_sizes(value: float, reference: float) -> str:
    """How `value` compares with `reference`, in words computed from the two numbers: "about as
    large as" only within `SAME_SIZE` of each other, else "6.2x smaller than" / "3x larger than".
    """
    factor = reference / value
    if 1 / SAME_SIZE <= factor <= SAME_SIZE:
        return "about as large as"
    gap = max(factor, 1 / factor)
    gap_text = f"{gap:,.0f}" if gap >= 10 else f"{gap:.2g}"
    return f"{gap_text}x smaller than" if factor > 1 else f"{gap_text}x larger than"


def verdict(summary: dict, status: str) -> tuple[str, str]:
    """(badge text, css class): the status, or "did not learn (chance level)" for a completed run
    whose summary says `learned: false`."""
    if status == "completed" and summary.get("learned") is False:
        return "did not learn (chance level)", "chance"
    return status, status


def chance_text(summary: dict) -> str:
    """One sentence on chance level, from `chance_accuracy` / `chance_loss` when recorded."""
    parts = []
    if summary.get("chance_accuracy") is not None:
        parts.append(f"accuracy {summary['chance_accuracy']:.3g}")
    if summary.get("chance_loss") is not None:
        parts.append(f"loss {summary['chance_loss']:.3g}")
    return f"chance level: {', '.join(parts)}" if parts else ""


def summary_chance(summary: dict) -> dict:
    """`{"accuracy": a, "loss": l}` at chance, as `summary.json` recorded them (the dotted lines
    of the learning curves); empty when it did not."""
    return {k: summary[f"chance_{k}"] for k in ("accuracy", "loss")
            if summary.get(f"chance_{k}") is not None}


def page_activation(model: dict) -> str:
    """The activation as the page names it: `relu`, `relu+sigmoid`, or `no hidden layer`."""
    # A model without hidden layers keeps the config's default activation, which it never uses.
    if model.get("depth") == 0:
        return "no hidden layer"
    return activation_name(model.get("activation"))


def cell_name(model: dict) -> str:
    """A recurrent layer's cell as the gradient-over-time figures name it, with what it
    squashes with: `SimpleRNN (tanh)`, `LSTM (sigmoid gates, tanh state)`."""
    cell = model.get("cell") or "simple"
    return {"simple": f"SimpleRNN ({activation_name(model.get('activation'))})",
            "lstm": "LSTM (sigmoid gates, tanh state)",
            "gru": "GRU (sigmoid gates, tanh candidate)"}.get(cell, cell)


def conv_stack(layers) -> bool:
    """Whether the run's `layers.csv` names conv layers (`conv_1` .. `conv_N`): the page then
    speaks of conv_1's filters, and of conv_1's gradient, rather than hidden_1's."""
    return "layer" in layers and bool((layers["layer"].astype(str) == "conv_1").any())


def gradient_caption(layers, optimizer: str) -> str:
    """The caption of the per-layer gradient figure."""
    rms = not layers.empty and (layers["metric"] == "grad_rms").any()
    text = ("How large the kernel gradient is in each layer at initialisation (dashed) and after "
            "the last epoch (solid)"
            + (", as an RMS per weight (||dL/dW|| / sqrt(number of weights)), so that layers of "
               "different sizes compare fairly" if rms else "")
            + ". When gradients vanish, the line climbs steeply from layer 1 to the output: the "
              "first layers barely learn. A flat line means every layer gets a similar signal.")
    if not metric_table(layers, "act_deriv_mean").empty:
        text += factor_sentence(layers)
    updates = not metric_table(layers, "update_ratio").empty
    return text + _optimizer_note(optimizer, updates)


def factor_sentence(layers) -> str:
    """The right panel of the per-layer gradient figure, its numbers from the lines it draws."""
    factors, slopes = layer_factors(layers), metric_table(layers, "act_deriv_mean")
    slope = slopes.loc[[n for n in slopes.index if is_hidden(n)], slopes.columns[0]].to_numpy(
        float)
    slope = slope[np.isfinite(slope)]
    text = (" Right: what each hidden layer multiplies dL/dz by on its way down, measured as "
            "the RMS of dL/dz in the layer over that in the layer above: the weights' gain "
            "times the activation's slopes (the weight gradient dL/dW = a_(l-1)ᵀ dL/dz also "
            "scales with the layer's input a, so the left panel need not follow it)")
    if factors.empty:
        return text + " (not drawn: this run recorded no dL/dz sizes)."
    first = factors[factors.columns[0]].to_numpy(float)
    first = first[np.isfinite(first) & (first > 0)]
    if first.size:
        mean = float(np.exp(np.log(first).mean()))
        trend = ("shrinks" if mean < 1 / SAME_SIZE ** 0.25 else "grows"
                 if mean > SAME_SIZE ** 0.25 else "keeps its size")
        text += (f"; at epoch {factors.columns[0]} its geometric mean over {first.size} layers "
                 f"is {mean:.2g}: dL/dz {trend} on its way down, layer after layer")
    text += ". Dotted grey: the mean slope |f'(z)| alone" + (
        f" ({slope.mean():.2g} at initialisation)" if slope.size else "") + (
        ", which is not the factor: the weights multiply the gradient too (He's initialisation "
        "doubles it for ReLU's half-zero slopes). Solid grey, where the mean-field theory "
        "applies: its factor sqrt(chi) at initialisation.")
    return text


def jacobian_sizes(layers) -> tuple[float, float] | None:
    """(mean singular value, measured gradient factor) per hidden layer at initialisation, each
    a geometric mean over the layers: the Jacobians' `jacobian_sv_mean` and `layer_factors`.
    None without both."""
    sv = metric_table(layers, "jacobian_sv_mean")
    factors = layer_factors(layers)
    if sv.empty or factors.empty or 0 not in sv.columns or 0 not in factors.columns:
        return None
    mean = sv.loc[[n for n in sv.index if is_hidden(n)], 0].to_numpy(float)
    factor = factors[0].to_numpy(float)
    mean, factor = mean[np.isfinite(mean) & (mean > 0)], factor[np.isfinite(factor) & (factor > 0)]
    if not (mean.size and factor.size):
        return None
    return float(np.exp(np.log(mean).mean())), float(np.exp(np.log(factor).mean()))


def mean_misleads(layers) -> bool:
    """Whether the Jacobians read as a vanishing gradient (mean singular value below
    `SHRINKS`) in a network whose weight gradient does not vanish (first / last hidden layer's
    grad_rms at least `NOT_VANISHING`): dL/dz shrinks, but dL/dW also scales with each layer's
    input, which is larger near the input (ReLU under Glorot's initialisation)."""
    sizes = jacobian_sizes(layers)
    ratio = vanishing_ratio(layers, 0)
    return bool(sizes and sizes[0] < SHRINKS and math.isfinite(ratio) and ratio >= NOT_VANISHING)


def jacobian_reading(layers) -> str:
    """What the Jacobians' mean singular value says about the gradient here, from the numbers
    (`jacobian_sizes`, the vanishing ratio); empty without them."""
    sizes = jacobian_sizes(layers)
    if sizes is None:
        return ""
    m, f = sizes
    ratio = vanishing_ratio(layers, 0)
    text = (f"Here the mean singular value is {m:.2g} per layer at initialisation, and dL/dz's "
            f"measured factor per layer {f:.2g} (grad_norms.png, right)")
    if mean_misleads(layers):
        return text + (f": dL/dz shrinks on its way down, yet the weight gradient does not "
                       f"vanish (first / last hidden layer's grad_rms {ratio:.2g}): dL/dW = "
                       "a_(l-1)ᵀ dL/dz also scales with each layer's input a, larger near the "
                       "input here. The mean also counts the zero singular values of units "
                       "inactive at the probe example (f'(z) = 0, ReLU's off half); the largest "
                       "singular value (right) is what one direction keeps.")
    if m < SHRINKS:
        return text + (": the signal shrinks layer by layer"
                       + (f", and the weight gradient with it (ratio {ratio:.2g})."
                          if math.isfinite(ratio) else "."))
    return text + "."


def histogram_caption(pooled: list[str]) -> str:
    """The caption of the per-layer histograms; `pooled` names the layers a max-pool follows."""
    text = ("One row per layer (input at the bottom), grey at initialisation, a line at the last "
            "logged epoch; each row scaled to its tallest bar but the two end bins and the bin "
            "at 0: a taller one is cut at the row's height and its share written at the right: "
            "'saturated' for a bounded activation's two outermost bins (sigmoid's 0 and 1, "
            "tanh's -1 and 1), 'at 0' for ReLU's zeros, '0:' for gradients exactly 0 (or below "
            "1e-12, the log axis' first bin). "
            "Pre-activations, and an unbounded activation's outputs (ReLU), are on a symmetric "
            "log axis (linear within 1e-4, decades beyond; each column one range), so that "
            "epoch 0's small values and a trained network's large ones both show; a bounded "
            "activation's row in such a column (the head's output sharing it) is drawn as its "
            "density on that axis. Activations piled at the ends of a sigmoid's 0..1 range are "
            "saturated; all at 0.5, collapsed; spread out, healthy (Deep Learning from Scratch, "
            "ch. 6). Gradients are on a log10|g| axis: a row shifted left by 3 gets a thousandth "
            "of the gradient.")
    if pooled:
        text += (f" {', '.join(pooled)}: a 2 x 2 max-pool follows, which passes the gradient "
                 "to the largest of each four positions only, so about 75% of their dL/dz is "
                 "exactly 0 ('0: 75% (max-pool)'): the pool's zeros, not dead units.")
    return text


def _optimizer_note(optimizer: str, updates: bool) -> str:
    name = ADAPTIVE.get(str(optimizer).lower())
    if not name:
        return ""
    return (f" This run trains with {name}, which rescales each weight's step by the size of its "
            "recent gradients: small gradients still move the weights, so a vanishing gradient "
            "slows learning much less than it would under plain SGD"
            + (" (see the update-ratio figure)." if updates else "."))


def activation_caption(layers, activations: list[str], head: str, learned) -> str:
    """The caption of the activation-statistics figure, claims computed from `layers.csv`."""
    last = last_epoch(layers)
    parts = ["Hidden layers as lines, the head (output layer) apart in grey: a confident "
             f"{head or 'output'} head sits near 0 or 1 by design, which is not a warning sign."]
    saturation = metric_table(layers, "saturation")
    if not saturation.empty and last in saturation.columns and SQUASHING & set(activations):
        hidden = saturation.loc[[n for n in saturation.index if is_hidden(n)], last]
        if len(hidden) and hidden.max() >= 0.2:
            parts.append(f"Saturation: at epoch {last}, layer {layer_tick(hidden.idxmax())} has "
                         f"{hidden.max():.0%} of its outputs in the flat tails, where the "
                         "derivative is near 0 and little gradient passes.")
        elif len(hidden):
            parts.append(f"Saturation stays low (at most {hidden.max():.1%} in a hidden layer "
                         f"at epoch {last}).")
    dead = hidden_mean(layers, "dead_fraction", last)
    if math.isfinite(dead) and dead > 0:
        over = (layers["metric"] == "dead_fraction_batch").any()
        when = "every example of the epoch" if over else "the whole batch"
        parts.append(f"Dead units (output 0 for {when}; no gradient passes through them): "
                     f"{dead:.0%} of hidden units on average at epoch {last}.")
    parts.append(_spread_sentence(layers, last, learned))
    return " ".join(p for p in parts if p)


def _spread_sentence(layers, last, learned) -> str:
    spread = metric_table(layers, "act_std")
    hidden = [n for n in spread.index if is_hidden(n)] if not spread.empty else []
    if len(hidden) < 2 or last not in spread.columns:
        return "Spread: the standard deviation of each layer's outputs."
    first, deep = spread.at[hidden[0], last], spread.at[hidden[-1], last]
    if not (first > 0 and math.isfinite(deep)):
        return "Spread: the standard deviation of each layer's outputs."
    text = (f"Spread (standard deviation of the outputs) from layer 1 to layer "
            f"{layer_tick(hidden[-1])} at epoch {last}: ")
    if deep == 0:
        text += f"falls to 0 in layer {layer_tick(hidden[-1])} (every output the same)"
    elif first / deep >= 2:
        text += f"shrinks {first / deep:.3g}x"
    elif deep / first >= 2:  # e.g. a ReLU net after Adam's steps: wider toward the output
        return text + f"grows {deep / first:.3g}x, so the signal reaches the deep layers."
    else:
        return text + "within a factor of 2, so the signal reaches the deep layers."
    if learned is False:
        return text + " and the run did not learn: the signal dies on its way through the network."
    if learned is True:
        return text + ", yet the run learned: a narrower spread alone is not a failure."
    return text + "."
