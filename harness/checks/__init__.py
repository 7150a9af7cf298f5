"""Checks before and after training: preflight (gradients against finite differences, the
initial loss, the learning-rate range test, overfitting a batch) and the verdicts on a run."""
