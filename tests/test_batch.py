"""Batches: parallel and serial runs agree byte for byte, resume after a kill, limits, odd files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.batch import PARTIAL_NAME, Options, extract_one
from pipeline.cli import cli
from pipeline.store import NoticeStore, result_from_record
from pipeline.run import process_file
from tests.conftest import HUGUAN, WENXI

OUTPUT_FILES = ("notices.jsonl", "thresholds.csv", "actions.csv", "responsibilities.csv", "skipped.csv",
                "units_unknown.csv")


def make_corpus(folder: Path, copies: int = 3) -> Path:
    """Sample notices under several names (content varies so each is a distinct file)."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(copies):
        for sample in (HUGUAN, WENXI):
            text = sample.read_text(encoding="utf-8") + f"\n（副本{index}）"
            (folder / f"{index:02d}_{sample.name}").write_text(text, encoding="utf-8")
    return folder


def extract(*args: str) -> int:
    return CliRunner().invoke(cli, ["extract", *args], catch_exceptions=False).exit_code


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


def test_batch_jobs_and_file_order_give_identical_output(tmp_path):
    corpus = make_corpus(tmp_path / "in")
    assert extract(str(corpus), "--out", str(tmp_path / "serial"), "--jobs", "1") == 0
    assert extract(str(corpus), "--out", str(tmp_path / "parallel"), "--jobs", "2") == 0
    assert outputs(tmp_path / "serial") == outputs(tmp_path / "parallel")
    # the same files listed in another order on the command line are walked in sorted order when given as a folder
    reordered = tmp_path / "in2"
    reordered.mkdir()
    for path in sorted(corpus.iterdir(), reverse=True):
        (reordered / path.name).write_bytes(path.read_bytes())
    assert extract(str(reordered), "--out", str(tmp_path / "again"), "--jobs", "2") == 0
    strip = lambda data: data.replace(b"/in2/", b"/in/")  # noqa: E731 - only the folder name differs
    assert {k: strip(v) for k, v in outputs(tmp_path / "again").items()} == outputs(tmp_path / "serial")


def test_batch_records_round_trip_through_the_store(tmp_path):
    result = process_file(WENXI)
    record = result.to_record()
    assert result_from_record(record).to_record() == record
    (tmp_path / "notices.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n{broken", encoding="utf-8")
    store = NoticeStore(tmp_path / "notices.jsonl")
    assert len(store) == 1 and [r.to_record() for r in store] == [record]


def test_batch_resume_reuses_what_an_interrupted_run_wrote(tmp_path):
    corpus = make_corpus(tmp_path / "in")
    complete = tmp_path / "complete"
    assert extract(str(corpus), "--out", str(complete), "--jobs", "1") == 0
    out = tmp_path / "out"
    out.mkdir()
    lines = (complete / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    # what a run killed mid-write leaves: two complete lines and half of a third
    (out / PARTIAL_NAME).write_text("\n".join(lines[:2]) + "\n" + lines[2][:100], encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(corpus), "--out", str(out), "--resume"])
    assert result.exit_code == 0 and "2 reused from an earlier run" in result.output
    assert outputs(out) == outputs(complete)
    assert not (out / PARTIAL_NAME).exists()


def test_batch_sigkill_leaves_previous_output_intact_and_resume_completes(tmp_path):
    corpus = make_corpus(tmp_path / "in", copies=8)
    out = tmp_path / "out"
    assert extract(str(corpus / "00_000_3906f5c9db5bee8f.txt"), "--out", str(out)) == 0
    before = outputs(out)
    command = [sys.executable, "-m", "pipeline.cli", "extract", str(corpus), "--out", str(out), "--jobs", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
            (out / PARTIAL_NAME).exists() and (out / PARTIAL_NAME).read_bytes().count(b"\n") >= 2):
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    if (out / PARTIAL_NAME).exists():  # killed mid-batch: the earlier complete OUT is untouched
        assert outputs(out) == before
        assert not [p for p in out.rglob("*.tmp")] or all(p.name.startswith(".") for p in out.rglob("*.tmp"))
    assert extract(str(corpus), "--out", str(out), "--resume") == 0
    fresh = tmp_path / "fresh"
    assert extract(str(corpus), "--out", str(fresh)) == 0
    assert outputs(out) == outputs(fresh)


def test_batch_time_limit_skips_a_slow_file(tmp_path, monkeypatch):
    import pipeline.run

    def slow(path, source=None, knowledge=None, ocr=None, pdf_engine=None):
        time.sleep(5)

    monkeypatch.setattr(pipeline.run, "process_file", slow)
    outcome = extract_one((str(WENXI), "wenxi"), Options(timeout=0.2))
    assert outcome.line is None and "took longer than 0.2 s" in outcome.error


def test_batch_size_limit_is_configurable(tmp_path):
    # the Wenxi notice is 18 KB: refused under a 0.01 MiB limit, read under 1 MiB
    result = CliRunner().invoke(cli, ["extract", str(WENXI), "--out", str(tmp_path / "o"), "--max-size", "0.01"])
    assert result.exit_code == 1 and "over the --max-size limit of 0 MiB" not in result.output
    assert "over the --max-size limit" in result.output
    assert extract(str(WENXI), "--out", str(tmp_path / "o2"), "--max-size", "1") == 0


def test_batch_internal_errors_never_stop_the_batch(tmp_path, monkeypatch):
    import pipeline.run

    original = pipeline.run.process_file

    def explode_on_huguan(path, source=None, knowledge=None, ocr=None, pdf_engine=None):
        if "3906" in str(path):
            raise IndexError("boom")
        return original(path, source, knowledge, ocr, pdf_engine)

    monkeypatch.setattr(pipeline.run, "process_file", explode_on_huguan)
    result = CliRunner().invoke(cli, ["extract", str(HUGUAN), str(WENXI), "--out", str(tmp_path / "o"), "-j", "1"])
    assert result.exit_code == 1 and "internal error (IndexError: boom)" in result.output
    assert len((tmp_path / "o" / "notices.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_batch_odd_names_links_and_special_files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    odd_names = ["壶关 通知.txt", "it's \"quoted\".txt", "line\nbreak.txt", "-leading-dash.txt"]
    for name in odd_names:
        (folder / name).write_bytes(WENXI.read_bytes())
    (folder / "loop").symlink_to(folder, target_is_directory=True)  # a symlink loop must not trap the walk
    os.mkfifo(folder / "pipe.txt")  # opening a FIFO would block forever
    result = CliRunner().invoke(cli, ["extract", str(folder), "--out", str(tmp_path / "o")])
    records = [json.loads(line) for line in (tmp_path / "o" / "notices.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(r["source"]).name for r in records) == sorted(odd_names)
    assert "pipe.txt: not a regular file" in result.output and result.exit_code == 1


def test_batch_unreadable_file_is_skipped_with_its_reason(tmp_path, monkeypatch):
    import pipeline.batch

    def denied(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pipeline.batch, "file_sha256", denied)
    outcome = extract_one((str(WENXI), "secret.txt"))
    assert outcome.error == "cannot read: Permission denied"


def test_batch_on_a_dask_cluster_matches_the_local_run(tmp_path):
    distributed = pytest.importorskip("distributed")
    corpus = make_corpus(tmp_path / "in", copies=2)
    assert extract(str(corpus), "--out", str(tmp_path / "local"), "--jobs", "1") == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        assert extract(str(corpus), "--out", str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address) == 0
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")
