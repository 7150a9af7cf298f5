"""The sweep's report helper: builds run reports in a process of its own while the next run trains.

    python -m harness.sweeps.report_worker     # reads run folders from stdin, one per line

For each folder it calls `harness.report.html.build_report` (matplotlib, no TensorFlow) and answers
on stdout with `ok<TAB>folder` or `error<TAB>folder<TAB>message`. It stops at the end of stdin.
"""

import sys


def main() -> None:
    from harness.report.html import build_report

    for line in sys.stdin:
        folder = line.rstrip("\n")
        try:
            build_report(folder, jobs=1)  # one core: the next run trains on the others
            answer = f"ok\t{folder}"
        except Exception as e:  # noqa: BLE001 - reported back to the sweep, which keeps the run
            answer = f"error\t{folder}\t{type(e).__name__}: {e}".replace("\n", " ")
        print(answer, flush=True)


if __name__ == "__main__":
    main()
