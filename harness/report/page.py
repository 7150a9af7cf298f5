"""HTML building blocks shared by the run report and the comparison report.

Pages are self-contained: CSS inline, figures embedded as base64 PNG data URLs, no external
resources, so a report opens from disk on any machine. A small inline script checks on load that
every image decoded and writes the verdict to `<body data-images-ok="N/M">`; a headless browser
test reads it, and a person sees a red banner if a figure is broken.
"""

import base64
import html
import math
import numbers
from pathlib import Path

from harness.report.lang.catalog import translate_html

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       max-width: 1180px; margin: 2rem auto; padding: 0 1.2rem; color: #222; line-height: 1.45; }
h1 { margin-bottom: .2rem; font-size: 1.7rem; }
h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; font-size: 1.25rem; }
.sub { color: #555; margin-top: 0; }
.status { display: inline-block; padding: .05rem .55rem; border-radius: .8rem; font-size: .9rem;
          color: white; background: #777; vertical-align: middle; }
.status.completed { background: #2e7d32; } .status.diverged { background: #c62828; }
.status.failed { background: #6a1b9a; } .status.interrupted { background: #ef6c00; }
.status.chance { background: #8d6e00; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .93rem; }
th, td { border: 1px solid #ddd; padding: .3rem .65rem; text-align: left; vertical-align: top; }
th { background: #f5f5f5; }
.wide { overflow-x: auto; }
.wide th, .wide td { padding: .3rem .45rem; }
.nowrap td { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.hint { color: #666; font-size: .85rem; }
.notes { background: #fff8e1; border-left: 4px solid #f9a825; padding: .5rem 1rem; }
.warn { background: #ffebee; border-left: 4px solid #c62828; padding: .5rem 1rem; }
figure { margin: 1.4rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: .92rem; max-width: 60rem; }
pre { background: #f7f7f7; border: 1px solid #e3e3e3; padding: .8rem; overflow-x: auto;
      font-size: .85rem; }
"""

CHECK_IMAGES = """
window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images);
  var ok = images.filter(function (img) { return img.complete && img.naturalWidth > 0; });
  document.body.dataset.imagesOk = ok.length + "/" + images.length;
  document.body.dataset.textChars = String(document.body.innerText.length);
  if (ok.length < images.length) {
    var banner = document.createElement("p");
    banner.className = "warn";
    banner.textContent = (images.length - ok.length) + " figure(s) failed to load.";
    document.body.insertBefore(banner, document.body.firstChild);
  }
});
"""


def page(title: str, body: list[str]) -> str:
    """A complete HTML document from already-escaped body fragments, its text in the language
    in force (`harness.report.lang`)."""
    return translate_html(f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + f"\n<script>{CHECK_IMAGES}</script>\n</body>\n</html>\n")


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def figure(path: Path, title: str, caption: str = "") -> str:
    """An `<figure>` embedding the PNG (or GIF) at `path` as a data URL."""
    path = Path(path)
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    kind = "gif" if path.suffix == ".gif" else "png"
    return (f'<figure id="{esc(path.name.replace(".", "_"))}">\n<h3>{esc(title)}</h3>\n'
            f'<img src="data:image/{kind};base64,{data}" alt="{esc(title)}">\n'
            f"<figcaption>{esc(caption)} <span class=\"hint\">({esc(Path(path).name)})</span>"
            f"</figcaption>\n</figure>")


def notes(items: list[str], css: str = "notes") -> str:
    if not items:
        return ""
    return f'<div class="{css}"><ul>' + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul></div>"


def key_values(rows: list[tuple[str, str, str]]) -> str:
    """A two-column table of (name, value, hint) rows; the hint is shown small beside the value."""
    cells = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}"
                     + (f' <span class="hint">{esc(h)}</span>' if h else "") + "</td></tr>"
                     for k, v, h in rows)
    return f"<table>{cells}</table>"


def frame_table(frame) -> str:
    """A DataFrame as an HTML table, numbers formatted with `fmt` and right-aligned."""
    # "vanishing ratio init" rather than "vanishing_ratio_init", and "model.<wbr>activation", so
    # narrow screens can wrap them
    head = "".join(f"<th>{esc(str(c).replace('_', ' ')).replace('.', '.<wbr>')}</th>"
                   for c in frame.columns)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for column, value in row.items():
            numeric = isinstance(value, numbers.Real) and not isinstance(value, bool)
            cells.append(f'<td class="num">{esc(fmt(value, column))}</td>' if numeric
                         else f"<td>{esc(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="wide"><table><tr>{head}</tr>{"".join(body)}</table></div>'


def fmt(value, name: str = "") -> str:
    """Formats a number for people: ratios to 2 significant digits, others with 3 decimals."""
    if value is None:
        return "n/a"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    value = float(value)
    if math.isnan(value):
        return "n/a"
    if name == "ratio" or "_ratio" in name or name.startswith("ratio"):  # not "saturation"
        return f"{value:.2g}"
    if value != 0 and not 1e-3 <= abs(value) < 1e6:
        return f"{value:.2e}"
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:.3f}" if abs(value) < 100 else f"{value:,.1f}"


def ratio_hint(ratio: float, first: str = "hidden_1", last: str = "the last hidden layer") -> str:
    """Says what a vanishing ratio means in words (`first`, `last`: the first and the last hidden
    layer's names: `rnn_1`, `rnn_2` in a stacked recurrent model)."""
    if ratio is None or not math.isfinite(ratio) or ratio <= 0:
        return "not defined: fewer than 2 hidden layers, or a norm is 0 or NaN"
    if ratio < 1:
        return f"{first} gets {1 / ratio:,.3g}x less gradient than {last}"
    return f"{first} gets {ratio:,.3g}x more gradient than {last}"
