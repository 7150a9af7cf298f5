"""The report's languages: which one a page is drawn in, the translation tables, the Korean font.

    setting   the language in force: `--lang`, `HARNESS_LANG`, or a page builder's `lang=`
    catalog   translates what a page or figure shows, at the boundary (page text, figure text)
    ko        the Korean table, keyed by the English text (placeholders for computed parts)
    font      a Korean font from a Python package, registered with matplotlib by file path
"""
