"""The site's own static files: the image check, the Hangul font and a little CSS.

The Korean pages draw Hangul with NanumGothic from the `koreanize-matplotlib` package (the font the
Korean figures use, MIT-licensed, installed from the package index), so a lab machine without a
Korean system font shows Hangul offline too. A browser refuses a font file next to a page opened
from `file://` (another origin), so the font is embedded in the CSS as data; cut down by fontTools
to the Hangul the built pages use (a few hundred glyphs, not 11,172), it stays small. The font
file is found without importing the package (importing it reconfigures matplotlib).
"""

import base64
import importlib.util
import io
import logging
import re
from pathlib import Path

from harness.errors import HarnessError

# Every page reports on <body data-images-ok="N/M">, as the run report does, so a headless browser
# (the tests) can tell that every figure loaded.
CHECK_IMAGES = """window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images);
  var ok = images.filter(function (img) { return img.complete && img.naturalWidth > 0; });
  document.body.dataset.imagesOk = ok.length + "/" + images.length;
});
"""
CSS = """abbr.harness-number { text-decoration: underline dotted #888; cursor: help; }
p.harness-lang { float: right; margin: 0; }
div.body img { max-width: 100%; height: auto; }
div.admonition.harness-measured { font-size: .85em; color: #444; }
"""
HANGUL_CSS = """@font-face { font-family: "Harness Hangul"; src: url("data:font/ttf;base64,{data}");
  unicode-range: U+1100-11FF, U+3130-318F, U+AC00-D7AF; }
pre, code, tt, kbd {
  font-family: Consolas, Menlo, "DejaVu Sans Mono", "Harness Hangul", monospace; }
body, div.body h1, div.body h2, div.body h3, div.body h4, div.sphinxsidebar, div.sphinxsidebar h3,
  div.sphinxsidebar h4, div.sphinxsidebar input, div.admonition p.admonition-title {
  font-family: Georgia, "Harness Hangul", sans-serif; }
"""
FONT = "NanumGothic.ttf"


def write_static(folder: Path) -> list[str]:
    """Writes the static files into `folder`; returns the CSS files a page links."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "harness.js", CHECK_IMAGES)
    _write(folder / "harness.css", CSS)
    _write(folder / "custom.css", "/* alabaster links it; the site's rules: harness.css */\n")
    hangul_font()  # missing: say so before Sphinx runs (English pages link "한국어" too)
    _write(folder / "harness-hangul.css", "/* written after the build */\n")
    return ["harness.css", "harness-hangul.css"]


def embed_hangul(site: Path) -> int:
    """Writes `_static/harness-hangul.css` of a built Korean site: the font cut to its Hangul.

    Returns:
        How many Hangul characters the font was cut to.
    """
    from fontTools import subset

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # tables it drops: not ours to fix
    used = set()
    for page in site.rglob("*"):
        if page.suffix in (".html", ".js"):
            used |= set(re.findall(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]",
                                   page.read_text(encoding="utf-8", errors="ignore")))
    options = subset.Options()
    font = subset.load_font(str(hangul_font()), options)
    cutter = subset.Subsetter(options)
    cutter.populate(text="".join(sorted(used)) or "가")
    cutter.subset(font)
    data = io.BytesIO()
    subset.save_font(font, data, options)
    css = HANGUL_CSS.replace("{data}", base64.b64encode(data.getvalue()).decode("ascii"))
    _write(site / "_static" / "harness-hangul.css", css)
    return len(used)


def hangul_font() -> Path:
    """NanumGothic.ttf from the koreanize-matplotlib package."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    font = Path(spec.submodule_search_locations[0]) / "fonts" / FONT if spec else None
    if font is None or not font.is_file():
        raise HarnessError("the Korean pages need the Hangul font of koreanize-matplotlib; "
                           "pip install -e '.[lessons]'")
    return font


def _write(target: Path, text: str) -> None:
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
