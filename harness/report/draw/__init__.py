"""What every report page draws with: figures as PNG files (`png`), ticks worked out once
(`ticks`), and the colours, words and `NothingToPlot` that all figures share (`style`)."""
