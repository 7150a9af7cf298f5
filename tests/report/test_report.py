"""Reports and comparisons, built from fake run folders (tests/helpers/fake_runs.py) that follow
results/README.md; one test opens a real report in headless Chromium."""

import base64
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from commands import cli
from fake_runs import make_run
from matplotlib.figure import Figure

from harness.base.frames import vanishing_ratio
from harness.errors import HarnessError
from harness.report.compare.grouped import group_band, plot_grouped_grad_norms, plot_grouped_history
from harness.report.compare.runs import compare, run_labels, shorten
from harness.report.draw.style import ACTIVATION_COLORS, activation_color
from harness.report.html import build_report

ROOT = Path(__file__).resolve().parents[2]
OLD_FIGURES = {"grad_norms.png", "grad_heatmap.png", "history.png", "activations.png",
               "boundary.png"}  # what a run recorded before histograms.csv & co. gets
TOY = {"boundary.png", "boundary_epochs.png", "boundary.gif", "neurons.png"}
ALL_FIGURES = OLD_FIGURES | TOY | {"update_ratio.png", "histograms.png"}


def _images(html: str) -> list[bytes]:
    found = re.findall(r'src="data:image/(?:png|gif);base64,([^"]+)"', html)
    return [base64.b64decode(data) for data in found]


@pytest.mark.parametrize("kwargs, figures, says", [
    (dict(task="binary", activation="sigmoid", depth=6), ALL_FIGURES, "Decision boundary"),
    (dict(task="multiclass", activation="tanh"), ALL_FIGURES, "Decision boundary"),
    (dict(task="regression"), ALL_FIGURES - {"neurons.png", "boundary.gif"}, "Fitted function"),
    (dict(task="regression", dims=2, activation="elu"), ALL_FIGURES, "test MAE"),
    (dict(epochs=0), ALL_FIGURES - {"history.png", "update_ratio.png", "boundary_epochs.png",
                                    "boundary.gif"}, "No training epoch was recorded"),
    (dict(status="diverged", activation="sigmoid"),
     ALL_FIGURES - {"boundary.png", "boundary_epochs.png", "boundary.gif"},
     "diverged (a NaN appeared) at epoch 3, step 17"),
    (dict(status="failed"), ALL_FIGURES - TOY, "made-up failure"),
    (dict(activation="step"), ALL_FIGURES, "Gradient norms exactly 0 (25 grad_norm, 25 preact"),
    (dict(recorded="old"), OLD_FIGURES, "Distributions per layer: not drawn: no histograms.csv"),
    (dict(image=True), ALL_FIGURES | {"first_layer_weights.png"}, "First-layer weights"),
])
def test_build_report_embeds_one_image_per_png(tmp_path, kwargs, figures, says):
    run_dir = make_run(tmp_path / "run", **kwargs)
    path = build_report(run_dir)
    html = path.read_text()
    assert path == run_dir / "report.html"
    pngs = sorted([*run_dir.glob("*.png"), *run_dir.glob("*.gif")])
    assert {p.name for p in pngs} == figures
    assert html.count("<img ") == len(pngs)
    assert sorted(_images(html)) == sorted(p.read_bytes() for p in pngs)  # the same bytes, inline
    assert all(p.read_bytes()[:4] in (b"\x89PNG", b"GIF8") for p in pngs)
    assert says in html
    assert not re.search(r'(src|href)="(?!data:)', html), "a report must not load anything"
    assert "<pre>name: " in html  # the resolved config


def test_report_says_why_a_figure_is_missing(tmp_path):
    html = build_report(make_run(tmp_path / "run", epochs=0)).read_text()
    assert "Learning curves: not drawn: history.csv has no rows" in html


def test_report_of_a_run_killed_before_its_first_file(tmp_path):
    run_dir = make_run(tmp_path / "run")
    for name in ("summary.json", "layers.csv", "history.csv", "points.csv", "surface.csv",
                 "histograms.csv", "neurons.csv"):
        (run_dir / name).unlink()
    html = build_report(run_dir).read_text()
    assert "<img " not in html and not list(run_dir.glob("*.png"))
    assert "No summary.json" in html and "incomplete" in html
    assert "Gradient size per layer: not drawn" in html


