"""`harness lessons build` on a tiny lesson tree, both languages: the pages carry the runs' numbers
and figures, a number outside its band or without one fails the build, links and the Hangul font
hold. The runs are trained once per module (a tiny config and a two-run sweep)."""

import base64
import io
import json
import re

import pytest
from browser import broken_links
from commands import cli
from lesson_tree import LESSON, TEXTS, make_source, write_lesson

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")

from harness.errors import ConfigError  # noqa: E402
from harness.lessons.glue import format_number  # noqa: E402
from harness.lessons.site import build_site  # noqa: E402

HANGUL = re.compile(r"[\uac00-\ud7af]")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(root, results, out, Built) of a first build of the tiny tree."""
    root = make_source(tmp_path_factory.mktemp("lessons"))
    results, out = root / "results", root / "site"
    built = build_site(root, out, results=results, log=None)
    return root, results, out, built


def test_both_languages_build_with_the_runs_numbers_and_figures(site):
    root, results, out, built = site
    assert built.problems == []
    assert built.pages == {"en": ["tiny"], "ko": ["tiny"]}
    accuracy = json.loads((results / "tiny" / "lesson" / "summary.json").read_text())[
        "test_accuracy"]
    for lang in ("en", "ko"):
        page = (out / lang / "01_tiny.html").read_text(encoding="utf-8")
        assert f">{format_number(accuracy)}</abbr>" in page
        assert "expect &gt;= 0" in page  # the band is the number's hover text
        assert len(re.findall(r"<img ", page)) == 3
        for src in re.findall(r'<img [^>]*src="([^"]+)"', page):
            assert (out / lang / src).stat().st_size > 1000, src
        assert "harness 0." in page or "harness {" not in page  # the measured-on line
        assert "TensorFlow" in page
    ko = (out / "ko" / "01_tiny.html").read_text(encoding="utf-8")
    assert "작은 강의" in ko and "측정한 값입니다" in ko
    assert 'href="../en/01_tiny.html"' in ko  # each page links the other language's
    assert (out / "index.html").is_file()


def test_a_korean_page_shows_the_runs_figures_drawn_in_korean(site):
    root, results, out, _ = site
    pages = {lang: (out / lang / "01_tiny.html").read_text(encoding="utf-8")
             for lang in ("en", "ko")}
    images = {lang: re.findall(r'<img [^>]*src="([^"]+)"', page) for lang, page in pages.items()}
    runs = [(en, ko) for en, ko in zip(images["en"], images["ko"])
            if not en.rsplit("/", 1)[-1].startswith("sweep_")]
    assert runs  # the tiny lesson shows a run's figure
    for en, ko in runs:  # the same figure, its words in Korean; the run folder keeps English
        assert (out / "en" / en).read_bytes() != (out / "ko" / ko).read_bytes(), ko
    assert not list(results.rglob("*/.drawn"))


def test_a_number_outside_its_band_fails_the_build_and_names_the_line(site):
    root, results, out, _ = site
    path = root / "lessons" / "en" / "01_tiny.md"
    good = path.read_text(encoding="utf-8")
    try:  # the sweep's sigmoid cell measures an accuracy in [0, 1]; a band it cannot meet:
        path.write_text(good.replace('[">= 0", "<= 1"]', '">= 1.5"'), encoding="utf-8")
        built = build_site(root, out, langs=["en"], results=results, log=None)
        assert len(built.problems) == 1, built.problems
        problem = built.problems[0]
        assert problem.startswith(f"{path}:") and "outside its expect: band (>= 1.5)" in problem
        assert not (out / ".doctrees" / "en").exists()  # the next build rereads every page
    finally:
        path.write_text(good, encoding="utf-8")
    assert build_site(root, out, langs=["en"], results=results, log=None).problems == []


def test_a_number_without_a_band_fails_the_build(site):
    root, results, out, _ = site
    text = LESSON.format(**TEXTS["en"]) + "\nLoss: {harness}`tiny:test_loss`.\n"
    path = write_lesson(root, "en", text, "02_extra.md")
    try:
        built = build_site(root, out, langs=["en"], only=["extra"], results=results, log=None)
    finally:
        path.unlink()
    assert any("test_loss has no expect: band" in p for p in built.problems), built.problems


def test_the_cli_exits_1_with_error_lines_and_2_on_an_unknown_lesson(site):
    root, results, out, _ = site
    path = root / "lessons" / "en" / "01_tiny.md"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("study:sweep_grad_norms.png", "study:nope.png"),
                    encoding="utf-8")
    try:
        done = cli("lessons", "build", "--lang", "en", "--source", root, "--out", out,
                   "--results", results)
    finally:
        path.write_text(good, encoding="utf-8")
    assert done.returncode == 1
    assert "error: " in done.stderr and "has no nope.png; it has sweep_grad_norms.png" in (
        done.stderr)
    assert "lessons: FAILED" in done.stdout
    with pytest.raises(ConfigError, match="the lessons are tiny"):
        build_site(root, out, only=["nope"], results=results, log=None)


def test_no_internal_link_is_broken_and_nothing_is_fetched_from_the_network(site):
    _, _, out, _ = site
    assert broken_links(out) == []
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', text.replace(
            'href="https://', "")), page  # links out are fine; nothing loaded from the network


def test_the_checker_finds_a_broken_link(tmp_path):
    (tmp_path / "a.html").write_text('<a href="b.html">b</a><img src="x.png"><a href="a.html#no">')
    (tmp_path / "b.html").write_text("<p id='yes'>")
    assert broken_links(tmp_path) == ["a.html: x.png", "a.html: a.html#no (no such anchor)"]


def test_the_korean_pages_embed_a_font_that_has_every_hangul_character_they_show(site):
    from fontTools.ttLib import TTFont

    _, _, out, _ = site
    css = (out / "ko" / "_static" / "harness-hangul.css").read_text()
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", css).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(data)))
    covered = set(font.getBestCmap())
    shown = set()
    for page in (out / "ko").rglob("*.html"):
        shown |= {ord(c) for c in HANGUL.findall(page.read_text(encoding="utf-8"))}
    assert shown and shown <= covered
    assert "NanumGothic" in font["name"].getDebugName(1)
    assert len(css) < 400_000  # cut to the pages' characters, not the whole 4.7 MB font


def test_out_must_be_new_empty_or_a_lesson_site(tmp_path):
    (tmp_path / "mine.html").write_text("keep me")
    done = cli("lessons", "build", "--out", tmp_path, "--results", tmp_path / "r")
    assert done.returncode == 2 and done.stderr.startswith("error: ")
    assert "--force" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.html"]  # nothing trained, written
