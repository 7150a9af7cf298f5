"""What a model measures as it trains, through its one meter: per-layer statistics, histograms,
layer Jacobians, propagation at initialisation and the toy data's snapshots."""
