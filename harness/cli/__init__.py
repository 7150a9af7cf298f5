"""The command line (`python -m harness ...`, `main`): each command's arguments (`parser`) and what
it does (`commands`), and what only the command line does: the console summary, the listings, the
activation explorer, `check` and `theory`."""
