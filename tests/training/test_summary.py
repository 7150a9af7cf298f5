"""`summary.json` is set in one place (`harness.training.summary`): its keys come in the order of
its `KEYS`, however the run ends."""

from fnmatch import fnmatch

import pandas as pd
import pytest
from tiny import tiny

from harness.config.file import load_config
from harness.data.datasets import load_dataset
from harness.training.summary import KEYS, Summary

# layers.csv of a run with two hidden layers, at initialisation and after its one epoch
LAYERS = pd.DataFrame([(epoch, layer, metric, value)
                       for epoch in (0, 1)
                       for layer, value in (("hidden_1", 0.1), ("hidden_2", 0.2), ("output", 1.0))
                       for metric in ("grad_rms", "saturation", "dead_fraction")],
                      columns=["epoch", "layer", "metric", "value"])
# timesteps.csv of one recurrent layer over 3 steps: the gradient shrinks toward step 1
STEPS = pd.DataFrame([(epoch, "rnn_1", step, "h_grad_norm", step / 3)
                      for epoch in (0, 1) for step in (1, 2, 3)],
                     columns=["epoch", "layer", "step", "metric", "value"])
INITIAL = {"vanishing_ratio_predicted": 0.5, "jacobian_end_to_end_mean": 1.0,
           "jacobian_end_to_end_max": 2.0, "jacobian_end_to_end_min": 0.5}


def in_file_order(keys) -> bool:
    """Each key matches one of `KEYS`, and in their order."""
    places = [next(i for i, pattern in enumerate(KEYS) if fnmatch(key, pattern)) for key in keys]
    return places == sorted(places)


@pytest.fixture(scope="module")
def begun():
    cfg, _ = load_config(tiny(expect={"test_accuracy": ">= 0.5", "saturation_final": "<= 0.2"}))
    return cfg, load_dataset(cfg.data, cfg.seed)


def test_a_finished_run_writes_its_keys_in_file_order(begun):
    cfg, data = begun
    s = Summary(cfg, data)
    assert s.values["status"] == "failed"  # until the run says otherwise
    s.preflight(True)
    s.trained(1, INITIAL)
    s.tested({"loss": 0.3, "accuracy": 0.9})
    s.refitted({"loss": 0.2, "accuracy": 0.95})
    s.ratios(LAYERS, STEPS)
    s.expected(cfg.expect, "completed", LAYERS)
    s.end("completed")
    s.closed(1.23456)
    assert in_file_order(s.values), list(s.values)
    assert list(s.values)[0] == "status" and s.values["status"] == "completed"
    assert s.values["examples"] == {"train": 128, "val": 32, "test": 40}
    assert s.values["vanishing_ratio_init"] == pytest.approx(0.5)
    assert s.values["time_ratio_init"] == pytest.approx(1 / 3)
    # saturation_final is measured from layers.csv, beside summary.json's own keys
    assert [r["met"] for r in s.values["expect"]] == [True, True] and s.values["expect_met"]
    assert s.values["learned"] is not None  # judged as the completed run it is about to be
    assert s.values["wall_time_s"] == 1.235


def test_a_diverged_run_says_where_and_has_no_test_metrics(begun):
    s = Summary(*begun)
    s.trained(1, INITIAL)
    s.diverged(1, 7)
    s.ratios(LAYERS, None)
    s.end("diverged")
    assert in_file_order(s.values), list(s.values)
    assert (s.values["diverged_epoch"], s.values["diverged_step"]) == (1, 7)
    assert "test_loss" not in s.values and "time_ratio_init" not in s.values


@pytest.mark.parametrize("ending", ["stopped", "failed"])
def test_a_run_cut_short_keeps_what_it_measured_but_no_verdict(begun, ending):
    s = Summary(*begun)
    s.trained(1, INITIAL)
    s.tested({"loss": 0.3, "accuracy": 0.9})
    if ending == "stopped":
        s.stopped(1)
    else:
        s.failed(OSError("disk full"), 1)
    s.closed(2.0)
    assert in_file_order(s.values), list(s.values)
    assert "learned" not in s.values and s.values["test_loss"] == 0.3
    assert s.values["status"] == ("interrupted" if ending == "stopped" else "failed")
    assert s.values.get("error") == (None if ending == "stopped" else "OSError: disk full")


def test_keys_match_one_pattern_each():
    assert not [k for k in KEYS if sum(fnmatch(k, p) for p in KEYS) != 1]
