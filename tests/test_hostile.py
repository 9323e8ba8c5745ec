"""A hostile corpus, generated here: every bad file gets a one-line reason, good files are all
extracted, the exit status says some were skipped, and nothing in OUT is half-written."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.batch import Options, extract_one
from pipeline.cli import cli
from tests.conftest import HUGUAN, WENXI


def _docx_with_body(body_xml: str, doctype: str = "") -> bytes:
    """A minimal valid DOCX package whose document.xml has the given body."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                start, end = text.index("<w:body>") + len("<w:body>"), text.index("</w:body>")
                text = text[:start] + body_xml + text[end:]
                if doctype:
                    text = text.replace("?>", "?>" + doctype, 1)
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def _paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def zip_bomb_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (100 * 2**20) + b"</w:document>")
    return out.getvalue()


SECRET = Path("/etc/hostname")


def external_entity_docx() -> bytes:
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{SECRET}">]>'
    return _docx_with_body(_paragraph("县工信局牵头") + "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", doctype)


def many_tables_docx(count: int = 10_000) -> bytes:
    table = ("<w:tbl><w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc>"
             "<w:tc><w:p><w:r><w:t>县工信局</w:t></w:r></w:p></w:tc></w:tr></w:tbl>")
    return _docx_with_body(_paragraph("关于印发某县实施方案的通知") + table * count)


def nested_html(depth: int = 50_000) -> bytes:
    article = "".join(f"<p>{line}</p>" for line in WENXI.read_text(encoding="utf-8").splitlines() if line.strip())
    return ("<!DOCTYPE html><html><body>" + "<div>" * depth + article + "</div>" * depth + "</body></html>").encode()


def test_hostile_zip_bomb_is_refused_before_it_inflates(tmp_path):
    path = tmp_path / "bomb.docx"
    path.write_bytes(zip_bomb_docx())
    outcome = extract_one((str(path), str(path)))
    assert outcome.line is None and outcome.error.startswith("ZIP bomb refused")


def test_hostile_external_entities_are_never_resolved(tmp_path):
    path = tmp_path / "xxe.docx"
    path.write_bytes(external_entity_docx())
    outcome = extract_one((str(path), str(path)))
    secret = SECRET.read_text().strip() if SECRET.exists() else "never-there"
    assert outcome.line is None or secret not in json.loads(outcome.line)["text"]
    assert outcome.error is None or "internal error" not in outcome.error


@pytest.mark.parametrize("name, make", [("tables.docx", many_tables_docx), ("nested.html", nested_html)])
def test_hostile_pathological_structure_is_read_or_refused_with_a_reason(tmp_path, name, make):
    path = tmp_path / name
    path.write_bytes(make())
    outcome = extract_one((str(path), str(path)), Options(timeout=120))
    assert (outcome.line is not None) != (outcome.error is not None)
    assert outcome.error is None or "internal error" not in outcome.error


def test_hostile_corpus_batch(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    good = {"good1.txt": HUGUAN.read_bytes(), "good2.txt": WENXI.read_bytes()}
    hostile = {
        "empty.txt": b"",
        "blank.txt": b" \n\t\n",
        "photo.txt": b"\xff\xd8\xff\xe0" + bytes(500),
        "bomb.docx": zip_bomb_docx(),
        "notzip.docx": b"PK\x03\x04" + b"\x00" * 100,
    }
    for name, data in {**good, **hostile}.items():
        (folder / name).write_bytes(data)
    with (folder / "huge.txt").open("wb") as fh:  # a sparse 200 MB file: refused by size, never read
        fh.truncate(200 * 2**20)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["extract", str(folder), "--out", str(out), "-j", "2"])
    assert result.exit_code == 1
    with (out / "skipped.csv").open(encoding="utf-8-sig") as fh:
        skipped = {Path(row["source"]).name: row["reason"] for row in csv.DictReader(fh)}
    assert set(skipped) == set(hostile) | {"huge.txt"}
    for name, reason in skipped.items():
        assert reason and "\n" not in reason and "internal error" not in reason, (name, reason)
        assert f"skipped {folder / name}: {reason}" in result.output
    assert "over the --max-size limit" in skipped["huge.txt"]
    records = [json.loads(line) for line in (out / "notices.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(r["source"]).name for r in records) == sorted(good)
    assert all(len(r["actions"]) == 10 for r in records)
    assert not [p for p in out.rglob("*") if p.name.endswith((".tmp", ".partial"))]
