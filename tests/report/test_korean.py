"""Korean reports (issue 26): every figure, caption, verdict and page in Korean with `--lang ko`,
drawn with the NanumGothic file of the `koreanize-matplotlib` package, no glyph missing, and no
string left in English. Made-up run folders (tests/helpers/fake_runs.py): no training."""

import html as html_text
import logging
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from commands import cli
from fake_runs import make_run
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from test_figure_table import RUNS  # a toy, a conv, a recurrent and an old run's folders
from tiny import experiment

from harness.errors import HarnessError
from harness.report.compare.runs import compare
from harness.report.draw.png import build_figure, save_figure
from harness.report.html import build_report
from harness.report.lang import catalog, ko_models, ko_pages, ko_run
from harness.report.lang.catalog import looks_english, translate, untranslated
from harness.report.lang.font import HANGUL, font_rc, korean_font_path, register_korean_font
from harness.report.lang.setting import ENV, current, using
from harness.rundir.run import load_run
from harness.sweeps.experiment import load_experiment
from harness.sweeps.report import write_report
from harness.sweeps.tables import run_row, runs_frame, summary_frame

KINDS = {**RUNS,
         "multiclass": lambda d: make_run(d, task="multiclass", activation="tanh"),
         "diverged": lambda d: make_run(d, status="diverged", optimizer="sgd"),
         "interrupted": lambda d: make_run(d, status="interrupted", activation="step"),
         "failed": lambda d: make_run(d, status="failed"),
         "chance": lambda d: make_run(d, activation="sigmoid", learned=False, head="softmax")}
VERBATIM = re.compile(r"<(code|pre|script|style)\b.*?</\1>", re.DOTALL)


def _glyph_warnings(records) -> list[str]:
    return [str(r.message) for r in records if "Glyph" in str(r.message)]


def _korean_figure() -> Figure:
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.plot([-2.0, 1.0], [-3.0, 2.0])
    ax.set_title("층별 기울기 크기: 기울기 소실 (vanishing gradient)", fontweight="bold")
    ax.set_xlabel("은닉층 (1 = 입력 쪽)")
    return fig


def test_the_korean_font_is_nanumgothic_from_the_package_and_has_every_hangul_it_draws():
    path = korean_font_path()
    assert path.parent.parent.name == "koreanize_matplotlib" and path.name == "NanumGothic.ttf"
    register_korean_font()
    found = font_manager.findfont(font_manager.FontProperties(family="NanumGothic"),
                                  fallback_to_default=False)
    assert Path(found) == path  # the font matplotlib uses is the package's file, no system font
    bold = font_manager.findfont(font_manager.FontProperties(family="NanumGothic",
                                                             weight="bold"))
    assert Path(bold).name == "NanumGothicBold.ttf"
    charmap = FT2Font(str(path)).get_charmap()
    tables = {**ko_run.KO, **ko_models.KO, **ko_pages.KO}
    hangul = set(HANGUL.findall("".join(tables.values())))
    assert hangul and not {c for c in hangul if ord(c) not in charmap}
    # NanumGothic has no U+2212 (matplotlib #15062): the minus comes from DejaVu Sans, first
    assert 0x2212 not in charmap
    latin = FT2Font(font_manager.findfont(font_rc("ko")["font.family"][0]))
    assert 0x2212 in latin.get_charmap() and font_rc("ko")["axes.unicode_minus"]


def test_a_korean_figure_draws_every_glyph_and_the_minus_sign(tmp_path, caplog):
    with using("ko"), warnings.catch_warnings(record=True) as records, \
            caplog.at_level(logging.WARNING, logger="matplotlib"):
        warnings.simplefilter("always")
        fig = build_figure(_korean_figure)
        save_figure(tmp_path / "ko.png", fig)
    assert not _glyph_warnings(records) and not caplog.records, caplog.text
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any(t.startswith("\u2212") for t in ticks)  # a true minus sign, drawn
    # without the Korean font, the same figure loses its Hangul: the check above can fail
    with using("en"), warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        save_figure(tmp_path / "en.png", build_figure(_korean_figure))
    assert _glyph_warnings(records)


@pytest.mark.parametrize("kind", [
    kind if kind in ("toy", "conv", "recurrent") else pytest.param(kind, marks=pytest.mark.slow)
    for kind in KINDS])  # ~5-15 s a report on 2 shared cores: the three kinds of net run always
def test_a_korean_run_report_leaves_no_string_in_english(tmp_path, kind):
    run_dir = KINDS[kind](tmp_path / "run")
    with untranslated() as missing:
        path = build_report(run_dir, lang="ko")
    assert not missing, _missing_message(missing)
    _page_is_korean(path)