def test_rebuilding_removes_a_figure_that_can_no_longer_be_drawn(tmp_path):
    run_dir = make_run(tmp_path / "run")
    build_report(run_dir)
    (run_dir / "surface.csv").write_text("x1,x2,pred\n")  # e.g. rewritten by a later, failed run
    html = build_report(run_dir).read_text()
    assert not (run_dir / "boundary.png").exists()
    assert not (run_dir / "boundary.gif").exists()
    assert html.count("<img ") == len(ALL_FIGURES - TOY) + 1  # neurons.csv is still there
    assert "Decision boundary: not drawn" in html


def test_vanishing_ratio_of_a_known_fake(tmp_path):
    # fake sigmoid: each layer's kernel gradient norm is 4x its predecessor's, exactly; a folder
    # from before grad_rms falls back to the norms
    old = make_run(tmp_path / "old", activation="sigmoid", depth=5, epochs=3, recorded="old")
    table = compare([old])
    assert table.loc[0, "vanishing_ratio_init"] == pytest.approx(4.0 ** -4)
    assert table.loc[0, "vanishing_ratio_final"] == pytest.approx(4.0 ** -4)
    # The size-fair ratio divides root mean squares: the first kernel (2 x 16) has 1/8 of the
    # weights of the last (16 x 16), so its RMS ratio is the norm ratio x sqrt(8).
    table = compare([make_run(tmp_path / "sig", activation="sigmoid", depth=5, epochs=3)])
    assert table.loc[0, "vanishing_ratio_init"] == pytest.approx(4.0 ** -4 * 8 ** 0.5)
    assert table.loc[0, "saturation_final"] == pytest.approx(0.05 + 0.25 * 3 / 5 + 0.2)


def test_vanishing_ratio_by_hand():
    rows = [(0, "hidden_1", 0.001), (0, "hidden_2", 0.01), (0, "hidden_10", 0.1),
            (0, "output", 1.0), (1, "hidden_1", 0.0), (1, "hidden_2", 0.5), (1, "hidden_10", 0.5),
            (1, "output", 1.0)]
    layers = pd.DataFrame([(e, name, "grad_norm", v) for e, name, v in rows],
                          columns=["epoch", "layer", "metric", "value"])
    assert vanishing_ratio(layers, 0) == pytest.approx(0.01)  # hidden_10 sorts after hidden_2
    assert math.isnan(vanishing_ratio(layers, 1))  # a zero norm
    assert math.isnan(vanishing_ratio(layers, 7))  # no such epoch
    one_layer = layers[layers["layer"].isin(["hidden_1", "output"])]
    assert math.isnan(vanishing_ratio(one_layer, 0))


def test_compare_labels_runs_by_what_differs(tmp_path):
    sig = make_run(tmp_path / "a", activation="sigmoid")
    relu = make_run(tmp_path / "b", activation="relu")
    assert compare([sig, relu])["label"].tolist() == ["activation=sigmoid", "activation=relu"]
    deep = make_run(tmp_path / "c", activation="relu", depth=8, seed=1)
    assert compare([sig, deep])["label"].tolist() == ["activation=sigmoid, depth=5, seed=0",
                                                      "activation=relu, depth=8, seed=1"]
    twin = make_run(tmp_path / "twin", activation="sigmoid")
    assert compare([sig, twin])["label"].tolist() == ["a", "twin"]  # nothing differs: folders
    # folder names as labels are cut to the part that differs, so legends stay short
    runs = [make_run(tmp_path / f"sigmoid-d8-s0-20250101-12000{i}", activation="sigmoid")
            for i in range(2)]
    assert compare(runs)["label"].tolist() == ["120000", "120001"]


