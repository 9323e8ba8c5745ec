"""The policymap command end to end: outputs, scorer, bad input, exit status."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests.conftest import CORPORA, HUGUAN, SCORER, WENXI, gold_dir


def run(args):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_cli_every_command_has_help(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and cli.commands[name].help and "Example" in result.output


def test_cli_help_does_not_import_heavy_modules():
    code = "import pipeline.cli, sys; heavy = {'spacy', 'pandas', 'pdfplumber', 'networkx'} & set(sys.modules); assert not heavy, heavy"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = run(["extract", str(HUGUAN), str(WENXI), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result


def test_cli_extract_scores_one_on_the_samples(sample_run):
    out, _ = sample_run
    scorer = SCORER if SCORER.exists() else None
    if scorer is None:
        pytest.skip("../shared/tools/score.py is not beside this checkout")
    completed = subprocess.run([sys.executable, str(scorer), str(out), str(gold_dir()), "--min", "1.0"],
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout
    assert "overall micro: precision 1.000 recall 1.000 F1 1.000" in completed.stdout


def test_cli_extract_writes_the_contract_files(sample_run):
    out, result = sample_run
    records = [json.loads(line) for line in (out / "notices.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["source"] for r in records] == [str(HUGUAN), str(WENXI)]
    for record in records:
        for field in ("doc_number", "issuer", "title", "plan_title", "signed_date", "published_date", "region",
                      "cited_policies", "thresholds", "actions", "warnings"):
            assert field in record
        for threshold in record["thresholds"]:
            assert record["text"][threshold["span"][0]:threshold["span"][1]] == threshold["text"]
    fixed = {
        "thresholds.csv": ["source", "doc_number", "county", "metric", "subject", "op", "value", "value_max", "unit", "year", "text"],
        "actions.csv": ["source", "doc_number", "county", "number", "title"],
        "responsibilities.csv": ["source", "doc_number", "county", "action_number", "action_title", "unit_name",
                                 "unit_canonical", "role"],
    }
    for name, columns in fixed.items():
        raw = (out / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f"{name} has no BOM"
        header = next(csv.reader(raw.decode("utf-8-sig").splitlines()))
        assert header[: len(columns)] == columns
    assert "1 notices" not in result.output
    assert "2 notices read" in result.output and "0 files skipped" in result.output


def test_cli_matrices_match_responsibilities(sample_run):
    out, _ = sample_run
    with (out / "responsibilities.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    with (out / "matrices" / "legend.csv").open(encoding="utf-8-sig") as fh:
        legend = list(csv.DictReader(fh))
    for stem in (HUGUAN.stem, WENXI.stem):
        with (out / "matrices" / f"{stem}.csv").open(encoding="utf-8-sig") as fh:
            header, *matrix = list(csv.reader(fh))
        columns = [entry for entry in legend if entry["notice"] == stem]
        assert header == ["number", "title"] + [entry["column"] for entry in columns]
        unit_of_column = {index: entry["unit_key"] for index, entry in enumerate(columns, 2)}
        cells = {(line[0], unit_of_column[index]): cell for line in matrix
                 for index, cell in enumerate(line) if index >= 2 and cell}
        mine = [r for r in rows if stem in r["source"]]
        expected = {}
        for r in sorted(mine, key=lambda r: r["role"] != "lead"):  # a unit in both lists leads
            expected.setdefault((r["action_number"], r["unit_canonical"] or r["unit_name"]),
                                "牵头" if r["role"] == "lead" else "配合")
        assert cells == expected
        with (out / "actions.csv").open(encoding="utf-8-sig") as fh:
            actions = [[a["number"], a["title"]] for a in csv.DictReader(fh) if stem in a["source"]]
        assert [line[:2] for line in matrix] == actions


def test_cli_bad_files_are_skipped_with_reasons_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(WENXI.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (folder / "noactions.txt").write_text("关于做好春节期间安全生产工作的通知\n各单位要高度重视。", encoding="utf-8")
    (folder / "gbk.txt").write_bytes(HUGUAN.read_text(encoding="utf-8").encode("gb18030"))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["extract", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    assert f"skipped {folder / 'empty.txt'}: empty file" in result.output
    assert f"skipped {folder / 'image.txt'}: PNG image" in result.output
    with (out / "skipped.csv").open(encoding="utf-8-sig") as fh:
        skipped = {row["source"]: row["reason"] for row in csv.DictReader(fh)}
    assert set(skipped) == {str(folder / "empty.txt"), str(folder / "image.txt")}
    records = {json.loads(line)["source"]: json.loads(line)
               for line in (out / "notices.jsonl").read_text(encoding="utf-8").splitlines()}
    assert set(records) == {str(folder / n) for n in ("good.txt", "noactions.txt", "gbk.txt")}
    assert "actions: no numbered task list found" in records[str(folder / "noactions.txt")]["warnings"]
    assert records[str(folder / "noactions.txt")]["status"] == "partial"
    assert len(records[str(folder / "gbk.txt")]["actions"]) == 10
    assert "3 notices read" in result.output and "2 files skipped" in result.output


def test_cli_strict_stops_at_the_first_bad_file(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), "--strict"])
    assert result.exit_code == 1 and "empty file" in result.output


@pytest.mark.parametrize("args", [
    ["extract", "--out", "x"],            # no input
    ["extract", "corpora"],               # no --out
    ["nonsense"],
])
def test_cli_usage_errors_exit_2(args):
    assert CliRunner().invoke(cli, args).exit_code == 2


def test_cli_refuses_out_inside_in(tmp_path):
    (tmp_path / "n.txt").write_bytes(WENXI.read_bytes())
    result = CliRunner().invoke(cli, ["extract", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "inside the input folder" in result.output


def test_cli_single_file_and_missing_input(tmp_path):
    result = CliRunner().invoke(cli, ["extract", str(WENXI), str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "no such file" in result.output
    assert len((tmp_path / "o" / "notices.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_cli_csv_cells_cannot_run_as_formulas(tmp_path):
    hostile = WENXI.read_text(encoding="utf-8").replace("（县发改局牵头", "（=HYPERLINK局牵头", 1)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "hostile.txt").write_text(hostile, encoding="utf-8")
    CliRunner().invoke(cli, ["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    text = (tmp_path / "out" / "responsibilities.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_cli_extract_can_skip_the_stages_after_the_batch(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["extract", str(HUGUAN), str(WENXI), "--out", str(out),
                                      "--skip", "compare", "--skip", "views", "--skip", "graph"])
    assert result.exit_code == 0, result.output
    assert (out / "notices.jsonl").exists() and (out / "matrices" / "all.csv").exists()
    assert not (out / "compare").exists() and not (out / "view").exists() and not (out / "graph").exists()
    assert CliRunner().invoke(cli, ["extract", str(WENXI), "--out", str(out), "--skip", "everything"]).exit_code == 2


def test_cli_as_a_process_exits_with_its_status_and_complete_files(sample_run, tmp_path):
    # Run as `policymap`, the process ends without freeing its heap (cli._leave): the exit status,
    # the messages and the files written must be what a normal exit leaves.
    import shutil

    out, _ = sample_run
    shutil.copy(out / "notices.jsonl", tmp_path / "notices.jsonl")

    def policymap(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True)

    done = policymap("compare", str(tmp_path))
    assert done.returncode == 0 and "2 notices compared" in done.stderr
    for name in ("reuse.csv", "actions.csv", "report.html"):
        assert (tmp_path / "compare" / name).read_bytes() == (out / "compare" / name).read_bytes()
    assert policymap("compare", str(tmp_path / "missing")).returncode == 2
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(HUGUAN, inputs / "huguan.txt")
    (inputs / "broken.pdf").write_bytes(b"%PDF-1.4 not a pdf")
    done = policymap("extract", str(inputs), "--out", str(tmp_path / "out"), "--skip", "views", "--skip", "graph")
    assert done.returncode == 1 and "broken.pdf" in done.stderr and "1 files skipped" in done.stderr
    assert len((tmp_path / "out" / "notices.jsonl").read_text(encoding="utf-8").splitlines()) == 1