@pytest.mark.slow
def test_a_korean_comparison_and_sweep_leave_no_string_in_english(tmp_path):
    runs = [KINDS[k](tmp_path / k) for k in ("toy", "conv", "recurrent", "multiclass")]
    with untranslated() as missing:
        table = compare(runs, out=tmp_path / "compare", lang="ko")
        pages = [table.attrs["report"]]
        for grid in ({"model.activation": ["sigmoid", "relu"], "model.depth": [2, 3]},
                     {"model.activation": ["sigmoid", "relu"], "train.optimizer": ["adam", "sgd"]}):
            with using("ko"):
                pages.append(_fake_sweep(tmp_path / f"sweep{len(pages)}", grid))
    assert not missing, _missing_message(missing)
    for path in pages:
        _page_is_korean(path)


def _fake_sweep(folder: Path, grid: dict) -> Path:
    """A sweep's page over made-up run folders in its layout (as tests/sweeps does)."""
    exp = load_experiment(experiment(folder, grid, seeds=[0]))
    out = folder / "out"
    loaded = {p.folder: load_run(make_run(
        out / p.folder, activation=p.labels.get("model.activation", "relu"),
        depth=int(p.labels.get("model.depth", 3)), seed=p.seed)) for p in exp.points}
    runs = runs_frame([run_row(p, loaded[p.folder], None, out / p.folder) for p in exp.points])
    return write_report(out, exp, runs, summary_frame(runs, list(exp.grid)), loaded)


def _page_is_korean(path: Path) -> None:
    """Every text a reader sees on the page (outside code) is Korean or a name; the page carries
    the Hangul font it needs."""
    text = path.read_text()
    assert text.startswith('<!doctype html>\n<html lang="ko">')
    assert '@font-face { font-family: "NanumGothic (harness)"' in text
    shown = VERBATIM.sub(" ", text)
    pieces = [html_text.unescape(p).strip() for p in re.split(r"<[^>]*>", shown)]
    english = [p for p in pieces if p and looks_english(p) and not HANGUL.search(p)]
    assert not english, english


def _missing_message(missing: set) -> str:
    lines = "\n".join(f"    {s!r}: ''," for s in sorted(missing))
    return (f"{len(missing)} string(s) a Korean page shows in English; add them to "
            f"harness/report/lang/ko_*.py:\n{lines}")


def test_english_pages_are_untouched_and_the_lessons_can_draw_korean_elsewhere(tmp_path):
    run_dir = make_run(tmp_path / "run", activation="sigmoid")
    english = build_report(run_dir)
    text = english.read_text()
    assert '<html lang="en">' in text and not HANGUL.search(text) and "@font-face" not in text
    before = {p.name: p.stat().st_mtime_ns for p in run_dir.iterdir()}
    korean = build_report(run_dir, lang="ko", out_dir=tmp_path / "ko")
    assert korean == tmp_path / "ko" / "report.html" and "기울기 소실" in korean.read_text()
    assert {p.name for p in (tmp_path / "ko").glob("*.png")} == {
        p.name for p in run_dir.glob("*.png")}
    assert {p.name: p.stat().st_mtime_ns for p in run_dir.iterdir()} == before


