"""Steering a run between epochs from its `control.json` (`harness.rundir.control`): pause,
one epoch at a time, stop, and a new learning rate from the next epoch.

Steering is on when the run is started with `live=True` (`harness run --live`) or finds a
`control.json` in its folder, at the start or between chunks of epochs. While it is on, the loop
trains one epoch per compiled call, so that a wish takes effect at the next epoch; while it is off
nothing changes and the numbers are those of a run without it. What was asked and when goes into
`meta.json`'s `steering` list, and `history.csv` gets a `learning_rate` column (the rate each
epoch trained with) when steering is on from the start.
"""

import sys
import time
from datetime import datetime
from pathlib import Path

from harness.base.files import write_json
from harness.rundir.control import CONTROL, BadControl, Wish, read_control, write_control

PAUSE_POLL_S = 0.2  # how often a paused run reads control.json again: a click feels immediate
RATE_COLUMN = "learning_rate"


class SteeredStop(KeyboardInterrupt):
    """`control.json` asked the run to stop: it ends `interrupted`, as after Ctrl-C."""


class Steering:
    """Reads `run_dir/control.json` between epochs and does what it asks.

    Args:
        run_dir: the run folder.
        live: steer from the start, even before a `control.json` exists (`run --live`).
        events: the list to record what was asked in (`meta.json`'s `steering`, which the run
            writes again when it ends).
    """

    def __init__(self, run_dir: Path, live: bool = False, events: list | None = None):
        self.run_dir = Path(run_dir)
        self.active = live or (self.run_dir / CONTROL).exists()
        self.recorded = self.active  # `history.csv` has the learning-rate column
        self.events = [] if events is None else events
        self.reported: set[str] = set()  # malformed files already reported, by message
        self.stepping = False
        self.state = "running"
        self.rate: float | None = None  # the learning rate control.json last asked for

    def columns(self, columns: list[str]) -> list[str]:
        """`history.csv`'s columns: the run's, and the learning rate when steered from the start."""
        return [*columns, RATE_COLUMN] if self.recorded else columns

    def epochs_per_call(self, per_call: int) -> int:
        """One epoch per compiled call while steering is on, `per_call` otherwise."""
        if not self.active and (self.run_dir / CONTROL).exists():
            self.active = True  # a script wrote control.json during the run
        return 1 if self.active else per_call

    def before_epoch(self, epoch: int, optimizer, on_pause=None) -> None:
        """Does what `control.json` asks before epoch `epoch` (from 1) trains: applies a new
        learning rate, waits while paused, raises `SteeredStop` when stopped.

        Args:
            epoch: the epoch about to train.
            optimizer: the optimizer that trains it (its learning rate is set here).
            on_pause: called once when the run begins to wait (to show where it stands).
        """
        if not self.active:
            return
        wish = self._read()
        while True:
            self._set_rate(wish, epoch, optimizer)
            self._note_state(wish.state or "running", epoch)
            if self.state == "stopped":
                self._write_meta()
                raise SteeredStop(f"stopped by {CONTROL} before epoch {epoch}")
            if self.state != "paused":
                break
            if on_pause is not None:
                on_pause()
                on_pause = None
            time.sleep(PAUSE_POLL_S)
            wish = self._read()
        self.stepping = self.state == "step"

    def after_epoch(self) -> None:
        """After a `step` epoch: `control.json` says `paused` again (unless it changed since)."""
        if self.stepping:
            self.stepping = False
            if self._read().state == "step":
                write_control(self.run_dir, state="paused")

    def logs(self, optimizer) -> dict:
        """The learning-rate column's value for the epoch `optimizer` is about to train."""
        return {RATE_COLUMN: float(optimizer.learning_rate)} if self.recorded else {}

    def _read(self) -> Wish:
        try:
            return read_control(self.run_dir) or Wish()
        except BadControl as e:
            if str(e) not in self.reported:  # once, then quietly as if the file were absent
                self.reported.add(str(e))
                print(f"warning: {self.run_dir / CONTROL}: {e}; ignored until it is fixed",
                      file=sys.stderr)
            return Wish()

    def _set_rate(self, wish: Wish, epoch: int, optimizer) -> None:
        rate = wish.learning_rate
        if rate is None or rate == self.rate:
            return
        self.rate = rate  # asked once, applied (or refused) once
        try:
            optimizer.learning_rate = rate
        except TypeError:  # a schedule sets the rate step by step: nothing to assign to
            message = "learning_rate: this run's train.schedule sets the rate; not changed"
            if message not in self.reported:
                self.reported.add(message)
                print(f"warning: {self.run_dir / CONTROL}: {message}", file=sys.stderr)
            return
        self._event(epoch, learning_rate=rate)

    def _note_state(self, state: str, epoch: int) -> None:
        if state != self.state:
            self.state = state
            self._event(epoch, state=state)

    def _event(self, epoch: int, **change) -> None:
        self.events.append({"epoch": epoch, **change,
                            "time": datetime.now().isoformat(timespec="seconds")})
        self._write_meta()

    def _write_meta(self) -> None:
        """meta.json with the steering so far, so a page and a script see it during the run."""
        import json

        path = self.run_dir / "meta.json"
        try:
            meta = json.loads(path.read_text())
        except (OSError, ValueError):
            return  # no meta.json (a test's bare folder): the list is still `events`
        write_json(path, {**meta, "steering": self.events})
