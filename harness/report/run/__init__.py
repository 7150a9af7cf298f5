"""One run's report: its figures (`figures`, the table the page loops over), the functions that
draw them (`gradients`, `distributions`, `health`, `theory`, `time`, `curves`, the Playground's
`boundary` and `playground`, `weights`, `feature_maps`), and the words the page says about the run
(`captions`, `summary`)."""
