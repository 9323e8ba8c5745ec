"""Work shared among forked processes: the comparison's pair loops are independent, and forked
workers read the parent's arrays copy-on-write instead of receiving them pickled.

>>> fork_map(sum, [[1, 2], [3]], workers=1)
[3, 3]
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

Part = TypeVar("Part")
Result = TypeVar("Result")

_TASK: Callable | None = None


def compare_workers() -> int:
    """Processes for the comparison: POLICYMAP_COMPARE_JOBS, else every core this process may use
    (1 where processes cannot be forked)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    configured = os.environ.get("POLICYMAP_COMPARE_JOBS")
    if configured:
        return max(1, int(configured))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def fork_map(task: Callable[[Part], Result], parts: Sequence[Part], workers: int | None = None) -> list[Result]:
    """``[task(part) for part in parts]``, the parts shared among ``workers`` forked processes
    (default compare_workers()); ``task`` may be a closure over the parent's data."""
    workers = min(compare_workers() if workers is None else workers, len(parts))
    if workers < 2:
        return [task(part) for part in parts]
    global _TASK
    _TASK = task
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_run_part, parts, chunksize=1)
    finally:
        _TASK = None


def _run_part(part):
    return _TASK(part)


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused for the block (reference counting still frees
    everything the comparison drops: it makes no reference cycles of its own).

    With 10,000 notices loaded, each full collection walks tens of millions of objects, and the
    millions of matches and rows made afterwards set off one after another (18 of them, 16 s of a
    two-minute comparison); a forked worker's collections would also copy the pages it shares with
    the parent.

    >>> with without_cycle_collection():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class BackgroundTask:
    """``task()`` run in a forked process while this one goes on (it reads the parent's data
    copy-on-write); ``join()`` waits and raises OSError with the task's error, ``cancel()`` stops
    it. Where processes cannot be forked, the task runs at once, here.

    >>> BackgroundTask(lambda: 1 / 0).join()
    Traceback (most recent call last):
    OSError: ZeroDivisionError: division by zero
    """

    def __init__(self, task: Callable[[], None]) -> None:
        self.process = None
        if "fork" not in multiprocessing.get_all_start_methods():
            task()
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=_run_background, args=(task, send), daemon=True)
        self.process.start()
        send.close()

    def join(self) -> None:
        if self.process is None:
            return
        try:
            error = self._receive.recv()
        except EOFError:  # it died without a word (killed, out of memory)
            error = "the background process ended without finishing"
        self.process.join()
        self.process = None
        if error is not None:
            raise OSError(error)

    def cancel(self) -> None:
        """Stop the task (an interrupt: its ``finally`` blocks remove temporary files) and wait."""
        if self.process is None:
            return
        if self.process.is_alive():
            os.kill(self.process.pid, signal.SIGINT)
        self.process.join()
        self.process = None


def _run_background(task: Callable[[], None], send) -> None:
    try:
        task()
        send.send(None)
    except BaseException as err:  # noqa: BLE001 - reported to the parent, which raises it
        send.send(f"{type(err).__name__}: {err}")
    finally:
        send.close()
