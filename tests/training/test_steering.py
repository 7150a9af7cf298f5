"""Steering from control.json between epochs: pause, step, stop, a new learning rate; a
malformed file reported once; and without steering, the same numbers as before."""

import json
import threading
import time

import pandas as pd
import pytest
from tiny import tiny

from harness.rundir.control import read_control, write_control
from harness.training.steering import RATE_COLUMN, SteeredStop, Steering


class Optimizer:
    """The one attribute steering touches; `schedule=True` refuses it as Keras does."""

    def __init__(self, rate=0.01, schedule=False):
        self.rate, self.schedule = rate, schedule

    @property
    def learning_rate(self):
        return self.rate

    @learning_rate.setter
    def learning_rate(self, value):
        if self.schedule:
            raise TypeError("This optimizer was created with a `LearningRateSchedule`")
        self.rate = value


def test_off_without_live_or_a_file_until_a_file_appears(tmp_path):
    steering, opt = Steering(tmp_path), Optimizer()
    assert not steering.active and steering.epochs_per_call(70) == 70
    assert steering.columns(["epoch", "loss"]) == ["epoch", "loss"]
    steering.before_epoch(1, opt)  # nothing to read, nothing done
    write_control(tmp_path, learning_rate=0.5)
    assert steering.epochs_per_call(70) == 1 and steering.active
    steering.before_epoch(2, opt)
    assert opt.rate == 0.5


def test_pause_holds_until_the_wish_changes_and_step_pauses_again(tmp_path):
    steering, opt = Steering(tmp_path, live=True), Optimizer()
    write_control(tmp_path, state="paused")
    done = threading.Event()
    shown = []
    worker = threading.Thread(target=lambda: (steering.before_epoch(
        3, opt, on_pause=lambda: shown.append(1)), done.set()))
    worker.start()
    time.sleep(0.8)
    assert not done.is_set() and shown == [1]  # held, and the view drawn once
    write_control(tmp_path, state="step")
    worker.join(timeout=5)
    assert done.is_set() and steering.stepping
    steering.after_epoch()
    assert read_control(tmp_path).state == "paused"
    assert [e.get("state") for e in steering.events] == ["paused", "step"]


def test_stop_raises_and_a_new_rate_is_applied_once_and_recorded(tmp_path):
    (tmp_path / "meta.json").write_text(json.dumps({"seed": 0}))
    steering, opt = Steering(tmp_path, live=True), Optimizer()
    write_control(tmp_path, learning_rate=0.003)
    steering.before_epoch(1, opt)
    steering.before_epoch(2, opt)
    assert opt.rate == 0.003 and steering.logs(opt) == {RATE_COLUMN: 0.003}
    write_control(tmp_path, state="stopped")
    with pytest.raises(SteeredStop, match="before epoch 3"):
        steering.before_epoch(3, opt)
    events = json.loads((tmp_path / "meta.json").read_text())["steering"]
    assert [(e["epoch"], e.get("learning_rate"), e.get("state")) for e in events] == [
        (1, 0.003, None), (3, None, "stopped")]


def test_a_malformed_file_is_reported_once_and_ignored(tmp_path, capsys):
    steering, opt = Steering(tmp_path, live=True), Optimizer()
    (tmp_path / "control.json").write_text('{"state": "pause"}')
    for epoch in (1, 2, 3):
        steering.before_epoch(epoch, opt)
    err = capsys.readouterr().err
    assert err.count("warning:") == 1 and "state 'pause' is none of" in err


def test_a_schedule_keeps_its_rate_with_one_warning(tmp_path, capsys):
    steering, opt = Steering(tmp_path, live=True), Optimizer(schedule=True)
    write_control(tmp_path, learning_rate=0.1)
    steering.before_epoch(1, opt)
    steering.before_epoch(2, opt)
    assert opt.rate == 0.01 and capsys.readouterr().err.count("train.schedule") == 1


def test_a_steered_run_records_its_rate_and_an_unsteered_one_trains_the_same(tmp_path):
    from harness.training.runner import run

    config = tiny(train={"epochs": 3})
    plain = run(config, out=tmp_path / "plain", verbose=0, report=False)
    live = run(config, out=tmp_path / "live", verbose=0, report=False, live=True)
    # One epoch per compiled call trains the same numbers as the whole run in one call.
    pd.testing.assert_frame_equal(plain.history, live.history.drop(columns=[RATE_COLUMN]),
                                  check_exact=False, rtol=1e-6, atol=1e-7)
    assert RATE_COLUMN not in plain.history and (live.dir / "live.json").exists()

    (tmp_path / "steered").mkdir()
    write_control(tmp_path / "steered", learning_rate=0.003)  # written before the run starts
    steered = run(config, out=tmp_path / "steered", verbose=0, report=False, force=True)
    assert steered.history[RATE_COLUMN].tolist() == pytest.approx([0.003] * 3)
    assert steered.meta["steering"][0]["learning_rate"] == 0.003
    assert plain.meta["steering"] == [] and steered.status == "completed"


def test_compare_and_the_console_say_a_run_was_steered(tmp_path):
    from fake_runs import make_run

    from harness.cli.console import format_summary
    from harness.report.compare.runs import compare
    from harness.rundir.run import load_run

    plain, steered = make_run(tmp_path / "a"), make_run(tmp_path / "b")
    meta = json.loads((steered / "meta.json").read_text())
    meta["steering"] = [{"epoch": 2, "state": "paused", "time": "t"},
                        {"epoch": 2, "learning_rate": 0.003, "time": "t"}]
    (steered / "meta.json").write_text(json.dumps(meta))
    assert compare([plain, steered])["steered"].tolist() == [0, 2]
    assert "steered" not in format_summary(load_run(plain))
    assert ("steered 2 times through control.json (meta.json's `steering`); learning rate last "
            "set to 0.003") in format_summary(load_run(steered))
