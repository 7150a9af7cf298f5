"""How the report's figures are drawn and become PNG files: the settings that make drawing cheap.

Reports are drawn once per process, so what matters is the first draw: no mathtext (plain log
labels), titles at a fixed height (no tick-label measuring), unhinted glyphs, ticks worked out once
(`harness.report.draw.ticks`), no full garbage collection over older objects, and a palette PNG.

    fig = build_figure(lambda: plot_grad_norms(layers))  # under the report's rc settings
    save_figure(run_dir / "grad_norms.png", fig)
"""

import gc
import io
from contextlib import contextmanager
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from harness.base.files import write_bytes
from harness.report.draw.ticks import fixed_ticks, plain_log_ticks
from harness.report.lang.catalog import translate_figure
from harness.report.lang.font import font_rc
from harness.report.lang.setting import current

DPI = 90  # sharp enough in a browser at 100%; fewer pixels barely change the drawing time
# Plots hold few colours: a 256-colour palette PNG is ~4x smaller than RGBA, looks the same and
# costs no more time than matplotlib's own PNG writer (the report embeds every image once more).
COLORS = 256

# Titles at a fixed height: with the default (None) matplotlib measures every tick label to lift
# each title clear of them, a sixth of a report's drawing time; no axes here has top labels.
# Glyphs unhinted: matplotlib rasterises text glyph by glyph, and FreeType's hinting was a third
# of that (text is a third of a report's drawing); at 90 dpi the letters read the same.
RC = {"axes.titley": 1.0, "text.hinting": "no_hinting"}


def build_figure(make):
    """Calls `make()` (which builds a figure) under the report's matplotlib settings `RC` and the
    language's font (text takes its font when it is made)."""
    with matplotlib.rc_context({**RC, **font_rc(current())}):
        return make()


@contextmanager
def old_objects_frozen():
    """Keeps the garbage collector's full passes to the objects made inside the block.

    Drawing makes ~10^5 short-lived matplotlib objects, enough to start a full collection,
    which also walks every object the process held before (all of pandas and matplotlib; in a
    run, all of TensorFlow): ~0.1 s per report. Frozen objects are only skipped, not leaked.
    """
    if gc.get_freeze_count():  # someone else froze the heap: leave their freeze alone
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def save_figure(path: str | Path, fig) -> Path:
    """Writes a matplotlib figure as a palette PNG, atomically, with the report's settings, its
    text in the language in force (`harness.report.lang`)."""
    fig.set_dpi(DPI)
    canvas = FigureCanvasAgg(plain_log_ticks(fig))
    # text is laid out and rasterised while drawing
    with matplotlib.rc_context({**RC, **font_rc(current())}):
        fixed_ticks(fig)
        translate_figure(fig)
        pin_legends(fig, canvas.get_renderer())
        canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw",
                             "RGBA", 0, 1).convert("RGB")  # figures are opaque
    buffer = io.BytesIO()
    image.quantize(COLORS, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG")
    return write_bytes(path, buffer.getvalue())


def pin_legends(fig, renderer) -> None:
    """Fixes every legend where it is about to be drawn, as a corner in its anchor box.

    A legend at `loc="best"` searches for its place twice per draw (for its extent, then to draw
    itself), each time testing nine places against every line's points.
    """
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
    for legend in filter(None, legends):
        anchor = legend.get_bbox_to_anchor()
        if anchor.width > 0 and anchor.height > 0:
            box = legend.get_window_extent(renderer)
            legend.set_loc(((box.x0 - anchor.x0) / anchor.width,
                            (box.y0 - anchor.y0) / anchor.height))
