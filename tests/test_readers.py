"""The text reader on real encodings and on hostile files."""

from __future__ import annotations

import codecs

import pytest

from pipeline.readers import ReadError, read
from tests.conftest import HUGUAN, WENXI


@pytest.mark.parametrize("encoding, prefix", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("gb18030", b""), ("gbk", b""), ("utf-16", b""),
])
def test_readers_decode_every_common_encoding(tmp_path, encoding, prefix):
    original = WENXI.read_text(encoding="utf-8")
    path = tmp_path / "notice.txt"
    path.write_bytes(prefix + original.encode(encoding))
    document = read(path)
    assert document.text.lstrip("\ufeff") == original
    assert document.warnings == []


def test_readers_accept_crlf(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(HUGUAN.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    assert "\r\n" in read(path).text


def test_readers_warn_about_undecodable_bytes_and_name_them(tmp_path):
    path = tmp_path / "broken.txt"
    good = "壶关县促进专业镇高质量发展实施方案".encode("utf-8")
    path.write_bytes(good + b"\xff\xfe\xfd" + good)
    document = read(path)
    assert document.warnings and "undecodable" in document.warnings[0]
    assert "\ufffd" in document.text and document.text.count("壶关县") == 2


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b"   \n\t\r\n", "only whitespace"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
    (b"\x00\x01\x02\x03" * 100, "binary data"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
])
def test_readers_refuse_bad_files_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=reason):
        read(path)
