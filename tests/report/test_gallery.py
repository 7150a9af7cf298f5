"""The gallery (`harness gallery`): every figure kind of every figure table on one page, built
from tiny real runs, so that a figure no page draws (a new entry, a broken `applies`) fails here;
and the caption rule: a caption that says something about the run is computed from it."""

import re

import pytest
from commands import cli

from harness.cli.gallery import SINGLE, TABLES, figures_of
from harness.report.entry import FigureEntry

# Words that claim something about the run shown (a size, a trend, a verdict): a caption that
# uses them must be a function of the source, computed from the numbers its figure draws.
CLAIMS = re.compile(r"\b(here|this run|about as large|fades to|n/a|\d+(\.\d+)?x)\b", re.I)


def test_static_captions_claim_nothing_about_the_run():
    for table in TABLES:
        for entry in table.entries:
            if isinstance(entry.caption, str):
                assert not CLAIMS.search(entry.caption), (table.name, entry.name,
                                                         CLAIMS.search(entry.caption))


def test_figures_are_found_on_a_page_by_their_entry_only():
    entry = FigureEntry(name="sweep_grad_norms.png", title="t", draw=lambda s: None)
    page = ('<figure id="sweep_grad_norms_depth=2_png">a</figure>'
            '<figure id="sweep_grad_norms_png">b</figure>'
            '<figure id="sweep_grad_norms_extra_png">c</figure>')
    assert figures_of(page, entry) == ['<figure id="sweep_grad_norms_depth=2_png">a</figure>',
                                       '<figure id="sweep_grad_norms_png">b</figure>']
    time = FigureEntry(name="time.png", title="t", draw=lambda s: None)
    assert figures_of('<figure id="time_heatmap_png">x</figure>', time) == []


@pytest.mark.slow
def test_the_gallery_draws_every_figure_kind(tmp_path):
    out = tmp_path / "gallery"
    result = cli("gallery", "--out", out)
    assert result.returncode == 0, result.stderr
    page = (out / "gallery.html").read_text(encoding="utf-8")
    assert "MISSING" not in page
    for table in TABLES:
        for entry in table.entries:
            assert figures_of(page, entry), f"{table.name}: {entry.name} is not on the page"
    for name in SINGLE.values():
        assert f'id="{name.replace(".", "_")}"' in page
    # a dense, a conv and a recurrent run each drew their own kinds
    for folder, kind in [("dense", "boundary_png"), ("conv", "feature_maps_png"),
                         ("recurrent", "time_png")]:
        assert f'id="{kind}"' in (out / folder / "report.html").read_text(encoding="utf-8")