def test_shorten_keeps_what_differs():
    assert shorten(["sigmoid-d8-s0-20250101-1200", "relu-d8-s0-20250101-1200"]) == [
        "sigmoid", "relu"]
    assert shorten(["run_a=1", "run_a=10"]) == ["1", "10"]
    assert shorten(["same", "same"]) == ["same", "same"]  # nothing to tell them apart by
    assert shorten(["abc", "abd"]) == ["abc", "abd"]  # one part each: kept whole


def test_run_labels_lengthen_ambiguous_keys():
    configs = [{"data": {"noise": 0.1}, "model": {"noise": 0.0, "use_bias": True}},
               {"data": {"noise": 0.2}, "model": {"noise": 0.0, "use_bias": False}},
               {"data": {"noise": 0.2}, "model": {"noise": 0.5}}]
    assert run_labels(configs) == ["data.noise=0.1, model.noise=0, use_bias=true",
                                   "data.noise=0.2, model.noise=0, use_bias=false",
                                   "data.noise=0.2, model.noise=0.5, use_bias=none"]


@pytest.mark.slow
def test_compare_table_and_report(tmp_path):
    dirs = [make_run(tmp_path / "sig", activation="sigmoid", depth=6),
            make_run(tmp_path / "relu", activation="relu", depth=6),
            make_run(tmp_path / "zero", activation="relu", depth=1, epochs=0)]
    table = compare(dirs, out=tmp_path / "cmp")
    assert list(table.columns) == [
        "label", "activation", "depth", "status", "epochs_run", "steered", "test_loss",
        "test_accuracy", "vanishing_ratio_init", "vanishing_ratio_final", "saturation_final",
        "dead_fraction_final", "dir"]
    assert math.isnan(table.loc[2, "vanishing_ratio_init"])  # one hidden layer
    assert table.loc[0, "vanishing_ratio_init"] < 1e-2 < table.loc[1, "vanishing_ratio_init"]
    written = pd.read_csv(tmp_path / "cmp" / "compare.csv")
    assert written["label"].tolist() == table["label"].tolist()
    html = (tmp_path / "cmp" / "report.html").read_text()
    pngs = sorted((tmp_path / "cmp").glob("*.png"))
    assert {p.name for p in pngs} == {
        "compare_grad_norms.png", "compare_grad_epochs.png", "compare_history.png",
        "compare_heatmaps.png", "compare_histograms.png", "compare_update_ratio.png"}
    assert sorted(_images(html)) == sorted(p.read_bytes() for p in pngs)
    assert "activation=sigmoid, depth=6" in html and "http" not in html


def test_compare_needs_runs(tmp_path):
    with pytest.raises(HarnessError, match="no run folders"):
        compare([])
    with pytest.raises(HarnessError, match="not a run folder"):
        compare([tmp_path])


def test_grouped_band_and_plot():
    rows = [(f"{act}{seed}", f"activation={act}", epoch, layer, "grad_norm", value * scale)
            for act, scale in [("sigmoid", 0.01), ("relu", 1.0)]
            for seed, value in enumerate([1.0, 10.0, 100.0])
            for epoch in (0, 2) for layer in ("hidden_1", "hidden_2", "output")]
    frame = pd.DataFrame(rows, columns=["run", "group", "epoch", "layer", "metric", "value"])
    band = group_band(frame[frame["layer"] == "hidden_1"], "epoch", "value", log=True)
    relu = band[band["group"] == "activation=relu"].iloc[0]
    assert (relu["mean"], relu["low"], relu["high"], relu["runs"]) == pytest.approx((10, 1, 100, 3))
    assert band["group"].iloc[0] == "activation=sigmoid"  # groups keep their first-seen order
    fig = plot_grouped_grad_norms(frame, band="std")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    mean_line = fig.axes[0].get_lines()[1]  # relu, at initialisation
    assert list(mean_line.get_ydata()) == pytest.approx([10, 10, 10])
    assert mean_line.get_color() == ACTIVATION_COLORS["relu"]
    history = frame.rename(columns={"value": "loss"})
    assert isinstance(plot_grouped_history(history, metrics=("loss",)), Figure)


