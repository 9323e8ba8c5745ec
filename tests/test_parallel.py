"""fork_map: forked workers get part numbers and send large arrays back through memory files."""

from __future__ import annotations

import multiprocessing
import os

import numpy as np
import pytest

import pipeline.compare.parallel as parallel

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")


def _result(size: int) -> dict:
    """Arrays above and below OUT_OF_BAND_MIN, a string and a number, all made from ``size``."""
    return {"large": np.arange(size * 20_000, dtype=np.int64) * 3, "small": np.full(3, size, dtype=np.int8),
            "text": "壶关县" * size, "size": size, "empty": np.zeros(0)}


def _same(found: list[dict], expected: list[dict]) -> bool:
    return len(found) == len(expected) and all(
        all(np.array_equal(one[key], other[key]) and np.asarray(one[key]).dtype == np.asarray(other[key]).dtype
            if isinstance(other[key], np.ndarray) else one[key] == other[key] for key in other)
        for one, other in zip(found, expected))


def test_fork_map_results_through_memory_files_equal_one_process():
    sizes = [5, 0, 12, 1, 7]
    found = parallel.fork_map(_result, sizes, workers=2)
    assert _same(found, [_result(size) for size in sizes])
    large = found[2]["large"]
    assert large.nbytes >= parallel.OUT_OF_BAND_MIN and large.flags.writeable
    large[0] = -1  # a private mapping: writable here, and nothing else sees it
    assert large[0] == -1 and large[1] == 3


def test_fork_map_without_memory_files_sends_results_through_the_pipe(monkeypatch):
    monkeypatch.setattr(parallel, "MEMORY_FILES_MAX", 2)  # parts past the second use the pipe
    sizes = [3, 4, 5, 6]
    assert _same(parallel.fork_map(_result, sizes, workers=2), [_result(size) for size in sizes])
    monkeypatch.delattr(os, "memfd_create")  # a system without memfd
    assert parallel._memory_files(3) == []
    assert _same(parallel.fork_map(_result, sizes, workers=2), [_result(size) for size in sizes])


def test_fork_map_parts_are_read_in_the_worker_not_sent():
    # A part that cannot be pickled still reaches its worker (forked, it has the parts already).
    parts = [lambda: np.arange(100_000), lambda: "二"]
    found = parallel.fork_map(lambda make: make(), parts, workers=2)
    assert np.array_equal(found[0], np.arange(100_000)) and found[1] == "二"


def _open_memory_files() -> int:
    return sum("policymap-result" in os.readlink(f"/proc/self/fd/{name}") for name in os.listdir("/proc/self/fd")
               if os.path.exists(f"/proc/self/fd/{name}"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_fork_map_raises_a_workers_error_and_closes_its_files():
    with pytest.raises(ZeroDivisionError):
        parallel.fork_map(lambda part: 1 / part, [1, 0, 2], workers=2)
    found = parallel.fork_map(_result, [1, 2], workers=2)
    assert _open_memory_files() == 2  # the mappings of the two results' arrays
    del found
    assert _open_memory_files() == 0


def test_background_task_returns_its_result_or_its_error():
    # compare_out has reuse shares and roles made by background tasks: their results come back
    # pickled; an error, or a result that cannot be pickled, is an OSError naming it.
    rows = [["壶关县", 0.5, None]] * 1000
    assert parallel.BackgroundTask(lambda: rows).join() == rows
    with pytest.raises(OSError, match="KeyError"):
        parallel.BackgroundTask(lambda: {}["missing"]).join()
    with pytest.raises(OSError, match="pickle"):
        parallel.BackgroundTask(lambda: (lambda: None)).join()


def test_release_written_keeps_every_byte(tmp_path):
    # Written pages are handed to the disk and dropped from the cache as reuse.csv grows: what
    # is read back must be all that was written, in order.
    from pipeline.write import atomic_open, release_written

    chunks = [os.urandom(1 << 20) for _ in range(5)]
    with atomic_open(tmp_path / "big.bin", binary=True) as fh:
        for chunk in chunks:
            fh.write(chunk)
            release_written(fh)
    assert (tmp_path / "big.bin").read_bytes() == b"".join(chunks)


def test_mask_all_in_workers_equals_one_process(monkeypatch):
    # Workers return their masked documents packed as code points and offsets end to end (through
    # memory files): every text, offset and stop must be as one process makes them, characters
    # beyond the BMP and empty texts included.
    import pipeline.compare.text as text

    masker = text.Masker(places=["壶关县", "闻喜县"], units=["县工信局"])
    pieces = ["壶关县工信局牵头", "产值达到10亿元以上，", "\U00028468\U0002a6a5", "", "全省三个专业镇。\n"]
    texts = ["".join(pieces[(start + k) % len(pieces)] for k in range(start % 7)) * 40 for start in range(60)]
    alone = [masker.mask(value) for value in texts]
    monkeypatch.setattr(text, "PARALLEL_MIN_TEXTS", 1)
    monkeypatch.setenv("POLICYMAP_COMPARE_JOBS", "2")
    monkeypatch.setattr(parallel, "OUT_OF_BAND_MIN", 1)  # every array through a memory file
    shared = text.mask_all(masker, texts)
    assert len(shared) == len(alone) and any(document.text for document in alone)
    for one, other in zip(alone, shared):
        assert one.text == other.text and one.stop == other.stop
        assert one.starts.dtype == other.starts.dtype and np.array_equal(one.starts, other.starts)
