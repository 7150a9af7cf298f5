"""Sweeps on a Ray cluster: `harness sweep EXP --executor ray [--address ADDR]`.

Runs are trained by Ray actors, one per CPU of the cluster (Ray places them over the nodes): an
actor is a worker process that trains one run after another, so the seeds of one grid cell, sent to
the same actor as in a local parallel sweep, reuse the cell's compiled graph instead of each paying
the ~1 s of tracing. Ray restarts an actor whose process dies (a killed or crashed node) and runs
the run it was training again, once (`max_task_retries=1`).

The driver -- the process that runs `harness sweep` -- owns the sweep folder: an actor trains into
a temporary folder on its node and returns the run's files as bytes, and the driver writes them
atomically (`harness.base.files`) into the run folder, `summary.json` last. So workers need no
shared filesystem, and resume, the per-run locks and the tables work exactly as in a local sweep.

An actor gets the run's resolved config (not the config file's path, which may not exist on the
node); `meta.json` is then corrected by the driver to name the config file and command line a local
run would record. Without an address, `ray.init()` starts a local cluster with this machine's cores,
which `ray_watchdog` ends with this process however it ends; with one, `ray_auth` supplies the
token of a cluster that uses token authentication.
"""

import os
import sys
import time
from pathlib import Path

from harness.base.files import write_bytes
from harness.base.stops import raise_stopped
from harness.errors import HarnessError
from harness.sweeps.ray_auth import authenticate
from harness.sweeps.ray_watchdog import watch
from harness.sweeps.schedule import Ended, on_sigterm, say

INSTALL = ("--executor ray: Ray is not installed; install the extra with "
           "`pip install -e \".[ray]\"` (or `pip install 'ray>=2.40'`)")
# A local cluster's raylet maps Ray's object store (by default 30% of the available memory) and
# about 6.3 GB of address space of its own (12.8 GB with a 6.4 GB store on the 2-core machine
# measured); under a smaller `ulimit -v` it fails and Ray times out ~40 s later.
STORE_SHARE = 0.3
RAYLET_OWN = 6.5e9


def require_ray():
    """Imports Ray, or raises the one-line error that says how to install it."""
    try:
        import ray
    except ImportError:
        raise HarnessError(INSTALL) from None
    return ray


class OnRay:
    """Trains points on Ray actors, one per CPU of the cluster (`schedule.Executor`).

    Args:
        address: the cluster (`ray start --head` prints it, e.g. `192.168.1.2:6379`); None starts
            a local cluster, unless this process is already connected to one.
        num_cpus: CPUs of a local cluster (default: all).

    Raises:
        HarnessError: Ray is not installed (`INSTALL`).
    """

    in_order = False

    def __init__(self, address: str | None = None, num_cpus: int | None = None):
        self.ray, self.address, self.num_cpus = require_ray(), address, num_cpus
        self.started_here, self.actors, self.running, self.previous = False, [], {}, None
        self.watchdog = None
        if address is not None and not self.ray.is_initialized():
            authenticate(address)  # a token-authenticated cluster (ray_auth)
        if address is None and not self.ray.is_initialized():
            check_address_space()

    def start(self, exp, points: list, log) -> int:
        ray, address = self.ray, self.address
        self.exp = exp
        if not ray.is_initialized():
            say(log, f"ray: {'joining ' + address if address else 'starting a local cluster'} ...")
            self.started_here = True
            try:
                ray.init(address=address, num_cpus=None if address else self.num_cpus,
                         include_dashboard=False, log_to_driver=False, configure_logging=False,
                         runtime_env=_runtime_env(address))
            except ConnectionError as e:
                raise HarnessError(f"--address {address}: no Ray cluster there ({e}); start "
                                   "one with `ray start --head` and pass the address it "
                                   "prints") from None
            except Exception as e:  # noqa: BLE001 - Ray raises a bare Exception on a timeout
                first = f"{type(e).__name__}: {e}".splitlines()[0]
                raise HarnessError(f"--executor ray: Ray did not start ({first}); its logs are in "
                                   "/tmp/ray/session_latest/logs (Ray's default folder)") from None
        # One trainer per CPU, restarted whenever its process dies; a run it was training is
        # retried once.
        trainer = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=1)(Trainer)
        self.actors = [trainer.remote() for _ in range(max(1, min(_cpus(ray), len(points))))]
        say(log, f"ray: {len(self.actors)} trainers on {_cpus(ray)} CPUs")
        if self.started_here and address is None:  # a local cluster: it ends with this process
            self.watchdog = watch()
        self.previous = on_sigterm(raise_stopped)  # stop as on Ctrl-C (exit 143, as `harness run`)
        return len(self.actors)

    def submit(self, slot: int, point, run_dir: Path) -> None:
        ref = self.actors[slot].train.remote(point.config.model_dump(mode="json"))
        self.running[ref] = (slot, run_dir)

    def collect(self) -> list[Ended]:
        """Waits for a task, then writes its files into its run folder (`summary.json` last)."""
        ready, _ = self.ray.wait(list(self.running), num_returns=1)
        slot, run_dir = self.running.pop(ready[0])
        try:
            result = self.ray.get(ready[0])
        except self.ray.exceptions.RayError as e:  # retried once already (max_task_retries)
            result = {"status": "failed", "files": {},
                      "error": f"ray: {type(e).__name__}: {e}".splitlines()[0]}
        status, error = _write(run_dir, result, self.exp)
        return [Ended(slot, status, error, result.get("wall_time_s"))]

    def stop(self) -> None:
        for actor in self.actors:
            self.ray.kill(actor)

    def close(self) -> None:
        on_sigterm(self.previous)
        if self.started_here:
            self.ray.shutdown()
        if self.watchdog is not None:  # ends what shutdown left running (ray_watchdog)
            self.watchdog.stdin.close()
            self.watchdog.wait(timeout=60)


