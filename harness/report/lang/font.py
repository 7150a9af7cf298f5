"""The Korean font: NanumGothic from the `koreanize-matplotlib` package, registered by file path.

No system font and no `apt`: the font is a file inside a package that installs from PyPI with the
harness (NanumGothic, SIL Open Font License; the package is MIT). We take only the file: importing
`koreanize_matplotlib` would change matplotlib's settings for the whole process (and it imports
`distutils`, gone in Python 3.12), so the file is found from the package's location alone.

Text is drawn with DejaVu Sans first and NanumGothic after it: matplotlib falls back glyph by glyph,
so Latin letters, digits and symbols (‖∂L/∂W‖₂, √, ×) look as in the English figures, Hangul comes
from NanumGothic, and the minus sign stays U+2212 from DejaVu Sans (NanumGothic has no U+2212: the
empty box of matplotlib issue #15062, which others avoid by turning `axes.unicode_minus` off).
"""

import importlib.util
import re
from dataclasses import replace
from functools import cache
from pathlib import Path

from harness.errors import HarnessError

PACKAGE = "koreanize_matplotlib"
FILE = "fonts/NanumGothic.ttf"
BOLD = "fonts/NanumGothicBold.ttf"  # bold titles: without it matplotlib warns and uses regular
FAMILY = "NanumGothic"
LATIN = "DejaVu Sans"  # matplotlib's own default font, shipped inside matplotlib
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")  # jamo, syllables


def korean_font_path(file: str = FILE) -> Path:
    """A NanumGothic file (`FILE`, `BOLD`) inside the installed `koreanize-matplotlib` package.

    Raises:
        HarnessError: the package is not installed (it is a dependency of the harness).
    """
    spec = importlib.util.find_spec(PACKAGE)  # locates the package without running it
    path = Path(spec.submodule_search_locations[0]) / file if spec else None
    if path is None or not path.is_file():
        raise HarnessError("the Korean report needs the font of the koreanize-matplotlib "
                           "package: pip install koreanize-matplotlib (a dependency of harness)")
    return path


@cache
def register_korean_font() -> str:
    """Adds NanumGothic to matplotlib's font manager (once per process); returns its family."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    for file in (FILE, BOLD):
        manager.addfont(str(korean_font_path(file)))
    # NanumGothicBold declares weight 600; matplotlib's "bold" is 700, and without an exact match
    # it warns at every bold title. It is the family's bold: say so.
    manager.ttflist = [replace(e, weight=700) if Path(e.fname).name == Path(BOLD).name else e
                       for e in manager.ttflist]
    return FAMILY


def font_rc(lang: str) -> dict:
    """matplotlib settings for drawing in `lang`: for Korean, DejaVu Sans then NanumGothic."""
    if lang != "ko":
        return {}
    return {"font.family": [LATIN, register_korean_font()], "axes.unicode_minus": True}


def font_face_css(text: str) -> str:
    """CSS that embeds NanumGothic, cut to the Hangul of `text`, as the page's Korean font.

    A report opens on any machine, most without a Korean font (no Hangul on a fresh Linux, a lab
    PC, CI's Chromium): the page carries the glyphs it shows, ~0.3 KB each, as a data URL. The
    font comes first in the list and holds Hangul only, so everything else keeps the system's
    font; last in the list, Chromium drew some Hangul as empty boxes (headings, a badge). Korean
    wraps between words (`keep-all`), not inside one, as Korean pages do.

    Returns:
        A `<style>` block's text: an `@font-face` and the body's font list ending with it; "" when
        `text` holds no Hangul.
    """
    hangul = set(map(ord, HANGUL.findall(text)))
    if not hangul:
        return ""
    import base64
    import io

    from fontTools import subset

    options = subset.Options()
    options.hinting, options.layout_features = False, []
    options.drop_tables += ["TSI0", "TSI1", "TSI2", "TSI3", "TSI5"]  # hinting sources: unused
    font = subset.load_font(str(korean_font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=hangul)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'@font-face {{ font-family: "{FAMILY} (harness)"; '
            f'src: url(data:font/ttf;base64,{data}) format("truetype"); }}\n'
            f'body {{ font-family: "{FAMILY} (harness)", system-ui, -apple-system, "Segoe UI", '
            f"Helvetica, Arial, sans-serif; word-break: keep-all; }}\n")
