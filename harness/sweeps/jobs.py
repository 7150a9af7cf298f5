"""`--jobs`: how many runs a sweep trains at a time on this machine."""

import os

from harness.errors import HarnessError
from harness.sweeps.schedule import say

# A TensorFlow worker's own memory before its run's tensors: ~0.85 GB resident (0.4 GB of it its
# own, the rest shared libraries) while training a toy run on the 2-core machine measured.
WORKER_MEMORY = 700 * 10**6


def available_cores() -> int:
    """The cores this process may run on (the affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def parse_jobs(value) -> int:
    """`--jobs`: a whole number >= 1, or `auto` (the available cores)."""
    if value in (None, "auto"):
        return available_cores() if value == "auto" else 1
    try:
        jobs = int(value)
    except (TypeError, ValueError):
        jobs = 0
    if isinstance(value, bool) or jobs < 1 or str(jobs) != str(value).strip():
        raise HarnessError(f"--jobs {value}: expected a whole number >= 1 or `auto` "
                           f"(the {available_cores()} cores here)")
    return jobs


def count_workers(jobs: int, points: list, log) -> int:
    """How many worker processes train `points` for `--jobs jobs`.

    At most one per point (a worker with nothing to train would only start TensorFlow), one per
    core (more only take turns on the same cores, each holding a TensorFlow's memory), and as
    many as the available memory holds: each worker needs about `WORKER_MEMORY` plus what the
    largest run needs (`harness.config.memory.estimate`). A cap below `--jobs` is said on `log`.

    Args:
        jobs: `--jobs`, parsed (`parse_jobs`).
        points: the runs to train.
        log: where the line goes (None: silent).

    Returns:
        The number of workers, at least 1.
    """
    from harness.config.memory import USABLE, available, human

    wanted = min(jobs, len(points))
    cores = available_cores()
    workers, why = min(wanted, cores), f"one per core ({cores} core{'s' if cores > 1 else ''} here)"
    free = available(shared=True) if workers > 1 else None  # ulimit -v is per worker
    if free is not None:
        each = WORKER_MEMORY + largest_run(points)
        fit = max(1, int(USABLE * free // each))
        if fit < workers:
            workers, why = fit, (f"as many as the memory holds (each needs about {human(each)}, "
                                 f"{human(free)} is available)")
    if workers < wanted:
        say(log, f"--jobs {jobs}: {workers} worker{'s' if workers > 1 else ''}, {why}")
    return workers


def largest_run(points: list) -> int:
    """The memory the largest of `points` needs (`harness.config.memory.estimate`), in bytes; a
    dataset that cannot be read here counts nothing (its run will say why it fails)."""
    from harness.catalog import heads
    from harness.config.memory import estimate
    from harness.data import load_dataset

    shapes, largest = {}, 0
    for point in points:
        cfg = point.config
        # The seed does not change a dataset's shape; the model type does (images: flat for
        # dense, (h, w, 1) for conv, h steps of w for recurrent: `harness.data.load_dataset`).
        key = (cfg.data.model_dump_json(), cfg.model.type)
        if key not in shapes:
            try:
                data = load_dataset(cfg.data, cfg.seed, cfg.model.type)
            except Exception:  # noqa: BLE001 - the worker reports it, with the run
                shapes[key] = None
            else:
                shapes[key] = (data.input_shape, data.n_classes, len(data.x_train),
                               len(data.x_val))
        if shapes[key] is None:
            continue
        input_shape, n_classes, n_train, n_val = shapes[key]
        units = heads.HEADS.get(cfg.model.head).units(n_classes)
        parts = estimate(cfg, input_shape, units, n_train, n_val)
        largest = max(largest, sum(size for size, _, _ in parts.values()))
    return largest