def check_address_space() -> None:
    """Raises the one line that says what to raise when `ulimit -v` is below what a local Ray
    cluster maps (`STORE_SHARE`, `RAYLET_OWN`)."""
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return
    from harness.config.memory import available, human

    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    store = STORE_SHARE * (available() or 0)
    if limit == resource.RLIM_INFINITY or limit >= store + RAYLET_OWN:
        return
    need = -(-int(store + RAYLET_OWN) // 1024)  # in kB, as `ulimit -v` counts
    raise HarnessError(f"--executor ray: the address-space limit (`ulimit -v`: {limit // 1024} "
                       f"kB) is below what a local Ray cluster maps: its object store "
                       f"({human(store)}, 30% of the available memory) and about "
                       f"{human(RAYLET_OWN)} more; raise it to at least {need} kB (`ulimit -v "
                       f"{need}`, or `ulimit -v unlimited`), or train with `--jobs N` instead")


class Trainer:
    """A Ray actor: a worker process that trains runs one after another (`train_run`)."""

    def __init__(self):
        _one_thread()

    def train(self, config: dict) -> dict:
        return train_run(config)


def train_run(config: dict) -> dict:
    """In a `Trainer`: trains one run into a temporary folder; returns its files and outcome.

    Returns:
        `{"status", "error", "wall_time_s", "node", "files": {relative path: bytes}}`.
    """
    import socket
    import tempfile

    _one_thread()
    from harness.training.runner import run

    started = time.time()
    with tempfile.TemporaryDirectory(prefix="harness-ray-") as tmp:
        run_dir = Path(tmp) / "run"
        try:
            status, error = run(config, out=run_dir, verbose=0, report=False).status, None
        except Exception as e:  # noqa: BLE001 - the run is recorded as failed, like a local one
            status, error = "failed", f"{type(e).__name__}: {e}".splitlines()[0]
        files = {p.relative_to(run_dir).as_posix(): p.read_bytes()
                 for p in sorted(run_dir.rglob("*")) if p.is_file() and not p.name.startswith(".")}
    return {"status": status, "error": error, "wall_time_s": time.time() - started,
            "node": socket.gethostname(), "files": files}


def _write(run_dir: Path, result: dict, exp) -> tuple[str, str | None]:
    """Writes a task's files into its run folder, `summary.json` last; returns (status, error)."""
    import json

    files = dict(result["files"])
    summary = files.pop("summary.json", None)
    if "meta.json" in files:
        meta = json.loads(files["meta.json"])
        meta.update(command=sys.argv, config_file=str(exp.base), ray_node=result.get("node"))
        files["meta.json"] = (json.dumps(meta, indent=2) + "\n").encode()
    for name, data in files.items():
        (run_dir / name).parent.mkdir(parents=True, exist_ok=True)
        write_bytes(run_dir / name, data)
    if summary is not None:
        write_bytes(run_dir / "summary.json", summary)
    status = json.loads(summary)["status"] if summary is not None else "failed"
    return status, result.get("error")


def _one_thread() -> None:
    """A trainer has one CPU: size TensorFlow's pools to it (possible only before its first op)."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:  # a reused worker: already sized by its first task
        pass


def _runtime_env(address: str | None) -> dict | None:
    """On a remote cluster, ship this `harness` package to the workers (no install needed there)."""
    if address is None:
        return None
    package = Path(__file__).resolve().parents[1]  # harness/, this file being harness/sweeps/...
    return {"py_modules": [str(package)],
            "env_vars": {"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}}


def _cpus(ray) -> int:
    return int(ray.cluster_resources().get("CPU", 0))
