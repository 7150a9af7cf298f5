"""A page's figures as a table: each figure one `FigureEntry`, every table drawn by one loop.

The run report (`harness.report.run.figures`), the comparison (`harness.report.compare.figures`)
and the sweep page (`harness.sweeps.figures`) each declare their figures as a tuple of entries, in
page order, and hand it to `draw_entries`; a new figure is one entry in one table.

    drawn = draw_entries(RUN_FIGURES, RunFiles(run), run.dir)
    body += drawn.figures      # one <figure> per entry that applies and could be drawn
    notes += drawn.notes       # "Learning curves: not drawn: history.csv has no rows."
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from harness.base.files import write_bytes
from harness.report import page
from harness.report.draw.png import build_figure, old_objects_frozen, save_figure
from harness.report.draw.style import NothingToPlot


def always(_source) -> bool:
    """The `applies` of a figure every page of its kind shows (or says why it could not draw)."""
    return True


@dataclass(frozen=True, kw_only=True)
class FigureEntry:
    """One figure of a page, declared: its file, which sources it applies to, how it is drawn,
    its title and caption.

    A page's figures are a tuple of these in page order, and everything that handles figures
    loops over that tuple: `draw_entries` today; per-figure timing, drawing figures concurrently,
    a second language for titles and captions, and a live page that redraws a running run's
    figures next. Keep an entry this small and frozen (a file name and four functions of the
    source) so that each of those stays one loop over the same table, and a new figure one entry.

    The source is whatever the page draws from: a run's files (`harness.report.run.figures`),
    the runs of a comparison, one facet of a sweep. `applies` looks only at what the source holds
    (its files and tables), never at its config's model type: draw only what a run has.

    Attributes:
        name: the file the figure is written to, beside the page, e.g. `"grad_norms.png"`; a
            `.gif` entry's `draw` returns the finished image's bytes.
        title: the figure's heading, or source -> heading.
        draw: source -> a matplotlib `Figure` (or a GIF's bytes); raises `NothingToPlot` saying
            why it cannot draw from this source, which the page then shows in the figure's place.
        caption: what the figure shows and how to read it, or source -> that text, computed from
            the numbers the figure draws so that it is true of this source.
        applies: source -> whether the page has this figure at all (by default it always has).
    """

    name: str
    title: str | Callable[[Any], str]
    draw: Callable[[Any], Any]
    caption: str | Callable[[Any], str] = ""
    applies: Callable[[Any], bool] = always

    def title_for(self, source) -> str:
        """The title for this source."""
        return self.title(source) if callable(self.title) else self.title

    def caption_for(self, source) -> str:
        """The caption for this source."""
        return self.caption(source) if callable(self.caption) else self.caption

    def file(self, suffix: str = "") -> str:
        """The file name, `suffix` before its extension: `sweep_history_depth=5.png`."""
        name = Path(self.name)
        return f"{name.stem}{suffix}{name.suffix}"


def lead(entries: Sequence[FigureEntry], first: Sequence[str]) -> tuple[FigureEntry, ...]:
    """The table with the entries named in `first` (file names) moved to the front, in that
    order, the rest in theirs: a model type's headline figures first on its pages
    (`harness.models.model_type.ModelType.lead_figures`). Names the table lacks are skipped."""
    named = {entry.name: entry for entry in entries}
    front = [named[name] for name in dict.fromkeys(first) if name in named]
    return (*front, *(entry for entry in entries if entry not in front))


class Drawn(NamedTuple):
    """What `draw_entries` made of a table, in table order."""

    figures: list[str]  # the page's `<figure>` blocks, image embedded
    notes: list[str]  # one "<title>: not drawn: <reason>." per entry that applied but could not
    files: list[str]  # the names of the files written


def draw_entries(entries: Sequence[FigureEntry], source, folder: Path,
                 suffix: str = "") -> Drawn:
    """Draws every entry that applies to `source` into `folder`, in table order.

    An entry that applies but cannot be drawn (`NothingToPlot`) gets a note instead, and the file
    an earlier page left under its name is removed: a stale figure would mislead.

    Args:
        entries: the page's table.
        source: what the entries' functions take (a run's files, a comparison's runs, ...).
        folder: where the files go, beside the page.
        suffix: put before each file's extension (a sweep draws its table once per facet).

    Returns:
        The figures, notes and written files, as `Drawn`.
    """
    drawn = Drawn([], [], [])
    with old_objects_frozen():
        for entry in entries:
            if not entry.applies(source):
                continue
            title, path = entry.title_for(source), folder / entry.file(suffix)
            try:
                image = build_figure(partial(entry.draw, source))
            except NothingToPlot as reason:
                path.unlink(missing_ok=True)
                drawn.notes.append(f"{title}: not drawn: {reason}.")
                continue
            written = (write_bytes(path, image) if isinstance(image, bytes)
                       else save_figure(path, image))
            drawn.figures.append(page.figure(written, title, entry.caption_for(source)))
            drawn.files.append(written.name)
    return drawn
