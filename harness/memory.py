"""How much memory a run will need, estimated before anything is built.

A config that cannot fit (`width: 100000` with `depth: 200`, a batch of a million examples) would
otherwise take the machine into swap or die in TensorFlow's allocator minutes later. The estimate
is rough on purpose (float32, a fixed factor per kind of tensor) and errs high; it only has to
tell a run that fits from one that is off by orders of magnitude.
"""

import os

from harness.config import KeyProblem

FLOAT = 4  # bytes per float32
# Copies of the parameters a training step keeps: weights, gradients, the optimizer's slots.
SLOTS = {"sgd": 0, "momentum": 1, "rmsprop": 1, "adam": 2}
USABLE = 0.8  # of the memory the system reports available; the rest is TensorFlow's own


def estimate(cfg, n_features: int, n_outputs: int, n_train: int, n_val: int) -> dict[str, tuple]:
    """The run's main memory needs in bytes, by part.

    Args:
        cfg: the whole config.
        n_features: inputs per example.
        n_outputs: units of the output layer.
        n_train, n_val: training and validation examples.

    Returns:
        part -> (bytes, the config key that sets it, what it counts).
    """
    units = [*cfg.model.widths(), n_outputs]
    fan_in = [n_features, *units[:-1]]
    params = sum(i * u + u for i, u in zip(fan_in, units))
    copies = 2 + SLOTS.get(cfg.train.optimizer, 2) + 1  # + the initial weights, kept for stats
    batch = min(cfg.train.batch_size, n_train)
    steps = -(-n_train // batch)
    # epochs per compiled call, as `harness.loop.epochs_per_call` (which imports TensorFlow)
    chunk = max(1, min(500 // steps, (1 << 24) // max(n_train, 1)))
    # z, a, and their gradients per unit and example, plus the gathered inputs.
    per_example = 4 * sum(units) + n_features
    return {
        "parameters": (params * copies * FLOAT, "model.width", f"{params:.3g} parameters"),
        "activations per batch": (batch * per_example * FLOAT, "train.batch_size",
                                  f"batch of {batch} x {sum(units)} units"),
        "validation pass": (n_val * 2 * sum(units) * FLOAT, "data.n_samples",
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


def check_fits(cfg, n_features: int, n_outputs: int, n_train: int, n_val: int) -> None:
    """Raises `KeyProblem` at the key that costs most when the run cannot fit in memory.

    Args:
        cfg, n_features, n_outputs, n_train, n_val: as for `estimate`.
    """
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
