"""Run one command as a child and report its wall time and peak memory; and the batch runner it wraps.

    python -m bench.measure RESULT.json [--timeout SECONDS] -- COMMAND ARG…
    python -m bench.measure batch FOLDER OUT --jobs N

The first form runs COMMAND and writes ``{"wall_s", "cpu_s", "peak_rss_mb", "returncode", "timed_out"}`` to
RESULT.json; past ``--timeout`` the command's whole process group is killed.
It is its own process, so ``getrusage(RUSAGE_CHILDREN)`` covers exactly COMMAND's process tree;
``ru_maxrss`` is then the peak of the largest single process in it (the parent or one worker),
which is what must stay flat as the corpus grows.

The second form extracts FOLDER into OUT with the library's batch runner
(:func:`pipeline.batch.run_batch`): the same work as ``policymap extract`` without the graph,
the HTML views and the comparison that the command runs afterwards.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path


def measure(result: Path, command: list[str], timeout: float | None = None) -> int:
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    timed_out = False
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(process.pid, signal.SIGKILL)  # the command and any workers it started
        _, stderr = process.communicate()
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # ru_maxrss in KiB on Linux
    result.write_text(json.dumps({"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
                                  "peak_rss_mb": usage.ru_maxrss / 1024, "returncode": process.returncode,
                                  "timed_out": timed_out, "stderr_tail": stderr[-2000:]}), encoding="utf-8")
    return 0


def batch(folder: Path, out: Path, jobs: int) -> int:
    from pipeline.batch import run_batch
    from pipeline.run import discover

    files, skipped = discover([folder])
    summary = run_batch(files, out, workers=jobs, skipped=skipped)
    print(f"{summary.read} notices read, {len(summary.skipped)} skipped", file=sys.stderr)
    return 0 if not summary.skipped else 1


def main(argv: list[str]) -> int:
    if argv[:1] == ["batch"]:
        jobs = int(argv[argv.index("--jobs") + 1]) if "--jobs" in argv else 1
        return batch(Path(argv[1]), Path(argv[2]), jobs)
    if "--" not in argv or argv.index("--") not in (1, 3):
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    timeout = float(argv[2]) if split == 3 and argv[1] == "--timeout" else None
    return measure(Path(argv[0]), argv[split + 1:], timeout)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
