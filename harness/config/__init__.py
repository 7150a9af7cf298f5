"""One validated, frozen `Config` from a YAML file: its sections (one module each), the file
reader with `extends:` and `--set`, and the `expect:` results a run should reach."""