def test_the_setting_is_the_environment_variable_and_lang_wins(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    assert current() == "en" and translate("Learning curves") == "Learning curves"
    monkeypatch.setenv(ENV, "ko")
    assert current() == "ko" and translate("Learning curves") == "학습 곡선"
    with using("en"):
        assert translate("Learning curves") == "Learning curves"
    monkeypatch.setenv(ENV, "kr")
    with pytest.raises(HarnessError, match="HARNESS_LANG: unknown language 'kr'; choose one of"):
        current()


def test_placeholders_take_numbers_and_translated_parts():
    with using("ko"):
        assert translate("Saturation: at epoch 4, layer 7 has 28% of its outputs in the flat "
                         "tails, where the derivative is near 0 and little gradient passes."
                         ).startswith("포화: 에포크 4에서 7층 출력의 28%가")
        assert translate("Learning curves, depth=10") == "학습 곡선, depth=10"
        assert translate("Dotted: chance level: accuracy 0.5, loss 0.69.") == \
            "점선: 우연 수준: 정확도 0.5, 손실 0.69."
        assert translate("hidden_3") == "hidden_3"  # names stay as the code writes them


def test_the_tables_repeat_no_key_and_keep_every_placeholder():
    tables = [ko_run.KO, ko_models.KO, ko_pages.KO]
    keys = [k for t in tables for k in t]
    assert len(keys) == len(set(keys))
    for table in tables:
        for english, korean in table.items():  # each computed part shown, none made up
            fields = set(re.findall(r"\{\w+\}", english))
            assert fields == set(re.findall(r"\{\w+\}", korean)), english
            assert HANGUL.search(korean) or fields, english
    assert catalog.TABLES["ko"] == {k: v for t in tables for k, v in t.items()}


def test_report_lang_ko_from_the_command_line_and_a_wrong_setting_is_one_error_line(
        tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)  # the command sets it for what it starts; put it back
    run_dir = make_run(tmp_path / "run")
    done = cli("report", run_dir, "--lang", "ko")
    assert done.returncode == 0, done.stderr
    assert '<html lang="ko">' in (run_dir / "report.html").read_text()
    monkeypatch.setenv(ENV, "kr")
    bad = cli("report", run_dir)
    assert bad.returncode == 2 and bad.stderr.startswith("error: HARNESS_LANG: unknown language")
    assert len(bad.stderr.splitlines()) == 1
    wrong = cli("compare", run_dir, "--lang", "kr", "--out", tmp_path / "c")
    assert wrong.returncode == 2 and "invalid choice: 'kr'" in wrong.stderr


PROBE = """<script>
document.fonts.ready.then(function () {
  // the page's first heading ("요약"), as laid out when the page loaded, and a copy of it drawn
  // in the carried font alone, and in the system's monospace font (no Hangul: empty boxes)
  var heading = document.querySelector("h2");
  function width(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    return range.getBoundingClientRect().width.toFixed(1);
  }
  function copy(family) {
    var h = document.createElement("h2");
    h.style.fontFamily = family;
    h.textContent = heading.textContent;
    document.body.appendChild(h);
    return width(h);
  }
  document.body.dataset.hangul = [heading.textContent, width(heading),
                                  copy('"NanumGothic (harness)"'), copy("monospace")].join("/");
});
</script></body>"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="no `chromium` binary on PATH (Debian: apt-get install -y chromium)")
def test_a_korean_page_shows_hangul_in_chromium_with_the_font_it_carries(tmp_path):
    path = build_report(make_run(tmp_path / "run", activation="sigmoid"), lang="ko")
    probed = tmp_path / "probed.html"
    probed.write_text(path.read_text().replace("</body>", PROBE, 1))
    command = [shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu",
               "--no-first-run", "--disable-background-networking", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000",
               "--dump-dom", probed.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    text, page, carried, system = re.search(r'data-hangul="([^"]+)"', done.stdout).group(1).split(
        "/")
    # a heading's Hangul is drawn with the font the page carries, not the system's empty boxes
    assert text == "요약" and page == carried != system


def test_a_run_in_a_notebook_shows_itself_in_korean(tmp_path, monkeypatch):
    from harness.report.notebook import run_html

    run = load_run(make_run(tmp_path / "run", activation="sigmoid"))
    monkeypatch.setenv(ENV, "ko")  # `%env HARNESS_LANG=ko`
    with untranslated() as missing:
        shown = run_html(run)
    assert not missing, _missing_message(missing)
    assert "학습 실패" in shown or "완료" in shown
    assert shown.count("<img ") == 2


REAL = {  # tiny real runs of the three kinds of net (as tests/models trains them), 1 epoch each
    "dense": {"data": {"name": "circles", "n_samples": 200},
              "model": {"depth": 3, "width": 4, "activation": "sigmoid"}, "train": {"epochs": 1}},
    "conv": {"data": {"name": "digits", "n_samples": 200},
             "model": {"type": "conv", "depth": 3, "filters": 4, "activation": "sigmoid",
                       "head": "softmax", "pool": [2]},
             "train": {"epochs": 1, "batch_size": 32, "loss": "sparse_categorical_crossentropy"}},
    "recurrent": {"data": {"name": "adding", "length": 10, "n_samples": 200},
                  "model": {"type": "recurrent", "cell": "lstm", "width": 8, "depth": 1,
                            "head": "identity"},
                  "train": {"loss": "mse", "batch_size": 32, "epochs": 1}},
}


@pytest.mark.slow
def test_real_runs_and_their_comparison_in_korean_leave_no_string_in_english(tmp_path):
    from harness.training.runner import run

    dirs = [run({"name": kind, **config}, out=tmp_path / kind, verbose=0, report=False).dir
            for kind, config in REAL.items()]
    with untranslated() as missing:
        pages = [build_report(d, lang="ko") for d in dirs]
        pages.append(compare(dirs, out=tmp_path / "compare", lang="ko").attrs["report"])
    assert not missing, _missing_message(missing)
    for path in pages:
        _page_is_korean(path)