def test_boundary_of_a_csv_file_in_units_far_apart_fills_its_axes(tmp_path):
    import numpy as np

    from harness.report.run.boundary import plot_decision_boundary

    def boundary(span1, span2, class_names=None, input_names=None):
        g1, g2 = np.meshgrid(np.linspace(0, span1, 5), np.linspace(0, span2, 5))
        surface = pd.DataFrame({"x1": g1.ravel(), "x2": g2.ravel(), "pred": 0.25})
        surface.loc[::2, "pred"] = 0.75
        points = pd.DataFrame({"split": ["train", "test"], "x1": [0.0, span1],
                               "x2": [0.0, span2], "y": [0, 1]})
        fig = plot_decision_boundary(points, surface, "binary", "relu", class_names,
                                     input_names)
        return fig.axes[0]

    assert boundary(2.0, 2.0).get_aspect() == 1.0  # toys: a circle stays round
    # age in years against income in dollars: an equal aspect squeezed the plane to a line
    wide = boundary(60.0, 90_000.0, ("no", "yes"), ("age", "income"))
    assert wide.get_aspect() == "auto"
    assert (wide.get_xlabel(), wide.get_ylabel()) == ("age", "income")  # the file's columns
    assert wide.get_legend().get_title().get_text() == "no (orange) / yes (blue)"


def test_a_group_missing_from_a_panel_keeps_its_own_line_style():
    # sigmoid's gradients are exactly 0 after training (a log axis drops them): relu, drawn
    # alone in the right panel, must keep the dashes and squares its legend entry shows.
    rows = [(act, f"activation={act}", epoch, layer, "grad_norm",
             0.0 if (act, epoch) == ("sigmoid", 2) else 1.0)
            for act in ("sigmoid", "relu") for epoch in (0, 2)
            for layer in ("hidden_1", "hidden_2", "output")]
    frame = pd.DataFrame(rows, columns=["run", "group", "epoch", "layer", "metric", "value"])
    fig = plot_grouped_grad_norms(frame)
    init, final = (ax.get_lines() for ax in fig.axes)
    assert [line.get_color() for line in final] == [ACTIVATION_COLORS["relu"]]
    assert (final[0].get_linestyle(), final[0].get_marker()) == (
        init[1].get_linestyle(), init[1].get_marker()) == ("--", "s")


def test_training_and_validation_panels_share_their_y_axis():
    # The generalisation gap is read across a metric's two panels: train 0.95 against val 0.75.
    history = pd.DataFrame({"run": "r", "group": "g", "epoch": [1, 2], "loss": [0.5, 0.1],
                            "val_loss": [0.6, 2.0], "accuracy": [0.8, 0.95],
                            "val_accuracy": [0.7, 0.75]})
    fig = plot_grouped_history(history, metrics=("loss", "val_loss", "accuracy", "val_accuracy"))
    loss, val_loss, accuracy, val_accuracy = fig.axes
    assert [ax.get_title() for ax in fig.axes] == ["loss", "val_loss", "accuracy",
                                                   "val_accuracy"]
    assert loss.get_ylim() == val_loss.get_ylim() and loss.get_ylim()[1] >= 2.0
    assert accuracy.get_ylim() == val_accuracy.get_ylim() != loss.get_ylim()


def test_long_learning_curves_thin_their_markers():
    def markevery(epochs):
        history = pd.DataFrame({"run": "r", "group": "g", "epoch": range(1, epochs + 1),
                                "loss": 1.0})
        [line] = plot_grouped_history(history, metrics=("loss",)).axes[0].get_lines()
        return line.get_markevery()

    assert markevery(20) is None  # a marker on every epoch
    assert markevery(200) == 10  # 20 markers: 200 overlapping ones hid the lines


def test_activation_colours_are_fixed_and_distinct():
    assert len(set(ACTIVATION_COLORS.values())) == len(ACTIVATION_COLORS)
    assert activation_color("SiLU") == ACTIVATION_COLORS["swish"]
    assert activation_color("mish") == activation_color("mish")
    assert activation_color("mish") not in ACTIVATION_COLORS.values()


