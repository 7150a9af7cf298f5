"""What everything stands on: TensorFlow's set-up, atomic files, stops, YAML, fingerprints,
labels, the tidy tables' helpers and the name tables' Registry. Imports nothing else of harness
but `errors` and `version`; only `backend` loads TensorFlow (when called)."""
