"""The built lesson site in headless Chromium, as a student opens it from disk: every image of
every page loads in both languages, and the Korean page is drawn with the embedded Hangul font."""

import pytest
from browser import chromium_dom, chromium_screenshot, images_ok, needs_chromium
from lesson_tree import make_source

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")

from harness.lessons.site import build_site  # noqa: E402

pytestmark = [pytest.mark.slow, needs_chromium]


def test_every_page_loads_every_image_from_file_urls(tmp_path):
    root = make_source(tmp_path / "src")
    built = build_site(root, tmp_path / "site", results=tmp_path / "results", log=None)
    assert built.problems == []
    pages = sorted((tmp_path / "site").glob("*/*.html")) + sorted(
        (tmp_path / "site").glob("*/reference/*.html"))
    assert len(pages) >= 10
    for page in pages:
        ok, total = images_ok(chromium_dom(page, tmp_path / "profile"))
        assert ok == total, page
        if page.name == "01_tiny.html":
            assert total == 3

    # The check can fail: a figure that is gone is seen as not loaded.
    lesson = tmp_path / "site" / "en" / "01_tiny.html"
    next((tmp_path / "site" / "en" / "_images").glob("history*.png")).unlink()
    assert images_ok(chromium_dom(lesson, tmp_path / "profile")) == (2, 3)

    # Hangul is drawn with the embedded font, not as empty boxes: the same page without the font
    # draws its title in other pixels (a lab machine here has no Korean system font).
    korean = tmp_path / "site" / "ko" / "01_tiny.html"
    with_font = chromium_screenshot(korean, tmp_path / "ko.png", tmp_path / "profile", "900,300")
    css = tmp_path / "site" / "ko" / "_static" / "harness-hangul.css"
    css.write_text("/* no font */")
    without = chromium_screenshot(korean, tmp_path / "ko-nofont.png", tmp_path / "profile",
                                  "900,300")
    assert with_font.read_bytes() != without.read_bytes()
