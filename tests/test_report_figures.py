"""Figures that must not mislead (issue 18): what each one draws is checked on made-up frames,
the way a reader would see it (colours of pixels, texts inside the figure, sentences that parse)."""

import pandas as pd
import pytest

from harness.report import plot_update_ratio


def _update_ratios(first: float, last: float) -> pd.DataFrame:
    return pd.DataFrame({"epoch": [1, 1], "layer": ["hidden_1", "hidden_8"],
                         "metric": "update_ratio", "value": [first, last]})


@pytest.mark.parametrize("first, last, says", [
    (1e-3, 1.2e-3, "hidden_1's steps are about as large as hidden_8's"),
    (1e-5, 1e-3, "hidden_1's steps are 100x smaller than hidden_8's"),
    (1e-1, 1e-3, "hidden_1's steps are 100x larger than hidden_8's"),
])
def test_update_ratio_subtitle_is_a_sentence(first, last, says):
    # ReLU's subtitle read "about as large than": the comparison word follows the size
    subtitle = plot_update_ratio(_update_ratios(first, last), "relu").axes[0].get_title()
    assert subtitle.startswith(f"epoch 1: {says} (")
