"""`summary.json`: a run's results in one file, each key set here, in the order a reader meets them.

A run fills its summary as it goes (`harness.training.runner`), so that one stopped half-way still
says what it measured, and its folder's life (`harness.training.lifecycle`) writes it last. Its
keys come in the order of `KEYS`, each set by one method, at the step that knows it:

1. before training (`Summary(cfg, data)`): `status` (`failed` until the run says otherwise, so
   a run that crashes says so), the data's facts and what chance scores on them
   (`harness.checks.verdict.chance`);
2. `--preflight` (`preflight`): whether every check passed;
3. after training (`trained`): `epochs_run` again, and what the training set's pass at
   initialisation found (`harness.measure.propagation.measure_initial`);
4. a diverged run (`diverged`): where; a finished one: the trained model's test metrics and
   whether they beat chance (`tested`), its metrics on its training set (`refitted`);
5. from `layers.csv` and `timesteps.csv` (`ratios`): the vanishing ratios, and a recurrent
   run's time ratios, ||dL/dh_1|| / ||dL/dh_T|| of its last recurrent layer (the one the head
   reads) at initialisation and at the last logged epoch;
6. the config's `expect:` (`expected`);
7. `status` (`end`): `completed` or `diverged`, only once everything above is in;
8. a stop or an error: `status` `interrupted` (`stopped`), or an `error` (`failed`); then
   the folder closed (`closed`): `wall_time_s`.

What each key means for readers: results/README.md, "What a run folder holds".
"""

import pandas as pd

from harness.base.frames import hidden_mean, last_epoch, time_ratio, vanishing_ratio
from harness.checks import verdict
from harness.config.config import Config
from harness.config.expect import check_run, parse_run
from harness.data.datasets import Dataset

# Every key a run may write, in file order; `test_*` and `train_*` stand for each of the task's
# metrics (`loss`, then `accuracy`, or `mae` and `rmse`).
KEYS = ("status", "task", "epochs_run", "examples", "chance_accuracy", "chance_loss",
        "chance_loss_se", "class_names", "input_names", "preflight_passed",
        "vanishing_ratio_predicted", "theory_reason", "jacobian_reason", "jacobian_end_to_end_mean",
        "jacobian_end_to_end_max", "jacobian_end_to_end_min", "diverged_epoch", "diverged_step",
        "test_*", "learned", "train_*", "vanishing_ratio_init", "vanishing_ratio_final",
        "time_ratio_init", "time_ratio_final", "expect", "expect_met", "error", "wall_time_s")


class Summary:
    """`summary.json` as a run fills it in; `values` is what gets written.

    Args:
        cfg: the run's config.
        data: its dataset.
    """

    def __init__(self, cfg: Config, data: Dataset):
        self.values = {"status": "failed", "task": data.task, "epochs_run": 0,
                       "examples": {"train": len(data.x_train), "val": len(data.x_val),
                                    "test": len(data.x_test)},
                       **verdict.chance(data.task, cfg.train.loss, data.y_train, data.y_test,
                                        data.n_classes)}
        if data.class_names:
            self.values["class_names"] = list(data.class_names)
        if data.input_names:  # a csv file's columns: the axes of its boundary picture
            self.values["input_names"] = list(data.input_names)

    def preflight(self, passed: bool) -> None:
        """Whether every check of `harness.training.preflight` passed."""
        self.values["preflight_passed"] = passed

    def trained(self, epochs: int, initial: dict) -> None:
        """The epochs trained, and the keys `measure_initial` found at initialisation."""
        self.values["epochs_run"] = epochs
        self.values.update(initial)

    def diverged(self, epoch: int, step: int) -> None:
        """Where the loss first became NaN or infinite, both from 1."""
        self.values.update(diverged_epoch=epoch, diverged_step=step)

    def tested(self, metrics: dict) -> None:
        """The trained model's test metrics, and whether they beat chance."""
        self.values.update({f"test_{k}": v for k, v in metrics.items()})
        self.values["learned"] = verdict.learned(dict(self.values, status="completed"))

    def refitted(self, metrics: dict) -> None:
        """The trained model on its own training examples (inference mode: no dropout, moving
        batch-norm statistics): `train_accuracy - test_accuracy` is the overfitting."""
        self.values.update({f"train_{k}": v for k, v in metrics.items()})

    def ratios(self, layers: pd.DataFrame, steps: pd.DataFrame | None) -> None:
        """The vanishing ratios at initialisation and at the end (`layers.csv`), and a recurrent
        run's ratios over time, first step / last (`timesteps.csv`; None for other runs)."""
        self.values.update(  # the prediction stays where `trained` put it; null if it did not
            vanishing_ratio_init=vanishing_ratio(layers, 0),
            vanishing_ratio_predicted=self.values.get("vanishing_ratio_predicted"),
            vanishing_ratio_final=vanishing_ratio(layers, self.values["epochs_run"]))
        if steps is not None:
            self.values.update(time_ratio_init=time_ratio(steps, 0),
                               time_ratio_final=time_ratio(steps))

    def expected(self, expect: dict, status: str, layers: pd.DataFrame) -> None:
        """The config's `expect:` mapping checked against what the run measured, as if it had
        ended with `status` (set only once the file is sure to be written)."""
        results = check_run(parse_run(expect), self.measured(status, layers))
        self.values.update(expect=results, expect_met=all(r["met"] for r in results))

    def measured(self, status: str, layers: pd.DataFrame) -> dict:
        """What an `expect:` can name: `summary.json` and the per-run columns of a sweep's
        runs.csv."""
        last = last_epoch(layers)
        return {**self.values, "status": status,
                "saturation_final": hidden_mean(layers, "saturation", last),
                "dead_fraction_final": hidden_mean(layers, "dead_fraction", last)}

    def end(self, status: str) -> None:
        """The run's own status, `completed` or `diverged`: set last, so that a run whose files
        failed to write stays `failed`."""
        self.values["status"] = status

    def stopped(self, epochs: int) -> None:
        """A stop (Ctrl-C, SIGTERM) ended the run after `epochs` recorded epochs."""
        self.values.update(status="interrupted", epochs_run=epochs)
        self.values.pop("learned", None)  # a verdict on a run that did not finish

    def failed(self, error: Exception, epochs: int) -> None:
        """`error` ended the run after `epochs` recorded epochs; `status` stays `failed`."""
        self.values.update(error=f"{type(error).__name__}: {error}", epochs_run=epochs)
        self.values.pop("learned", None)

    def closed(self, wall_time: float) -> None:
        """The run's wall time in seconds, from its folder's opening to its closing."""
        self.values["wall_time_s"] = round(wall_time, 3)
