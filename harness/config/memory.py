"""How much memory a run will need, estimated before anything is built.

A config that cannot fit (`width: 100000` with `depth: 200`, a batch of a million examples) would
otherwise take the machine into swap or die in TensorFlow's allocator minutes later. The estimate
is rough on purpose (float32, a fixed factor per kind of tensor) and errs high; it only has to
tell a run that fits from one that is off by orders of magnitude. It is held against the
tightest limit known here (`limits`): the machine's available memory, the process' address-space
limit (`ulimit -v`) and its cgroup's memory limit (a container's).
"""

import math
import os
import sys
from pathlib import Path

try:
    import resource
except ImportError:  # Windows
    resource = None

from harness.config.section import KeyProblem

FLOAT = 4  # bytes per float32
# Copies of the parameters a training step keeps: weights, gradients, the optimizer's slots.
SLOTS = {"sgd": 0, "momentum": 1, "rmsprop": 1, "adam": 2}
USABLE = 0.8  # of the memory the system reports available; the rest is TensorFlow's own
# Address space TensorFlow maps when it loads (1.7 GB measured with TF 2.21 on Linux): counted
# against `ulimit -v` when the estimate is made before TensorFlow is imported.
TF_ADDRESS_SPACE = 2_000_000_000


def layer_sizes(model, input_shape: tuple, n_outputs: int) -> tuple[int, list[int]]:
    """Parameters, and values per example each layer computes (the output layer last).

    Args:
        model: the model config.
        input_shape: one example's shape as the model reads it.
        n_outputs: units of the output layer.

    Returns:
        (parameters, values per example and layer), the hidden layers' as their type counts them
        (its entry's `sizes`, `harness.models.types`): Dense units; conv maps, height x width x
        channels (before the pool); recurrent units x gates x steps, every step's gates being
        kept for the backward pass through time.
    """
    params, values, last = model.model_type().sizes(model, input_shape)
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
    # epochs per compiled call, as `harness.training.loop.epochs_per_call` (which imports
    # TensorFlow)
    chunk = max(1, min(500 // steps, (1 << 24) // max(n_train, 1)))
    # z, a, and their gradients per value and example, plus the gathered inputs.
    per_example = 4 * sum(values) + math.prod(shape)
    entry = cfg.model.model_type()
    size_key = f"model.{entry.size_key}"
    # The validation pass runs forward only, over the whole set at once: a conv layer's maps are
    # freed once the next layer has read them; Dense layers are counted whole, as they always were.
    forward = entry.held(values)
    return {
        "parameters": (params * copies * FLOAT, size_key, f"{params:.3g} parameters"),
        "activations per batch": (batch * per_example * FLOAT, "train.batch_size",
                                  f"batch of {batch} x {sum(values)} values"),
        "validation pass": (n_val * 2 * forward * FLOAT, "data.n_samples",
                            f"{n_val} validation examples at once"),
        # int32 orders (`harness.training.orders.EpochOrders`), the table and its tensor copy
        "epoch orders": (2 * chunk * n_train * FLOAT, "data.n_samples",
                         f"{chunk} epochs x {n_train} examples"),
    }


def available(shared: bool = False) -> int | None:
    """Bytes a new allocation may still take under every limit known here, or None if unknown.

    Args:
        shared: only the limits that processes share (the machine's memory, the cgroup's), not
            this process' own address-space limit, which each new process has for itself
            (what counts when sizing a pool of worker processes).
    """
    room = [r for r in limits() if not (shared and r[1].startswith("under the address-space"))]
    return room[0][0] if room else None


def limits() -> list[tuple[int, str]]:
    """`(bytes left, where: "on this machine", "under ...")` for each memory limit known here,
    tightest first.

    The machine's available memory (Linux: MemAvailable), the address-space limit of this
    process (`ulimit -v`, `RLIMIT_AS`) less the address space it holds (and `TF_ADDRESS_SPACE`
    before TensorFlow loads), and the memory limit of its cgroup (a container's, a systemd
    slice's) less what the cgroup uses besides reclaimable page cache.
    """
    found = []
    free = _machine_available()
    if free is not None:
        found.append((free, "on this machine"))
    soft = resource.getrlimit(resource.RLIMIT_AS)[0] if resource else None
    held = _address_space()
    if soft not in (None, getattr(resource, "RLIM_INFINITY", None)) and held is not None:
        held += 0 if "tensorflow" in sys.modules else TF_ADDRESS_SPACE
        left = max(soft - held, 0)
        found.append((left, f"under the address-space limit (ulimit -v {soft // 1024}; raise "
                            "it with ulimit -v)"))
    cgroup = cgroup_room()
    if cgroup is not None:
        limit, used = cgroup
        left = max(limit - used, 0)
        found.append((left, f"under this process' cgroup memory limit ({human(limit)}, "
                            f"{human(used)} in use)"))
    return sorted(found)


def _machine_available() -> int | None:
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


def _address_space() -> int | None:
    """Bytes of address space this process holds now (Linux), or None."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def cgroup_room(root: Path = Path("/sys/fs/cgroup"),
                own: Path = Path("/proc/self/cgroup")) -> tuple[int, int] | None:
    """`(limit, bytes in use)` of the tightest memory limit of this process' cgroup and its
    parents (cgroup v2 `memory.max`, or v1 `memory.limit_in_bytes`), or None without one.

    In use counts what the cgroup's processes hold, less the page cache the kernel would free
    first (`inactive_file`), as `docker stats` does.
    """
    try:
        lines = own.read_text().splitlines()
    except OSError:
        lines = []
    found = []
    for line in lines:
        _, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        if controllers == "":  # v2: `0::/path`
            folders, files = [root], ("memory.max", "memory.current", "inactive_file")
        elif "memory" in controllers.split(","):
            folders, files = [root / "memory"], ("memory.limit_in_bytes",
                                                 "memory.usage_in_bytes", "total_inactive_file")
        else:
            continue
        parts = [p for p in path.split("/") if p]
        # Ours and every parent's; in a container, its own cgroup is mounted at the root.
        for depth in range(len(parts), -1, -1):
            room = _cgroup_limit(folders[0].joinpath(*parts[:depth]), *files)
            if room is not None:
                found.append(room)
    return min(found, key=lambda r: r[0] - r[1]) if found else None


def _cgroup_limit(folder: Path, limit_file: str, usage_file: str, cache_key: str):
    try:
        limit = (folder / limit_file).read_text().strip()
        used = int((folder / usage_file).read_text().strip())
    except (OSError, ValueError):
        return None
    if not limit.isdigit() or int(limit) >= 1 << 60:  # `max`, or v1's "no limit" (2^63 - page)
        return None
    cache = 0
    try:
        for line in (folder / "memory.stat").read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == cache_key:
                cache = int(value)
    except (OSError, ValueError):
        pass
    return int(limit), max(used - cache, 0)


def check_fits(cfg, n_features: int | tuple, n_outputs: int, n_train: int, n_val: int) -> None:
    """Raises `KeyProblem` at the key that costs most when the run cannot fit in memory.

    Args:
        cfg, n_features, n_outputs, n_train, n_val: as for `estimate`.
    """
    parts = estimate(cfg, n_features, n_outputs, n_train, n_val)
    total = sum(size for size, _, _ in parts.values())
    room = limits()
    if not room or total <= USABLE * room[0][0]:
        return
    left, limit = room[0]  # where the room is tightest
    name, (size, key, counts) = max(parts.items(), key=lambda item: item[1][0])
    raise KeyProblem(key, f"this run needs about {human(total)} of memory, {human(size)} of it "
                          f"for the {name} ({counts}), but only {human(left)} is available "
                          f"{limit}; use a smaller {key}")


def out_of_memory(error: BaseException) -> bool:
    """Whether `error` says memory ran out: `MemoryError`, or TensorFlow's
    `ResourceExhaustedError` (an allocation failed, e.g. under `ulimit -v`)."""
    if isinstance(error, MemoryError):
        return True
    tf_errors = getattr(sys.modules.get("tensorflow"), "errors", None)
    exhausted = getattr(tf_errors, "ResourceExhaustedError", None)
    return exhausted is not None and isinstance(error, exhausted)


def human(size: float) -> str:
    """`1.5 GB`: bytes in decimal units."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if size < 1000 or unit == "PB":
            return f"{size:.3g} {unit}" if unit != "B" else f"{size:.0f} B"
        size /= 1000
    return f"{size:.3g} PB"
