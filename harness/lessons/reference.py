"""Reference pages made from the code rather than copied from it: every config key.

The table is `harness.config.schema.schema_rows`, what `harness schema` prints, so a key added to
the config's models appears here on the next build with its type, default and docstring.
"""

from harness.config.schema import schema_rows


def config_keys_page() -> str:
    """The Markdown page listing every config key, grouped by section."""
    lines = ["# Every config key", "",
             "Generated from the config's models when the site is built (the same rows as "
             "`python -m harness schema`; `schema --json` gives the JSON Schema for editors). "
             "A config file restates only what it changes; settings apply in the order "
             "defaults -> `extends` chain -> the file -> `--set key=value`.", ""]
    section = None
    for key, kind, default, meaning in schema_rows():
        head = key.split(".")[0] if "." in key else "top level"
        if head != section:
            section = head
            lines += ["", f"## {section}", "", "| key | type | default | meaning |",
                      "|---|---|---|---|"]
        lines.append(f"| `{key}` | {_cell(kind)} | `{_cell(default)}` | {_cell(meaning)} |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """A table cell's text: pipes escaped, so `a | b` types stay one cell."""
    return text.replace("|", "\\|")
