"""Built pages as a reader's browser sees them: headless Chromium, and the links between pages."""

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="no `chromium` binary on PATH (Debian: apt-get install -y chromium)")


def _command(profile: Path) -> list[str]:
    return [shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
            "--virtual-time-budget=5000"]


def chromium_dom(page: Path, profile: Path) -> str:
    """The page's DOM after its scripts ran, opened from file:// (no server)."""
    done = subprocess.run([*_command(profile), "--dump-dom", page.resolve().as_uri()],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def chromium_screenshot(page: Path, png: Path, profile: Path, size: str = "1200,1600") -> Path:
    """A screenshot of the page as Chromium draws it."""
    done = subprocess.run([*_command(profile), f"--window-size={size}", f"--screenshot={png}",
                           page.resolve().as_uri()], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and png.is_file(), done.stderr[-2000:]
    return png


def images_ok(dom: str) -> tuple[int, int]:
    """`<body data-images-ok="N/M">`, written by the page's own script once it loaded."""
    ok, total = re.search(r'data-images-ok="(\d+)/(\d+)"', dom).groups()
    return int(ok), int(total)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


def broken_links(site_dir: Path) -> list[str]:
    """Every internal href or src of the built pages that names no file or no anchor."""
    pages, broken = {}, []
    for page in site_dir.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        pages[page.resolve()] = parser
    for page, parser in pages.items():
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto", "data", "javascript"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                broken.append(f"{page.relative_to(site_dir.resolve())}: {link}")
            elif parts.fragment and target in pages and parts.fragment not in pages[target].ids:
                broken.append(f"{page.relative_to(site_dir.resolve())}: {link} (no such anchor)")
    return broken
