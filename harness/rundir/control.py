"""`control.json`: how a person, a script or the live page steers a run while it trains.

The file holds a wish, not a log of commands: the state the run should be in and, optionally,
the learning rate it should train with from the next epoch on.

    {"state": "running" | "paused" | "step" | "stopped", "learning_rate": 0.003}

Either key may be absent (absent state: running; absent rate: the run's own). The training loop
reads it between epochs (`harness.training.steering`), turns `step` into `paused` once it has
trained one epoch, and reports a malformed file once and goes on as if it were absent. Writers
replace the file atomically (`write_control`), so the loop never reads half a wish.

Example:
    >>> write_control("results/try1", state="paused")          # pause after this epoch
    >>> write_control("results/try1", learning_rate=0.003)     # keeps "paused"
    >>> write_control("results/try1", state="running")         # go on at 0.003
"""

import json
import math
import os
from pathlib import Path
from typing import NamedTuple

from harness.base.files import write_json

CONTROL = "control.json"
STATES = ("running", "paused", "step", "stopped")


class Wish(NamedTuple):
    """What `control.json` asks for.

    Attributes:
        state: one of `STATES`, or None when the file does not say.
        learning_rate: a positive finite float, or None when the file does not say.
    """

    state: str | None = None
    learning_rate: float | None = None


class BadControl(ValueError):
    """`control.json` is not a wish this module can read; the message says what and how to fix."""


def parse_control(text: str) -> Wish:
    """The wish in `text`, a `control.json`'s content.

    Raises:
        BadControl: not a JSON object, an unknown key, an unknown state, or a learning rate
            that is not a positive finite number.
    """
    try:
        obj = json.loads(text)
    except ValueError as e:
        raise BadControl(f"not JSON ({e})") from None
    if not isinstance(obj, dict):
        raise BadControl('not a JSON object; write e.g. {"state": "paused"}')
    unknown = sorted(set(obj) - {"state", "learning_rate"})
    if unknown:
        raise BadControl(f"unknown key {unknown[0]!r}; the keys are 'state' and 'learning_rate'")
    state, rate = obj.get("state"), obj.get("learning_rate")
    if state is not None and state not in STATES:
        raise BadControl(f"state {state!r} is none of {', '.join(STATES)}")
    if rate is not None:
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not (
                math.isfinite(rate) and rate > 0):
            raise BadControl(f"learning_rate {rate!r} is not a positive number; e.g. 0.003")
        rate = float(rate)
    return Wish(state, rate)


def read_control(run_dir: str | os.PathLike) -> Wish | None:
    """The wish in `run_dir/control.json`; None when there is no such file.

    Raises:
        BadControl: the file is malformed (see `parse_control`) or unreadable.
    """
    path = Path(run_dir) / CONTROL
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise BadControl(f"cannot be read ({e})") from None
    return parse_control(text)


def write_control(run_dir: str | os.PathLike, state: str | None = None,
                  learning_rate: float | None = None) -> Wish:
    """Changes the wish in `run_dir/control.json`, keeping what is not given, atomically.

    Args:
        run_dir: the run folder.
        state: the new state, or None to keep the file's.
        learning_rate: the new learning rate, or None to keep the file's.

    Returns:
        The wish now in the file.

    Raises:
        BadControl: `state` or `learning_rate` is not valid (nothing is written). A malformed
            file already there is replaced, not merged.
    """
    try:
        old = read_control(run_dir) or Wish()
    except BadControl:
        old = Wish()
    new = {"state": state if state is not None else old.state,
           "learning_rate": learning_rate if learning_rate is not None else old.learning_rate}
    new = {k: v for k, v in new.items() if v is not None}
    wish = parse_control(json.dumps(new))  # the same checks as a reader's
    write_json(Path(run_dir) / CONTROL, new)
    return wish
