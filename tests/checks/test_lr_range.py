"""The learning-rate range test's method and figure, on curves made to the shape real runs draw
(`harness preflight configs/rnn_adding.yaml`: flat, a late fall, the blow-up soon after)."""

import numpy as np
import pandas as pd
import pytest

from harness.checks.lr_curve import (
    END,
    LEARNED,
    START,
    STEPS,
    learned,
    smooth,
    summarise,
    window,
)
from harness.report.lr_range import plot_lr_range, verdict


def curve(fall_at: float, blow_at: float, steps: int = STEPS, noise: float = 0.05, seed: int = 0):
    """A range test's raw losses: 1.5 at small rates, falling to 0.2 over the decade after
    `fall_at`, blowing up from `blow_at`; mini-batch noise on top."""
    rates = START * (END / START) ** (np.arange(steps) / (steps - 1))
    x = np.log10(rates)
    fall = np.clip((x - np.log10(fall_at)), 0, 1)
    loss = 1.5 - 1.3 * fall + np.where(rates > blow_at, (rates / blow_at) ** 4 - 1, 0)
    loss = loss * (1 + noise * np.random.default_rng(seed).standard_normal(steps))
    keep = np.argmax(loss > 6) if (loss > 6).any() else steps  # the test stops at the blow-up
    return rates[:keep + 1], loss[:keep + 1]


def test_a_late_fall_before_the_blow_up_is_found_and_the_suggestion_is_on_the_fall():
    # the adding problem: the loss falls from 1.5 near 1e-4..1e-3 and blows up at 0.3
    rates, loss = curve(fall_at=1e-4, blow_at=0.3)
    test = summarise(rates, loss, window())
    assert test.min_loss < 0.3  # the smoothed curve reaches the raw loss's valley (EMA: 0.575)
    assert 1e-3 <= test.lowest < 0.3
    assert 1e-4 <= test.suggested <= 1e-3  # on the falling slope, not near the blow-up (0.024)
    assert learned(test.min_loss, chance=1.16)


def test_a_flat_curve_has_not_learned():
    rates, loss = curve(fall_at=1e3, blow_at=0.5, noise=0.02)  # never falls
    test = summarise(rates, loss, window())
    assert not learned(test.min_loss, chance=1.5)
    assert test.min_loss > LEARNED * 1.5


def test_smoothing_has_no_lag_and_ignores_one_spike():
    loss = np.r_[np.ones(50), np.zeros(50)]
    loss[20] = 1e6
    smoothed = smooth(loss, 9)
    assert smoothed[20] == 1 and smoothed[45] == 1 and smoothed[55] == 0
    assert window(160, 1e-6, 10) == 9 and window(320, 1e-6, 10) % 2 == 1


def frame_of(rates, loss):
    test = summarise(rates, loss, window())
    return test, test.frame


def test_the_figure_says_what_the_curve_did():
    test, frame = frame_of(*curve(fall_at=1e-4, blow_at=0.3))
    fig = plot_lr_range(frame, test.suggested, configured=1e-3, chance=1.16,
                        learned_share=LEARNED)
    ax = fig.axes[0]
    assert ax.get_title().startswith("passed: ")
    labels = ax.get_legend_handles_labels()[1]
    assert any(label.startswith("chance 1.16") for label in labels)
    # the raw loss stays in view: the axis reaches down to its lowest value, not the smoothed one
    raw = frame.loss[np.isfinite(frame.loss)]
    assert ax.get_ylim()[0] <= raw.min() < ax.get_ylim()[1]
    assert ax.get_ylim()[1] < 10  # the blow-up leaves through the top, not squashing the rest
    # the config's line is drawn above the suggested one, so both show where they coincide
    lines = {line.get_label().split()[0]: line for line in ax.get_lines()}
    assert lines["config's"].get_zorder() > lines["suggested"].get_zorder()

    flat, flat_frame = frame_of(*curve(fall_at=1e3, blow_at=0.5, noise=0.02))
    fig = plot_lr_range(flat_frame, None, configured=1e-3, chance=1.5, learned_share=LEARNED)
    title = fig.axes[0].get_title()
    assert title.startswith("FAILED") and "falling" not in title
    assert "FAILED" in verdict(flat_frame, 1.5, LEARNED)
    assert "passed" in verdict(flat_frame, 3.0, LEARNED)  # the same curve against a higher chance


def test_the_figure_needs_rows():
    from harness.report.draw.style import NothingToPlot

    with pytest.raises(NothingToPlot):
        plot_lr_range(pd.DataFrame(columns=["step", "learning_rate", "loss", "smoothed_loss"]))
