"""Responsibility matrices: column order, display names and legend, totals, xlsx, formula escape."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline.cli import cli
from pipeline.matrices import category_rank, notice_columns, notice_keys
from tests.conftest import HUGUAN, WENXI


def read_csv(path):
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("sources, expected", [
    (["corpora/000_3906f5c9db5bee8f.txt", "corpora/001_71559f4dc2e04346.txt"],
     ["000_3906f5c9db5bee8f", "001_71559f4dc2e04346"]),
    # two inputs with one stem, and stems that would overwrite all.csv or legend.csv
    (["a/通知.txt", "b/通知.txt", "x/all.txt", "y/legend.pdf"], ["通知", "通知-2", "all-2", "legend-2"]),
])
def test_matrices_notice_keys_are_unique_and_clear_of_own_files(sources, expected):
    assert notice_keys(sources) == expected


def test_matrices_columns_follow_category_order_then_action_count(sample_out, units_table):
    rank = category_rank(units_table)
    with (sample_out / "matrices" / "legend.csv").open(encoding="utf-8-sig") as fh:
        legend = list(csv.DictReader(fh))
    for stem in (HUGUAN.stem, WENXI.stem):
        entries = [e for e in legend if e["notice"] == stem]
        order = [(rank[e["category"]], -(int(e["actions_led"]) + int(e["actions_cooperated"]))) for e in entries]
        assert order == sorted(order)
        header = read_csv(sample_out / "matrices" / f"{stem}.csv")[0]
        assert header[2:] == [units_table.units[e["unit_canonical"]].display_name for e in entries]


def test_matrices_legend_keeps_the_names_as_printed(sample_out):
    with (sample_out / "matrices" / "legend.csv").open(encoding="utf-8-sig") as fh:
        legend = {(e["notice"], e["column"]): e["names_as_printed"] for e in csv.DictReader(fh)}
    assert legend[(HUGUAN.stem, "工业和信息化局")] == "县工信局"
    assert legend[(WENXI.stem, "工业和信息化局")] == "县工科局"


def test_matrices_all_csv_totals_match_the_notice_matrices(sample_out):
    header, *rows = read_csv(sample_out / "matrices" / "all.csv")
    assert header[0] == "unit_canonical"
    totals = {row[0]: dict(zip(header, row)) for row in rows}
    with (sample_out / "matrices" / "legend.csv").open(encoding="utf-8-sig") as fh:
        for entry in csv.DictReader(fh):
            counts = totals[entry["unit_key"]]
            assert int(counts[f"{entry['notice']}:lead"]) == int(entry["actions_led"])
            assert int(counts[f"{entry['notice']}:cooperating"]) == int(entry["actions_cooperated"])


def test_matrices_xlsx_has_frozen_header_widths_and_lead_counts(sample_out):
    workbook = load_workbook(sample_out / "matrices" / "lead_by_county.xlsx")
    assert workbook.sheetnames == ["牵头", "配合"]
    sheet = workbook["牵头"]
    assert sheet.freeze_panes == "B2"
    assert [c.value for c in sheet[1]] == ["单位", "unit_canonical", "category", "壶关县", "闻喜县"]
    assert all(sheet.column_dimensions[letter].width >= 10 for letter in "ABCDE")
    industry = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] == "工业和信息化")
    header, *rows = read_csv(sample_out / "matrices" / "all.csv")
    expected = next(dict(zip(header, r)) for r in rows if r[0] == "工业和信息化")
    assert industry[3:] == (int(expected[f"{HUGUAN.stem}:lead"]), int(expected[f"{WENXI.stem}:lead"]))


def test_matrices_cells_cannot_run_as_formulas(tmp_path):
    hostile = WENXI.read_text(encoding="utf-8").replace("（县发改局牵头", "（=HYPERLINK局牵头", 1)
    assert "=HYPERLINK局" in hostile
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "hostile.txt").write_text(hostile, encoding="utf-8")
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["extract", str(tmp_path / "in"), "--out", str(out)], catch_exceptions=False)
    for name in ("hostile.csv", "legend.csv", "all.csv"):
        cells = [cell for row in read_csv(out / "matrices" / name) for cell in row]
        assert "'=HYPERLINK局" in cells, name
        assert not [c for c in cells if c.startswith(("=", "+", "@"))], name
    workbook = load_workbook(out / "matrices" / "lead_by_county.xlsx")
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK局"]
    assert cells and all(c.data_type == "s" for c in cells)  # text, not a formula
    units = read_csv(out / "graph" / "units.csv")
    assert ["'=HYPERLINK局"] == [cell for row in units for cell in row if "HYPERLINK" in cell][:1]


def test_matrices_unknown_units_come_last_under_their_printed_name(units_table):
    record = {"source": "x.txt", "actions": [{"number": 1, "title": "实施专业镇市场主体倍增行动",
                                              "lead": [{"name": "县某某局", "canonical": None}],
                                              "cooperating": [{"name": "县财政局", "canonical": "财政"}]}]}
    columns = notice_columns(record, units_table)
    assert [c.header for c in columns] == [units_table.units["财政"].display_name, "县某某局"]


def test_matrices_xlsx_bytes_do_not_depend_on_the_save_time():
    import io
    import zipfile

    from pipeline.matrices import reproducible_zip

    def package(stamp: str, date_time: tuple) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            core = f'<cp:coreProperties><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>' \
                   f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
            archive.writestr(zipfile.ZipInfo("docProps/core.xml", date_time=date_time), core)
            archive.writestr(zipfile.ZipInfo("xl/workbook.xml", date_time=date_time), "<workbook/>")
        return buffer.getvalue()

    first = package("2026-11-25T18:00:00Z", (2026, 11, 25, 18, 0, 0))
    second = package("2026-11-25T18:00:07Z", (2026, 11, 25, 18, 0, 6))
    assert first != second
    assert reproducible_zip(first) == reproducible_zip(second)
    assert zipfile.ZipFile(io.BytesIO(reproducible_zip(first))).read("xl/workbook.xml") == b"<workbook/>"
