"""`harness check PATH...`: run every config and experiment that carries an `expect:` block.

Every file is read and validated first, so a bad file (a bad expectation, a csv file that is not
there) stops the check with one error line before anything trains. Then each config is run and
each experiment swept (a sweep resumes in `results/<experiment>/`, so runs already complete there
are not retrained), and every expectation is printed as met or not met with its measured value.
"""

import sys
import time
from pathlib import Path

from harness.base.yamlfile import parse_yaml
from harness.config.expect import format_results
from harness.config.file import load_config
from harness.data.datasets import sources_now
from harness.errors import ConfigError, DataError


def collect(paths) -> list[Path]:
    """The `.yaml` files named, and those directly inside the folders named, in order."""
    files = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files += sorted(path.glob("*.yaml"))
        elif path.is_file():
            files.append(path)
        else:
            raise ConfigError(f"{path}: no such file or folder; give config or experiment files, "
                              "or folders holding them (e.g. configs experiments)")
    return list(dict.fromkeys(files))


def is_experiment(path: Path) -> bool:
    """An experiment file has a `grid:` (or `base:`); a config has neither."""
    data = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    return isinstance(data, dict) and ("grid" in data or "base" in data)


def check(paths, out=sys.stdout, log=sys.stderr) -> int:
    """Runs what `paths` hold and checks their expectations.

    Args:
        paths: config and experiment files, or folders holding them.
        out: where the results go.
        log: where sweep progress goes (None: silent).

    Returns:
        0 when every expectation is met, 1 when one is not (or a run did not complete).

    Raises:
        ConfigError: a file or its `expect:` is invalid; raised before anything trains.
        DataError: a data file a config or experiment reads is missing; raised then too.
    """
    from harness.sweeps.experiment import load_experiment

    plan = []
    for path in collect(paths):
        if is_experiment(path):
            exp = load_experiment(path)
            plan.append((path, bool(exp.expect), True))
            configs = [point.config for point in exp.points]
        else:
            cfg = load_config(path)[0]
            plan.append((path, cfg.expect is not None, False))
            configs = [cfg]
        for cfg in configs:  # a data file that is not there: say so now, not an hour in
            try:
                sources_now(cfg.data)
            except DataError as e:
                raise DataError(f"{path}: {e}") from None
    started, failed, checked = time.time(), [], 0
    for path, has_expect, experiment in plan:
        if not has_expect:
            print(f"{path}: no expect: block, skipped", file=out, flush=True)
            continue
        checked += 1
        begun = time.time()
        results, status = _sweep(path, log) if experiment else _run(path)
        ok = status == "completed" and all(r["met"] for r in results)
        if not ok:
            failed.append(str(path))
        print(f"{path}: {'met' if ok else 'NOT MET'} ({status}, {time.time() - begun:.0f} s)",
              file=out)
        print("  " + format_results(results).replace("\n", "\n  "), file=out, flush=True)
    print(f"check: {checked} files with expectations, {checked - len(failed)} met, "
          f"{len(failed)} not met{': ' + ', '.join(failed) if failed else ''}; "
          f"{len(plan) - checked} without; {time.time() - started:.0f} s", file=out)
    return 1 if failed else 0


def _run(path: Path):
    from harness.sweeps.sequential import quiet_retracing
    from harness.training.runner import run

    with quiet_retracing():  # each config builds a new model in this one process
        result = run(path, verbose=0, report=False)
    return result.summary.get("expect", []), result.status


def _sweep(path: Path, log):
    from harness.sweeps.execute import run_sweep

    result = run_sweep(path, log=log)
    status = "completed" if result.failed.empty else f"{len(result.failed)} runs failed"
    return result.expectations, status
