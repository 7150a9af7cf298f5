"""The command line (`python -m harness ...`, `main`) and what only it does: the console
summary, the listings, the activation explorer, `check` and `theory`."""
