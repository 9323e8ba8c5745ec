"""Work shared among forked processes: the comparison's pair loops are independent, and forked
workers read the parent's data copy-on-write instead of receiving it pickled.

>>> fork_map(sum, [[1, 2], [3]], workers=1)
[3, 3]
"""

from __future__ import annotations

import gc
import mmap
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

Part = TypeVar("Part")
Result = TypeVar("Result")

# A worker's result sends its numpy arrays (pickle protocol 5 buffers) of at least this size
# through a memory file the parent maps, not through the pipe: 10,000 notices' masked texts and
# reused passages are 800 MB, and the pipe cost a copy on each side and a pickle in between.
OUT_OF_BAND_MIN = 1 << 16
# Buffers start at multiples of this in the memory file (numpy arrays read aligned).
OUT_OF_BAND_ALIGN = 64
# Parts of one fork_map given memory files (one file descriptor each); the others use the pipe.
MEMORY_FILES_MAX = 256

_TASK: Callable | None = None
_PARTS: Sequence | None = None
_FILES: list[int | None] = []


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
    (default compare_workers()); ``task`` may be a closure over the parent's data.

    A worker is told only the number of its part (it has the parts, forked), and returns its
    result's large arrays through a memory file (see OUT_OF_BAND_MIN), where the system has them.
    """
    workers = min(compare_workers() if workers is None else workers, len(parts))
    if workers < 2:
        return [task(part) for part in parts]
    global _TASK, _PARTS, _FILES
    files = _memory_files(min(len(parts), MEMORY_FILES_MAX))
    _TASK, _PARTS, _FILES = task, parts, files
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            sent = pool.map(_run_part, range(len(parts)), chunksize=1)
        return [_received(message, files[number] if number < len(files) else None)
                for number, message in enumerate(sent)]
    finally:
        _TASK, _PARTS, _FILES = None, None, []
        for descriptor in files:
            if descriptor is not None:
                os.close(descriptor)


def map_ranges(task: Callable[[range], Result], count: int, per_worker_min: int) -> list[Result]:
    """``task`` of consecutive ranges of ``range(count)`` (four per worker), in order; one range, in
    this process, when there are fewer than ``per_worker_min`` numbers for two workers.

    >>> map_ranges(list, 5, per_worker_min=10)
    [[0, 1, 2, 3, 4]]
    """
    workers = min(compare_workers(), count // per_worker_min)
    step = -(-count // (workers * 4)) if workers > 1 else max(count, 1)
    return fork_map(task, [range(first, min(first + step, count)) for first in range(0, count, step)], workers)


def _memory_files(count: int) -> list[int | None]:
    """Anonymous memory files (Linux memfd), made before the workers are forked so that they share
    them; none where the system has no memfd."""
    if not hasattr(os, "memfd_create"):
        return []
    try:
        return [os.memfd_create("policymap-result", os.MFD_CLOEXEC) for _ in range(count)]
    except OSError:
        return []


def _run_part(number: int):
    result = _TASK(_PARTS[number])
    descriptor = _FILES[number] if number < len(_FILES) else None
    if descriptor is None:
        return None, result
    buffers: list[pickle.PickleBuffer] = []

    def out_of_band(buffer: pickle.PickleBuffer) -> bool:
        if buffer.raw().nbytes < OUT_OF_BAND_MIN:
            return True  # pickled with the rest
        buffers.append(buffer)
        return False

    data = pickle.dumps(result, protocol=5, buffer_callback=out_of_band)
    sizes, offset = [], 0
    for buffer in buffers:
        raw = buffer.raw()
        written = 0
        while written < raw.nbytes:
            written += os.pwrite(descriptor, raw[written:], offset + written)
        sizes.append(raw.nbytes)
        offset += _aligned(raw.nbytes)
    return sizes, data


def _aligned(size: int) -> int:
    """The room a buffer of ``size`` bytes takes in a memory file (the next buffer starts aligned)."""
    return -(-size // OUT_OF_BAND_ALIGN) * OUT_OF_BAND_ALIGN


def _received(message: tuple, descriptor: int | None):
    """A worker's result: as it came through the pipe, or unpickled over its buffers in the memory
    file, mapped privately (no copy: the arrays read the file's pages, and writing to them changes
    no file). The mapping, and with it a duplicate of the file descriptor, lives as long as an
    array of the result does."""
    sizes, data = message
    if sizes is None:
        return data
    buffers, offset = [], 0
    if sizes:
        view = memoryview(mmap.mmap(descriptor, os.fstat(descriptor).st_size, flags=mmap.MAP_PRIVATE,
                                    prot=mmap.PROT_READ | mmap.PROT_WRITE))
        for size in sizes:
            buffers.append(view[offset:offset + size])
            offset += _aligned(size)
    return pickle.loads(data, buffers=buffers)


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
    >>> kept = [[] for _ in range(1000)]
    >>> with without_cycle_collection():
    ...     made = [[] for _ in range(1000)]
    >>> gc.isenabled(), gc.get_count()[0] < 1000  # what was made is not left to the next collection
    (True, True)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # Every object made meanwhile is still in the youngest generation: the first collection
            # after the pause would walk them all (10,000 notices: 3 million, 1.6 s). They go to the
            # oldest generation instead, as if they had survived the collections that were paused.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


class BackgroundTask:
    """``task()`` run in a forked process while this one goes on (it reads the parent's data
    copy-on-write); ``join()`` waits and returns what the task returned (sent back pickled), or
    raises OSError with the task's error; ``cancel()`` stops it. Where processes cannot be forked,
    the task runs at once, here.

    >>> BackgroundTask(lambda: sum([1, 2])).join()
    3
    >>> BackgroundTask(lambda: 1 / 0).join()
    Traceback (most recent call last):
    OSError: ZeroDivisionError: division by zero
    """

    def __init__(self, task: Callable[[], object]) -> None:
        self.process = None
        self.result = None
        if "fork" not in multiprocessing.get_all_start_methods():
            self.result = task()
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=_run_background, args=(task, send), daemon=True)
        self.process.start()
        send.close()

    def join(self):
        if self.process is None:
            return self.result
        try:
            error, self.result = self._receive.recv()
        except EOFError:  # it died without a word (killed, out of memory)
            error = "the background process ended without finishing"
        self.process.join()
        self.process = None
        if error is not None:
            raise OSError(error)
        return self.result

    def cancel(self) -> None:
        """Stop the task (an interrupt: its ``finally`` blocks remove temporary files) and wait."""
        if self.process is None:
            return
        if self.process.is_alive():
            os.kill(self.process.pid, signal.SIGINT)
        self.process.join()
        self.process = None


def _run_background(task: Callable[[], object], send) -> None:
    try:
        message = (None, task())
    except BaseException as err:  # noqa: BLE001 - reported to the parent, which raises it
        message = (f"{type(err).__name__}: {err}", None)
    try:
        send.send(message)
    except Exception as err:  # noqa: BLE001 - a result that cannot be pickled
        send.send((f"{type(err).__name__}: {err}", None))
    finally:
        send.close()
