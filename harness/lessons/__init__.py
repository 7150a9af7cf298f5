"""The lesson site: Markdown lessons in English and Korean, built with Sphinx from checked runs.

`sources` reads the lesson files, `results` trains and reads the runs they rest on, `glue` is the
Sphinx extension that puts numbers and figures into the pages, `figures` is where a run's figure
is drawn or taken, `reference` the pages made from the code, and `site` the build itself
(`python -m harness lessons build`).
"""