def test_import_does_not_load_tensorflow():
    code = ("import importlib, pkgutil, sys, harness.report; "
            "[importlib.import_module(m.name) for m in "
            "pkgutil.walk_packages(harness.report.__path__, 'harness.report.')]; "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def _chromium_dom(html_path: Path, profile: Path) -> str:
    command = [shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
               "--virtual-time-budget=5000", "--dump-dom", html_path.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="no `chromium` binary on PATH (Debian: apt-get install -y chromium)")
def test_report_renders_in_headless_chromium(tmp_path):
    html_path = build_report(make_run(tmp_path / "run", activation="sigmoid", depth=6))
    # The page's own load script writes the verdict into <body data-images-ok="N/M" ...>.
    body = re.search(r"<body[^>]*>", _chromium_dom(html_path, tmp_path / "profile")).group(0)
    assert f'data-images-ok="{len(ALL_FIGURES)}/{len(ALL_FIGURES)}"' in body
    assert int(re.search(r'data-text-chars="(\d+)"', body).group(1)) > 1000  # not a blank page

    # The check can fail: corrupt one embedded PNG and the verdict drops.
    broken = tmp_path / "broken.html"
    not_a_png = re.sub(r"base64,[^\"]{40}", "base64,bm90IGEgcG5n", html_path.read_text(), count=1)
    broken.write_text(not_a_png)
    body = re.search(r"<body[^>]*>", _chromium_dom(broken, tmp_path / "profile")).group(0)
    assert f'data-images-ok="{len(ALL_FIGURES) - 1}/{len(ALL_FIGURES)}"' in body


def test_softmax_head_on_two_classes_draws_the_boundary_and_cli_rebuilds_it(tmp_path):
    # surface.csv holds pred_0, pred_1 (no `pred`): this used to be KeyError: 'pred'
    run_dir = make_run(tmp_path / "run", task="binary", head="softmax")
    assert "pred" not in pd.read_csv(run_dir / "surface.csv").columns
    done = cli("report", run_dir)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    html = (run_dir / "report.html").read_text()
    assert {"boundary.png", "boundary_epochs.png", "boundary.gif"} <= {
        p.name for p in run_dir.iterdir()}
    assert "Decision boundary: not drawn" not in html


@pytest.mark.slow
def test_report_is_built_from_the_files_alone_without_tensorflow(tmp_path):
    run_dir = make_run(tmp_path / "run", activation="sigmoid", image=True)
    code = ("import sys; from harness.report.html import build_report; "
            f"build_report({str(run_dir)!r}); "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    assert (run_dir / "first_layer_weights.png").is_file()


def test_gif_has_one_frame_per_logged_epoch(tmp_path):
    from PIL import Image

    run_dir = make_run(tmp_path / "run", epochs=6)
    build_report(run_dir)
    epochs = pd.read_csv(run_dir / "surface.csv")["epoch"].nunique()
    with Image.open(run_dir / "boundary.gif") as gif:
        assert gif.n_frames == epochs == 3  # 0, the middle and the last epoch


@pytest.mark.slow
def test_verdict_and_captions_follow_the_data(tmp_path):
    chance = build_report(make_run(tmp_path / "chance", activation="sigmoid", depth=6,
                                   learned=False)).read_text()
    assert 'class="status chance">did not learn (chance level)<' in chance
    assert "chance level: accuracy 0.5, loss 0.693" in chance
    assert "Adam, which rescales each weight" in chance  # the fake trains with adam

    # The fake sigmoid's spread shrinks 0.7x per layer (0.7**5 -> 6x over 6 layers)
    assert "shrinks 5.95x and the run did not learn: the signal dies" in chance
    learned = build_report(make_run(tmp_path / "learned", activation="sigmoid", depth=6,
                                    learned=True, optimizer="sgd")).read_text()
    assert "signal dies" not in learned and "yet the run learned" in learned
    assert 'class="status completed">completed<' in learned
    assert "rescales each weight" not in learned  # plain SGD
    unknown = build_report(make_run(tmp_path / "old", recorded="old")).read_text()
    assert 'class="status completed">completed<' in unknown  # no `learned` key: no verdict


def test_activation_panel_keeps_the_head_apart_and_labels_mixed_layers():
    from harness.report.run.health import plot_activation_stats

    rows = [(e, layer, m, v) for e in (0, 1)
            for layer, v in [("hidden_1", 0.1), ("hidden_2", 0.2), ("output", 0.9)]
            for m in ("saturation", "act_std")]
    layers = pd.DataFrame(rows, columns=["epoch", "layer", "metric", "value"])
    fig = plot_activation_stats(layers, "relu+sigmoid", activations=["relu", "sigmoid"],
                                head="softmax")
    ax = fig.axes[0]
    hidden = [line for line in ax.get_lines() if line.get_label().startswith("hidden")]
    assert [list(line.get_ydata()) for line in hidden] == [[0.1, 0.2], [0.1, 0.2]]
    head = [line for line in ax.get_lines() if "head" in line.get_label()]
    assert head and all(list(line.get_ydata()) == [0.9] for line in head)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1\nrelu", "2\nsigmoid", "head"]
    assert fig.axes[1].get_yscale() == "log"  # the spread: one rule for every run


def test_new_figures_skip_with_a_reason_on_old_folders(tmp_path):
    html = build_report(make_run(tmp_path / "old", recorded="old")).read_text()
    for says in ["Update-to-weight ratio: not drawn: layers.csv has no `update_ratio`",
                 "Every hidden unit: not drawn: no neurons.csv",
                 "The boundary during training: not drawn: surface.csv has no epoch column"]:
        assert says in html
    assert "Right: the mean slope" not in html  # no act_deriv_mean recorded


def test_neurons_say_when_wide_layers_are_capped(tmp_path):
    from harness.report.run.playground import plot_neurons

    neurons = pd.read_csv(make_run(tmp_path / "run", width=16) / "neurons.csv")
    fig = plot_neurons(neurons, {f"hidden_{k}": 16 for k in range(1, 6)})
    texts = " ".join(t.get_text() for t in [*fig.texts, *fig.axes[0].texts])
    assert "8 of 16" in texts and "capped: only the first 8 units" in texts
    narrow = plot_neurons(neurons, {f"hidden_{k}": 8 for k in range(1, 6)})
    assert "capped" not in " ".join(t.get_text() for t in narrow.texts)


@pytest.mark.parametrize("layers", [1, 3, 8])
def test_neurons_title_and_note_fit_on_the_figure(layers):
    import numpy as np

    from harness.report.run.playground import plot_neurons

    axis = np.linspace(-1.0, 1.0, 4)
    x1, x2 = (g.ravel() for g in np.meshgrid(axis, axis))
    neurons = pd.concat([pd.DataFrame({"epoch": 1, "layer": f"hidden_{k}", "unit": u, "x1": x1,
                                       "x2": x2, "value": x1 * u})
                         for k in range(1, layers + 1) for u in range(8)])
    fig = plot_neurons(neurons, {f"hidden_{k}": 16 for k in range(1, layers + 1)})
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    width = fig.bbox.width
    for text in fig.texts:  # the title (it lost its ends on a 3-layer network) and the note
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= width, (text.get_text(), box, width)
    tiles = fig.axes[0].get_window_extent(renderer)
    assert tiles.width / tiles.height == pytest.approx(layers / 8, rel=0.05)  # square tiles


def test_neurons_are_drawn_smoothly_from_a_coarse_grid():
    import numpy as np

    from harness.report.run.playground import NEURON_PIXELS, plot_neurons

    axis = np.linspace(-1.0, 1.0, 10)
    x1, x2 = (g.ravel() for g in np.meshgrid(axis, axis))
    neurons = pd.DataFrame({"epoch": 5, "layer": "hidden_1", "unit": 0, "x1": x1, "x2": x2,
                            "value": np.maximum(x1 + 0.5 * x2, 0)})  # a ReLU unit's ramp
    mosaic = plot_neurons(neurons).axes[0].get_images()[0].get_array()
    tile = np.asarray(mosaic)[:NEURON_PIXELS, :NEURON_PIXELS]
    assert mosaic.shape[:2] == (NEURON_PIXELS + NEURON_PIXELS // 6,) * 2
    row = tile[NEURON_PIXELS // 2]  # (pixels, rgb) along x1
    assert len({tuple(c) for c in row.round(4)}) > 20  # shades between the 10 grid columns
    blue = row[:, 2] - row[:, 0]  # the ramp rises left to right, with no orange (< 0) in it
    assert (np.diff(blue) >= -1e-9).all() and blue[-1] > blue[0] >= -1e-9


def test_readers_put_back_the_empty_bins_histograms_csv_leaves_out():
    import numpy as np

    from harness.base.frames import full_bins
    from harness.report.run.distributions import _histograms

    edges = np.linspace(-0.3, 0.3, 7)  # 0.0 is an edge (and must not come back as 1e-17)
    full = pd.DataFrame({"epoch": 0, "layer": "hidden_1", "quantity": "preactivation",
                         "scale": "linear", "bin_left": [float(f"{e:.10g}") for e in edges[:-1]],
                         "bin_right": [float(f"{e:.10g}") for e in edges[1:]],
                         "count": [0, 3, 0, 0, 0, 4]})
    logs = pd.DataFrame({"epoch": 0, "layer": "hidden_1", "quantity": "kernel_grad",
                         "scale": "log10_abs", "bin_left": np.arange(-12, 2, 0.25),
                         "bin_right": np.arange(-11.75, 2.25, 0.25), "count": 0})
    logs.loc[[0, 30], "count"] = [7, 2]
    stacked = pd.concat([full.assign(run="a"), logs.assign(run="a"), full.assign(run="b")],
                        ignore_index=True)
    written = stacked[(stacked["count"] > 0) | stacked.index.isin([0, 5, 6, 61, 62, 67])]
    restored = full_bins(written.iloc[::-1])  # any order in, bins ascending out
    pd.testing.assert_frame_equal(restored, stacked.iloc[[*range(62, 68), *range(6, 62),
                                                          *range(6)]].reset_index(drop=True))
    pd.testing.assert_frame_equal(full_bins(stacked), stacked)  # a file with every bin
    uneven = full.iloc[[0, 1, 5]].assign(bin_right=[-0.2, 0.25, 0.3])  # not equal widths
    pd.testing.assert_frame_equal(full_bins(uneven), uneven.reset_index(drop=True))
    drawn = _histograms(written[written["run"] == "a"].drop(columns="run"))
    edges_read, counts, scale = drawn[("preactivation", "hidden_1", 0)]
    assert list(edges_read) == [-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3] and scale == "linear"
    assert list(counts) == [0, 3, 0, 0, 0, 4]
    edges_read, counts, _ = drawn[("kernel_grad", "hidden_1", 0)]
    assert list(edges_read) == list(np.arange(-12, 2.25, 0.25)) and counts.sum() == 9


def test_compare_heatmaps_share_one_colour_scale(tmp_path):
    from harness.report.compare.layers import plot_compare_heatmaps
    from harness.report.compare.plots import run_styles

    runs = {"sigmoid": make_run(tmp_path / "s", activation="sigmoid", depth=6),
            "relu": make_run(tmp_path / "r", activation="relu", depth=6)}
    layers = pd.concat([pd.read_csv(d / "layers.csv").assign(run=k) for k, d in runs.items()])
    fig = plot_compare_heatmaps(layers, run_styles(list(runs), list(runs)))
    panels = [ax for ax in fig.axes if ax.get_title() in runs]  # not the colour bar
    meshes = [ax.collections[0] for ax in panels]
    assert len(meshes) == 2 and len(fig.axes) == 3  # two panels, ONE colour bar
    assert len({(m.norm.vmin, m.norm.vmax) for m in meshes}) == 1  # one scale
    low = layers.loc[layers["metric"] == "grad_rms", "value"].min()
    assert meshes[0].norm.vmin == pytest.approx(low)  # the sigmoid's smallest sets it


def test_chance_levels_from_summary_or_points(tmp_path):
    from harness.report.compare.runs import chance_levels
    from harness.rundir.run import load_run

    recorded = load_run(make_run(tmp_path / "a", learned=True))
    assert chance_levels(recorded) == {"accuracy": 0.5, "loss": pytest.approx(math.log(2))}
    run = load_run(make_run(tmp_path / "b"))
    test = pd.read_csv(run.dir / "points.csv").query("split == 'test'")["y"]
    share = test.mean()
    assert chance_levels(run)["accuracy"] == pytest.approx(max(share, 1 - share))
    assert chance_levels(load_run(make_run(tmp_path / "c", task="regression"))) == {}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="no `chromium` binary on PATH (Debian: apt-get install -y chromium)")
def test_compare_report_renders_in_headless_chromium(tmp_path):
    dirs = [make_run(tmp_path / "sig", activation="sigmoid", depth=6),
            make_run(tmp_path / "relu", activation="relu", depth=6)]
    compare(dirs, out=tmp_path / "cmp")
    body = re.search(r"<body[^>]*>",
                     _chromium_dom(tmp_path / "cmp" / "report.html", tmp_path / "profile")).group(0)
    assert 'data-images-ok="6/6"' in body


def test_sweep_table_uses_the_figures_geometric_mean_for_ratios():
    from harness.sweeps.report import _summary_view
    from harness.sweeps.tables import summary_frame

    runs = pd.DataFrame({"model.activation": ["sigmoid", "sigmoid", "relu"], "seed": [0, 1, 0],
                         "status": ["completed"] * 3,
                         "vanishing_ratio_init": [1e-4, 1e-2, 0.5],
                         "saturation_final": [0.2, 0.4, 0.0]})
    summary = summary_frame(runs, ["model.activation"])
    view = _summary_view(summary, ["model.activation"])
    # log10 values -4 and -2: mean -3, sample sd sqrt(2) -> 10 ** 1.414 = 26; not the plain 0.005
    assert view["vanishing_ratio_init"].tolist() == ["0.001 ×\u2060/\u2060÷\u00a026", "0.5"]
    # summary.csv holds the same numbers, beside the plain mean (issue 18: the README quoted the
    # page's 0.16 while its recipe pivoted the arithmetic mean, 0.25)
    assert summary["vanishing_ratio_init_gmean"].tolist() == pytest.approx([1e-3, 0.5])
    assert summary["vanishing_ratio_init_gsd"][0] == pytest.approx(10 ** math.sqrt(2))
    assert summary["vanishing_ratio_init_mean"][0] == pytest.approx(0.00505)
    assert "saturation_final_gmean" not in summary  # a share, not a ratio
    assert view["saturation_final"].tolist()[0] == "0.300 ±\u00a00.141"  # arithmetic


def test_compare_legend_fits_inside_the_figure_with_long_labels(tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from harness.report.compare.plots import plot_compare_grad_norms, run_styles

    labels = [f"activation={a}, noise=0.{i}, depth=6, width=3{i}, optimizer=adam, "
              f"learning_rate=0.00{i + 1}, seed={i}" for i, a in enumerate(["sigmoid", "relu",
                                                                             "tanh", "elu"])]
    layers = pd.concat([pd.read_csv(make_run(tmp_path / f"r{i}") / "layers.csv").assign(run=lab)
                        for i, lab in enumerate(labels)])
    fig = plot_compare_grad_norms(layers, run_styles(["sigmoid", "relu", "tanh", "elu"], labels))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    box = fig.legends[0].get_window_extent(canvas.get_renderer())
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width + 1  # not clipped at either side
