"""Reports: one run's figures and `report.html`, and comparisons across runs.

Everything here reads run folders (`results/README.md`) with pandas and draws with matplotlib
figures (no pyplot); none of it imports TensorFlow, so reports open fast. The rooms:

    html, page, entry   the pages: one run's `report.html`, their HTML blocks, a page's figures
                        as a table of `FigureEntry` (also the sweep page's and the comparison's)
    run/                one run's figures, their captions and its Summary rows
    compare/            several runs side by side, and seeds grouped per grid cell (sweeps)
    draw/               what every figure shares: PNG writing, ticks, colours, `NothingToPlot`
    notebook            how a `Run` and a sweep show themselves in Jupyter
    lr_range, phase     the figures of `harness preflight` and `harness theory`
    lang/               the language of pages and figures (`--lang ko`, `HARNESS_LANG`), the
                        translation tables, the Korean font

Import a function from its module (`harness.report.html`, `harness.report.run.gradients`,
`harness.report.compare.runs`, ...): this package loads none of them, so that using one module
does not load the others and matplotlib.

Example:
    >>> from harness.report.html import build_report
    >>> from harness.report.compare.runs import compare
    >>> build_report("results/sigmoid_deep/sigmoid-d8-s0-20250101-120000")
    >>> compare(["results/sigmoid_deep/...", "results/relu_deep/..."], out="results/compare")
"""
