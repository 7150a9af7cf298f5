"""The whole lesson site from the shipped lessons, both languages, as `harness lessons build` makes
it: every run they rest on trained (or resumed), every quoted number inside its band, no broken
link, every image loading in Chromium. Slow (it trains what `harness check experiments` trains,
~20 min on a quiet 2-core machine), so it runs on request:

    HARNESS_SLOW=1 python -m pytest -q tests/lessons/test_full_site.py

With HARNESS_SLOW_DIR=FOLDER the runs live in FOLDER/results and resume there (as the quoted-number
test's do), so a second pass only rebuilds the pages.
"""

import os
import time
from pathlib import Path

import pytest
from browser import broken_links, chromium_dom, images_ok, needs_chromium

from harness.lessons.site import build_site

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not os.environ.get("HARNESS_SLOW"),
    reason="trains every run the lessons rest on (minutes); set HARNESS_SLOW=1")]


@pytest.fixture(scope="module")
def full_site(tmp_path_factory):
    folder = Path(os.environ.get("HARNESS_SLOW_DIR") or tmp_path_factory.mktemp("lessons"))
    begun = time.time()
    built = build_site(ROOT, folder / "site", results=folder / "results", log=None)
    first = time.time() - begun
    begun = time.time()
    again = build_site(ROOT, folder / "site", results=folder / "results", log=None)
    return built, again, first, time.time() - begun, folder / "site"


def test_the_whole_site_builds_with_every_number_in_its_band(full_site):
    built, again, first, rebuild, _ = full_site
    assert built.problems == [] and again.problems == []
    assert len(built.pages["en"]) == len(built.pages["ko"]) == 11
    assert again.trained == 0 and rebuild < first  # nothing retrained; Sphinx rereads nothing


def test_the_whole_site_has_no_broken_link(full_site):
    assert broken_links(full_site[-1]) == []


@needs_chromium
def test_every_lesson_page_loads_every_figure(full_site, tmp_path):
    site = full_site[-1]
    for page in sorted(site.glob("*/[0-9]*.html")):
        ok, total = images_ok(chromium_dom(page, tmp_path / "profile"))
        assert ok == total >= 2, page
