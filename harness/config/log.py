"""The `log:` section of the config: which epochs record histograms (and toy-data surfaces)."""

from typing import Literal

from pydantic import Field, field_validator

from harness.config.section import Section, short_repr


class Every(Section):
    every: int = Field(ge=1, le=100_000)
    """Record every k-th epoch: k, 2k, 3k, ..."""


class LogConfig(Section):
    histograms: Literal["auto", "last"] | list[int] | Every = "auto"
    """Epochs whose histograms (and toy-data surfaces) are recorded besides initialisation, which
    always is: auto (epoch 1, three in the middle, the last), last, a list like [1, 5, 20], or
    {every: 5}. Only these epochs pay for the histograms."""

    @field_validator("histograms", mode="before")
    @classmethod
    def _schedule(cls, value):
        if value in ("auto", "last") or (
                isinstance(value, list) and all(type(e) is int and 1 <= e <= 100_000
                                                for e in value)) or (
                isinstance(value, dict) and list(value) == ["every"]
                and type(value["every"]) is int and 1 <= value["every"] <= 100_000):
            return value
        raise ValueError(f"give auto, last, a list of epochs (from 1) like [1, 10, 20], or "
                         f"{{every: 5}}; got {short_repr(value)}")

    def histogram_epochs(self, epochs: int) -> list[int]:
        """The recorded epochs of a run of `epochs` epochs, 0 (initialisation) first.

        Example:
            >>> LogConfig().histogram_epochs(100)
            [0, 1, 25, 50, 75, 100]
        """
        h = self.histograms
        if h == "auto":
            chosen = [1, *(round(epochs * k / 4) for k in (1, 2, 3)), epochs]
        elif h == "last":
            chosen = [epochs]
        elif isinstance(h, Every):
            chosen = range(h.every, epochs + 1, h.every)
        else:
            chosen = h
        return sorted({0, *(e for e in chosen if 1 <= e <= epochs)})
