"""How much memory a run will need, estimated before anything is built.

A config that cannot fit (`width: 100000` with `depth: 200`, a batch of a million examples) would
otherwise take the machine into swap or die in TensorFlow's allocator minutes later. The estimate
is rough on purpose (float32, a fixed factor per kind of tensor) and errs high; it only has to
tell a run that fits from one that is off by orders of magnitude.
"""

import math
import os

from harness.config import KeyProblem
from harness.model_types import CELLS

FLOAT = 4  # bytes per float32
# Copies of the parameters a training step keeps: weights, gradients, the optimizer's slots.
SLOTS = {"sgd": 0, "momentum": 1, "rmsprop": 1, "adam": 2}
USABLE = 0.8  # of the memory the system reports available; the rest is TensorFlow's own


def layer_sizes(model, input_shape: tuple, n_outputs: int) -> tuple[int, list[int]]:
    """Parameters, and values per example each layer computes (the output layer last).

    Args:
        model: the model config.
        input_shape: one example's shape as the model reads it.
        n_outputs: units of the output layer.

    Returns:
        (parameters, values per example and layer): Dense units; conv maps, height x width x
        channels (before the pool); recurrent units x gates x steps, every step's gates being kept
        for the backward pass through time.
    """
    widths = model.widths()
    if model.type == "conv":
        (height, width, channels), side = input_shape, model.kernel_size
        params, values, pools = 0, [], set(model.pools())
        for k, filters in enumerate(widths):
            params += side * side * channels * filters + filters
            values.append(height * width * filters)
            channels = filters
            if k in pools:
                height, width = height // 2, width // 2
        last = channels  # global average pooling feeds the head one value per channel
    elif model.type == "recurrent":
        (steps, features), gates = input_shape, CELLS.get(model.cell).gates
        params, values = 0, []
        for units in widths:
            params += gates * (features * units + units * units + 2 * units)  # GRU: two biases
            values.append(steps * units * (gates + 1))  # the gates and the state, every step
            features = units
        last = widths[-1]
    else:
        fan_in = [math.prod(input_shape), *widths]
        params = sum(i * u + u for i, u in zip(fan_in, widths))
        values, last = list(widths), fan_in[-1]
    return params + last * n_outputs + n_outputs, [*values, n_outputs]


def estimate(cfg, n_features: int | tuple, n_outputs: int, n_train: int,
             n_val: int) -> dict[str, tuple]:
    """The run's main memory needs in bytes, by part.

    Args:
        cfg: the whole config.
        n_features: inputs per example, or one example's shape as the model reads it
            (`Dataset.input_shape`; conv and recurrent models need the shape).
        n_outputs: units of the output layer.
        n_train, n_val: training and validation examples.

    Returns:
        part -> (bytes, the config key that sets it, what it counts).
    """
    shape = (n_features,) if isinstance(n_features, int) else tuple(n_features)
    params, values = layer_sizes(cfg.model, shape, n_outputs)
    copies = 2 + SLOTS.get(cfg.train.optimizer, 2) + 1  # + the initial weights, kept for stats
    batch = min(cfg.train.batch_size, n_train)
    steps = -(-n_train // batch)
    # epochs per compiled call, as `harness.loop.epochs_per_call` (which imports TensorFlow)
    chunk = max(1, min(500 // steps, (1 << 24) // max(n_train, 1)))
    # z, a, and their gradients per value and example, plus the gathered inputs.
    per_example = 4 * sum(values) + math.prod(shape)
    size_key = "model.filters" if cfg.model.type == "conv" else "model.width"
    # The validation pass runs forward only, over the whole set at once: a conv layer's maps are
    # freed once the next layer has read them; Dense layers are counted whole, as they always were.
    forward = sum(values) if cfg.model.type == "dense" else max(values)
    return {
        "parameters": (params * copies * FLOAT, size_key, f"{params:.3g} parameters"),
        "activations per batch": (batch * per_example * FLOAT, "train.batch_size",
                                  f"batch of {batch} x {sum(values)} values"),
        "validation pass": (n_val * 2 * forward * FLOAT, "data.n_samples",
                            f"{n_val} validation examples at once"),
        # int32 orders (`harness.train.EpochOrders`), the table and its tensor copy
        "epoch orders": (2 * chunk * n_train * FLOAT, "data.n_samples",
                         f"{chunk} epochs x {n_train} examples"),
    }


def available() -> int | None:
    """Bytes of memory available to a new allocation (Linux: MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_fits(cfg, n_features: int | tuple, n_outputs: int, n_train: int, n_val: int) -> None:
    """Raises `KeyProblem` at the key that costs most when the run cannot fit in memory.

    Args:
        cfg, n_features, n_outputs, n_train, n_val: as for `estimate`.
    """
    # DRAFT GUARD (issue 17): the model builds Dense stacks only until the conv and recurrent
    # layers land in the model's meter; delete these four lines then.
    if cfg.model.type != "dense":
        raise KeyProblem("model.type", f"{cfg.model.type} models are not built yet (issue 17: "
                         "the config and the data are ready, the model is not); use model.type: "
                         "dense")
    parts = estimate(cfg, n_features, n_outputs, n_train, n_val)
    total = sum(size for size, _, _ in parts.values())
    free = available()
    if free is None or total <= USABLE * free:
        return
    name, (size, key, counts) = max(parts.items(), key=lambda item: item[1][0])
    raise KeyProblem(key, f"this run needs about {human(total)} of memory, {human(size)} of it "
                          f"for the {name} ({counts}), but this machine has {human(free)} "
                          f"available; use a smaller {key}")


def human(size: float) -> str:
    """`1.5 GB`: bytes in decimal units."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if size < 1000 or unit == "PB":
            return f"{size:.3g} {unit}" if unit != "B" else f"{size:.0f} B"
        size /= 1000
    return f"{size:.3g} PB"
