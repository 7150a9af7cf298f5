"""The default executor: a sweep trains its runs here, in its own process, one after another.

TensorFlow loads once; `harness.training.runner.run` clears the Keras session after each run. The
loop around it (claims, skips, progress lines) is `harness.sweeps.schedule.train_points`.
"""

import logging
from contextlib import ExitStack, contextmanager

from harness.sweeps.schedule import Ended


class InProcess:
    """Trains each point in this process when it is collected (`schedule.Executor`)."""

    in_order = True
    live = False  # runs steerable and one epoch per call (`sweep --live`)

    def __init__(self):
        self.base, self.job, self.held = None, None, ExitStack()

    def start(self, exp, points: list, log) -> int:
        self.base = exp.base
        self.held.enter_context(quiet_retracing())
        return 1

    def submit(self, slot: int, point, run_dir) -> None:
        self.job = (slot, point, run_dir)

    def collect(self) -> list[Ended]:
        from harness.training.runner import run

        (slot, point, run_dir), self.job = self.job, None
        try:
            status, error = run(self.base, overrides=point.overrides, out=run_dir, verbose=0,
                                report=False, live=self.live).status, None
        except Exception as e:  # noqa: BLE001 - one broken run must not stop the sweep
            status, error = "failed", f"{type(e).__name__}: {e}".splitlines()[0]
        return [Ended(slot, status, error)]

    def stop(self) -> None:
        """Nothing to do: Ctrl-C reaches the run training here, which marks itself interrupted."""

    def close(self) -> None:
        self.held.close()


@contextmanager
def quiet_retracing():
    """Mutes TensorFlow's Python warnings: each run builds a new model, so every run retraces."""
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
