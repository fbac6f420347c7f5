"""The two .xlsx readers read every workbook alike: calamine (fast) and openpyxl (the reference).

Intake reads a workbook with calamine unless the package scan finds something the two could read
differently; then the reference reader reads it. Over a corpus of varied workbooks — the tests' own
builders, the sample generator with every planned mistake, Excel-like files (shared strings, phonetic
runs, extension markup), and cells written by hand in the XML — both give the same `Submission`
(tables, field rows, issues, id), and each workbook takes the path it should (so that a fast path
that silently fell back everywhere would fail here too).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from intake_samples import sample_tables
from spec_workbook import HEADERS, USCC, profile_rows, save, sheets

from clustercert.intake import read_submission, xlsx
from clustercert.samples import generate_bulk, generate_campaign
from clustercert.submission import Submission
from clustercert.workbook_writer import write_workbook

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PROFILE, ANNUAL, ENTERPRISES, DESIGNATIONS = (f"xl/worksheets/sheet{i}.xml" for i in (1, 2, 3, 4))
FAST, REFERENCE = True, False


def read_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Submission, Submission, bool]:
    """(read as intake reads it, read by the reference reader alone, whether calamine read it)."""
    used: list[bool] = []
    real = xlsx.read_fast

    def spy(*args):
        found = real(*args)
        used.append(found is not None)
        return found

    with monkeypatch.context() as patch:
        patch.setattr(xlsx, "read_fast", spy)
        fast = read_submission(path, campaign_year=2026)
    with monkeypatch.context() as patch:
        patch.setattr(xlsx, "read_fast", lambda *args: None)
        reference = read_submission(path, campaign_year=2026)
    return fast, reference, used == [True]


def assert_same(fast: Submission, reference: Submission) -> None:
    assert (fast.submission_id, fast.file, fast.sha256) == (
        reference.submission_id,
        reference.file,
        reference.sha256,
    )
    assert fast.issues == reference.issues
    assert fast.field_rows == reference.field_rows
    assert list(fast.tables) == list(reference.tables)
    for key, frame in fast.tables.items():
        pd.testing.assert_frame_equal(
            frame, reference.tables[key], check_index_type=True, check_column_type=True, obj=key
        )


# -- building the corpus --------------------------------------------------------------------------------
def rewrite(path: Path, changes: dict[str, Callable[[bytes], bytes] | bytes]) -> Path:
    """Rewrite parts of the zip (a function of the old bytes, or new bytes; new names are added)."""
    with zipfile.ZipFile(path) as src:
        items = {info.filename: src.read(info) for info in src.infolist()}
    for name, change in changes.items():
        items[name] = change(items[name]) if callable(change) else change
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in items.items():
            dst.writestr(name, data)
    return path


def replace(old: str, new: str, count: int = 1) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        text = data.decode("utf-8")
        assert old in text, (old, text[:600])
        return text.replace(old, new, count).encode("utf-8")

    return change


def sheet_xml(rows: str, *, dimension: str | None = None, root: str = f'xmlns="{NS}"') -> bytes:
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"<worksheet {root}>{head}<sheetData>{rows}</sheetData></worksheet>".encode()


def text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def enterprise_rows(extra: str = "", *, first: int = 2) -> str:
    """企业名录's header and two firms, from row `first - 1`, plus `extra` cells in the first firm's row."""
    header = "".join(text(f"{c}{first - 1}", h) for c, h in zip("ABCDE", HEADERS["企业名录"], strict=True))
    firms = [("914403001922038216", "尚志市甲食品有限公司"), ("91440300708461136T", "尚志市乙食品有限公司")]
    rows = [f'<row r="{first - 1}">{header}</row>']
    for n, (code, name) in enumerate(firms, start=first):
        cells = text(f"A{n}", code) + text(f"B{n}", name) + text(f"C{n}", "小型") + text(f"D{n}", "是")
        cells += f'<c r="E{n}"><v>{1000 + n}</v></c>' + (extra.format(n=n) if n == first else "")
        rows.append(f'<row r="{n}">{cells}</row>')
    return "".join(rows)


def spec(tmp: Path, name: str, **parts: Callable[[bytes], bytes] | bytes) -> Path:
    """The SPEC workbook of `spec_workbook`, with sheet parts (PROFILE, ENTERPRISES, …) rewritten."""
    path = save(tmp / f"{name}.xlsx", sheets())
    return rewrite(path, parts) if parts else path


def styled(tmp: Path, name: str, number_format: str, serials: list[float], *, date1904: bool = False) -> Path:
    """梯度培育 with its 有效期至 cells holding `serials` in a cell style of `number_format`."""
    data = sheets()
    data["梯度培育"] = [[code, "高新技术企业", "省级", None] for code, _ in zip(USCC, serials, strict=False)]
    path = save(tmp / f"{name}.xlsx", data)
    book = openpyxl.load_workbook(path)
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904 if date1904 else book.epoch
    for row, serial in enumerate(serials, start=2):
        cell = book["梯度培育"].cell(row=row, column=4, value=serial)
        cell.number_format = number_format
    book.save(path)
    return path


def excel_like(path: Path) -> Path:
    """As Excel writes it: shared strings (with phonetic properties, as CJK Excel adds), rows with
    spans and x14ac attributes, an mc:Ignorable root, and CRLF after each XML declaration."""
    strings: list[str] = []

    def share(match: re.Match[str]) -> str:
        strings.append(match.group(2))
        return f'<c r="{match.group(1)}" t="s"><v>{len(strings) - 1}</v></c>'

    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    for name in [n for n in parts if n.startswith("xl/worksheets/")]:
        body = re.sub(
            r'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>(.*?)</t></is></c>', share, parts[name].decode()
        )
        body = re.sub(r'<row r="(\d+)">', r'<row r="\1" spans="1:5" x14ac:dyDescent="0.25">', body)
        body = body.replace(
            f'<worksheet xmlns="{NS}">',
            f'<worksheet xmlns="{NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">',
        )
        parts[name] = (declaration + body).encode()
    sst = "".join(f'<si><t>{s}</t><phoneticPr fontId="1" type="noConversion"/></si>' for s in strings)
    parts["xl/sharedStrings.xml"] = (
        declaration + f'<sst xmlns="{NS}" count="{len(strings)}">{sst}</sst>'
    ).encode()
    override = (
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", override.encode() + b"</Types>"
    )
    relation = (
        '<Relationship Id="rIdStrings" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    )
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", relation.encode() + b"</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    return path


def mistakes_by_writer(tmp: Path) -> list[tuple[str, Path, bool]]:
    """What people type, as the project's writer writes it (values as given: str, int, float, date)."""
    tables = sample_tables()
    tables["profile"].update(campaign_year="２０２６", area_km2="35.5 ", declared_on="2026/6/30")
    tables["annual"][0].update(total_output="1,234,567", sme_output=0.1 + 0.2, leading_output=True)
    tables["annual"][0].update(sme_rd=-5, invention_patents="十", employees=None, ii_adoption_pct="65%")
    tables["enterprises"][0].update(uscc=" ９１２３０１８３ＭＡ１２３４５６７Ｘ ", output=1e-7, size="小 型")
    tables["enterprises"][1]["备注"] = "extra column"
    tables["杂项"] = [{"a": 1}]
    found = [("writer: typed mistakes", write_workbook(tmp / "typed.xlsx", tables), FAST)]
    omit = ["incidents", "annual.sme_rd", "profile.cluster_name"]
    found.append(
        ("writer: omitted parts", write_workbook(tmp / "omitted.xlsx", sample_tables(), omit=omit), FAST)
    )
    found.append(("writer: keys", write_workbook(tmp / "keys.xlsx", sample_tables(), headers="key"), FAST))
    return found


def by_hand(tmp: Path) -> list[tuple[str, Path, bool]]:
    """Cells and parts written in the XML, each next to what it is about."""
    formula = '<c r="F{n}"><f>1+1</f></c>'  # (the header has no 6th column: read as an unknown column)
    return [
        (
            "a formula without its result, required",
            spec(
                tmp,
                "f1",
                **{
                    ENTERPRISES: sheet_xml(
                        enterprise_rows().replace(
                            text("B2", "尚志市甲食品有限公司"), '<c r="B2"><f>"甲"&amp;"乙"</f><v></v></c>'
                        )
                    )
                },
            ),
            FAST,
        ),
        (
            "formulas: uncomputed, computed, empty text result, shared",
            spec(
                tmp,
                "f2",
                **{
                    ENTERPRISES: sheet_xml(
                        enterprise_rows()
                        .replace('<c r="E2"><v>1002</v></c>', '<c r="E2"><f>1+1</f></c>')
                        .replace(
                            '<c r="E3"><v>1003</v></c>',
                            '<c r="E3"><f t="shared" ref="E3" si="0">2</f><v>2</v></c>',
                        )
                        .replace(text("C3", "小型"), '<c r="C3" t="str"><f>""</f><v></v></c>')
                    )
                },
            ),
            FAST,
        ),
        (
            "a formula beyond the header, alone in its column",
            spec(tmp, "f3", **{ENTERPRISES: sheet_xml(enterprise_rows(formula))}),
            FAST,
        ),
        (
            "error cells",
            spec(
                tmp,
                "e1",
                **{
                    ENTERPRISES: sheet_xml(
                        enterprise_rows()
                        .replace('<c r="E2"><v>1002</v></c>', '<c r="E2" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
                        .replace(text("B3", "尚志市乙食品有限公司"), '<c r="B3" t="e"><v>#N/A</v></c>')
                    )
                },
            ),
            FAST,
        ),
        (
            "a sheet starting at C5",
            spec(
                tmp,
                "lead",
                **{
                    ENTERPRISES: sheet_xml(
                        re.sub(
                            r'r="([A-E])(\d+)"',
                            lambda m: f'r="{chr(ord(m[1]) + 2)}{int(m[2]) + 4}"',
                            enterprise_rows(),
                        )
                        .replace('<row r="1">', '<row r="5">')
                        .replace('<row r="2">', '<row r="6">')
                        .replace('<row r="3">', '<row r="7">'),
                        dimension="C5:G7",
                    )
                },
            ),
            FAST,
        ),
        (
            "a header with empty styled cells after it",
            spec(
                tmp,
                "wide",
                **{
                    ENTERPRISES: sheet_xml(
                        enterprise_rows().replace("</row>", '<c r="F1" s="1"/><c r="G1" s="1"/></row>', 1)
                    )
                },
            ),
            FAST,
        ),
        (
            "content under a header cell that is blank",
            spec(
                tmp,
                "blankhead",
                **{
                    ENTERPRISES: sheet_xml(
                        enterprise_rows(text("G{n}", "备注")).replace(
                            "</row>", text("F1", " ") + '<c r="G1" s="1"/></row>', 1
                        )
                    )
                },
            ),
            FAST,
        ),
        (
            "content right of the header's last cell",
            spec(tmp, "beyond", **{ENTERPRISES: sheet_xml(enterprise_rows(text("G{n}", "备注")))}),
            FAST,
        ),
        (
            "cells out of column order",
            spec(
                tmp,
                "order",
                **{
                    ENTERPRISES: sheet_xml(
                        enterprise_rows().replace(
                            text("A2", "914403001922038216") + text("B2", "尚志市甲食品有限公司"),
                            text("B2", "尚志市甲食品有限公司") + text("A2", "914403001922038216"),
                        )
                    )
                },
            ),
            FAST,
        ),
        (
            "blank, white-space and formatted empty rows",
            spec(
                tmp,
                "blank",
                **{
                    ENTERPRISES: sheet_xml(
                        enterprise_rows(first=3).replace(
                            '<row r="2">', '<row r="1" ht="30" customHeight="1"/><row r="2">', 1
                        )
                        + f'<row r="6">{text("A6", "　 ")}{text("B6", "")}</row><row r="9" s="1"><c r="A9" s="1"/></row>'
                    )
                },
            ),
            FAST,
        ),
        (
            "booleans, -0, 1E-7 and float noise",
            spec(
                tmp,
                "numbers",
                **{
                    ENTERPRISES: sheet_xml(
                        enterprise_rows()
                        .replace('<c r="E2"><v>1002</v></c>', '<c r="E2"><v>0.30000000000000004</v></c>')
                        .replace('<c r="E3"><v>1003</v></c>', '<c r="E3" t="b"><v>1</v></c>')
                        + f'<row r="4">{text("A4", "x")}<c r="E4"><v>-0</v></c></row>'
                        + f'<row r="5">{text("A5", "y")}<c r="E5"><v>1E-7</v></c></row>'
                    )
                },
            ),
            FAST,
        ),
        (
            "rich text and phonetic runs",
            spec(
                tmp,
                "rich",
                **{
                    ENTERPRISES: sheet_xml(
                        enterprise_rows().replace(
                            text("B2", "尚志市甲食品有限公司"),
                            '<c r="B2" t="inlineStr"><is><r><t>尚志市</t></r>'
                            '<r><rPr><b/></rPr><t xml:space="preserve">甲食品 </t></r><rPh sb="0" eb="1"><t>PH</t></rPh></is></c>',
                        )
                    )
                },
            ),
            FAST,
        ),
        (
            "no dimension, rows well below the limit",
            spec(tmp, "nodim", **{ENTERPRISES: sheet_xml(enterprise_rows())}),
            FAST,
        ),
        (
            "the declared dimension past the limit",
            spec(tmp, "dim", **{ENTERPRISES: sheet_xml(enterprise_rows(), dimension="A1:E1048576")}),
            FAST,
        ),
        (
            "a row past the limit without a dimension",
            spec(
                tmp,
                "far",
                **{ENTERPRISES: sheet_xml(enterprise_rows() + f'<row r="60000">{text("A60000", "x")}</row>')},
            ),
            FAST,
        ),
        # what the two readers read differently, or could: the reference reader reads these
        (
            "an ISO date cell",
            spec(
                tmp,
                "iso",
                **{
                    DESIGNATIONS: replace(
                        '<c r="D2" s="1" t="n"><v>',
                        '<c r="D2" t="d"><v>2028-12-31T00:00:00</v></c><c r="Z2"><v>',
                    )
                },
            ),
            REFERENCE,
        ),
        (
            "a _x000D_ escape in a text",
            spec(
                tmp,
                "escape",
                **{
                    ENTERPRISES: sheet_xml(
                        enterprise_rows().replace("尚志市甲食品有限公司", "尚志市甲_x000D_食品有限公司")
                    )
                },
            ),
            REFERENCE,
        ),
        (
            "a cell beyond column 64",
            spec(tmp, "bm", **{ENTERPRISES: sheet_xml(enterprise_rows(text("BM{n}", "x")))}),
            REFERENCE,
        ),
        (
            "a cell outside its row",
            spec(
                tmp,
                "misplaced",
                **{ENTERPRISES: sheet_xml(enterprise_rows().replace(text("C3", "小型"), text("C2", "小型")))},
            ),
            REFERENCE,
        ),
        (
            "a cell twice, the second empty",
            spec(tmp, "twice", **{ENTERPRISES: sheet_xml(enterprise_rows('<c r="E{n}"/>'))}),
            REFERENCE,
        ),
        (
            "rows out of order",
            spec(
                tmp,
                "rows",
                **{
                    ENTERPRISES: sheet_xml(
                        (lambda r: r[0] + r[2] + r[1])(re.split(r"(?=<row )", enterprise_rows())[1:])
                    )
                },
            ),
            REFERENCE,
        ),
        (
            "single-quoted attributes",
            spec(
                tmp,
                "quotes",
                **{
                    ENTERPRISES: sheet_xml(
                        enterprise_rows().replace('<c r="E2"><v>1002</v></c>', "<c r='E2'><v>1002</v></c>")
                    )
                },
            ),
            REFERENCE,
        ),
        (
            "prefixed elements",
            spec(
                tmp,
                "prefix",
                **{
                    ENTERPRISES: sheet_xml(
                        enterprise_rows()
                        .replace("<row", "<x:row")
                        .replace("</row>", "</x:row>")
                        .replace("<c ", "<x:c ")
                        .replace("</c>", "</x:c>"),
                        root=f'xmlns="{NS}" xmlns:x="{NS}"',
                    )
                },
            ),
            REFERENCE,
        ),
        (
            "a 17-digit integer",
            spec(
                tmp,
                "digits",
                **{
                    ENTERPRISES: sheet_xml(
                        enterprise_rows().replace(
                            '<c r="E2"><v>1002</v></c>', '<c r="E2"><v>12345678901234567</v></c>'
                        )
                    )
                },
            ),
            REFERENCE,
        ),
        (
            "a DOCTYPE",
            spec(
                tmp,
                "doctype",
                **{ENTERPRISES: b'<?xml version="1.0"?><!DOCTYPE worksheet>' + sheet_xml(enterprise_rows())},
            ),
            REFERENCE,
        ),
        (
            "an entity bomb",
            spec(
                tmp,
                "bomb",
                **{
                    ENTERPRISES: b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;">]>' + sheet_xml(enterprise_rows(text("F{n}", "&b;")))
                },
            ),
            REFERENCE,
        ),
    ]


def dates(tmp: Path) -> list[tuple[str, Path, bool]]:
    serials = [61.0, 45000.0, 45000.5, 45000.9999999]
    return [
        ("dates, yyyy-mm-dd", styled(tmp, "d1", "yyyy-mm-dd", serials), FAST),
        ("dates, a Chinese custom format", styled(tmp, "d2", 'yyyy"年"m"月"d"日"', serials), FAST),
        ("dates, with a locale prefix", styled(tmp, "d3", "[$-804]yyyy/m/d;@", serials), FAST),
        ("dates, the built-in 14", styled(tmp, "d4", "mm-dd-yy", serials), FAST),
        ("a number format", styled(tmp, "d5", "#,##0.00_);[Red]\\(#,##0.00\\)", [3000000.5]), FAST),
        ("a date before 1900-03-01", styled(tmp, "d6", "yyyy-mm-dd", [59.0, 60.0]), REFERENCE),
        ("a negative date", styled(tmp, "d7", "yyyy-mm-dd", [-5.0]), REFERENCE),
        ("a date past 9999", styled(tmp, "d8", "yyyy-mm-dd", [3000000.0]), REFERENCE),
        ("a time of day", styled(tmp, "d9", "h:mm", [0.25]), REFERENCE),
        ("a duration", styled(tmp, "d10", "[h]:mm:ss", [1.5]), REFERENCE),
        ("the 1904 date system", styled(tmp, "d11", "yyyy-mm-dd", serials, date1904=True), REFERENCE),
        (
            "a Chinese built-in date style (31), a number for openpyxl",
            rewrite(
                styled(tmp, "d12", "yyyy-mm-dd", serials),
                {"xl/styles.xml": replace('<xf numFmtId="164"', '<xf numFmtId="31"')},
            ),
            REFERENCE,
        ),
    ]


def corpus(tmp: Path) -> list[tuple[str, Path, bool]]:
    found: list[tuple[str, Path, bool]] = [("SPEC workbook", spec(tmp, "spec"), FAST)]
    found.append(("SPEC workbook, Excel-like", excel_like(spec(tmp, "spec-excel")), FAST))
    data = sheets()
    data["基本信息"] = profile_rows(
        原认定编号=None, 具体位置=None, 申报日期="2026年6月30日", 占地面积="三十五"
    )
    data["企业名录"][0][4] = "１，２３４"
    data["安全合规"] = []
    found.append(("SPEC workbook, changed", save(tmp / "changed.xlsx", data, drop=("发展规划",)), FAST))
    headers = {"企业名录": ["统一社会信用代码", "企业名称", "企业名称", "规模", "上年度产值（万元）"]}
    found.append(
        ("SPEC workbook, wrong headers", save(tmp / "headers.xlsx", sheets(), headers=headers), FAST)
    )
    book = openpyxl.load_workbook(save(tmp / "extra.xlsx", sheets()))
    book.create_sheet("填表说明", 0)["A1"] = "说明"
    book.create_sheet("A&B <备注>")["B3"] = "x"
    book["经营指标"].sheet_state = "hidden"
    book.create_chartsheet("图表")
    book.save(tmp / "extra.xlsx")
    found.append(("extra, hidden and chart sheets", tmp / "extra.xlsx", FAST))
    found += mistakes_by_writer(tmp)
    samples = generate_campaign(tmp / "campaign", year=2026, count=24)
    found += [(f"sample {s.file.name} {s.variations}", s.file, FAST) for s in samples if s.fmt == "xlsx"]
    found += [
        ("bulk", p, FAST)
        for p in generate_bulk(tmp / "bulk", year=2026, submissions=2, enterprises_per_submission=40)
    ]
    found.append(
        (
            "bulk, Excel-like",
            excel_like(
                generate_bulk(tmp / "bulk2", year=2026, submissions=1, enterprises_per_submission=40)[0]
            ),
            FAST,
        )
    )
    return found + by_hand(tmp) + dates(tmp)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Path, bool]]:
    return corpus(tmp_path_factory.mktemp("parity"))


def test_the_corpus_is_varied(workbooks) -> None:
    assert len(workbooks) > 60
    assert sum(fast for _, _, fast in workbooks) > 45 and sum(not fast for _, _, fast in workbooks) >= 15


def test_both_readers_give_the_same_submission(workbooks, monkeypatch) -> None:
    wrong_path = []
    for name, path, expect_fast in workbooks:
        fast, reference, used_calamine = read_both(path, monkeypatch)
        try:
            assert_same(fast, reference)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from exc
        if used_calamine != expect_fast:
            wrong_path.append((name, "calamine" if used_calamine else "reference"))
    assert wrong_path == []


def test_the_corpus_holds_what_it_is_about(workbooks, monkeypatch) -> None:
    """A few of the hand-written cells, read back: the comparison above compares something."""
    named = {name: path for name, path, _ in workbooks}
    sub = read_submission(named["a formula without its result, required"])
    assert [(i.check, i.row, i.column) for i in sub.issues] == [
        ("intake.formula_without_value", 2, "企业名称")
    ]
    sub = read_submission(named["error cells"])
    assert sub.tables["enterprises"]["output"].tolist() == ["#DIV/0!", "1003"]
    assert sub.tables["enterprises"]["name"].tolist() == ["尚志市甲食品有限公司", "#N/A"]
    sub = read_submission(named["a sheet starting at C5"])
    assert sub.tables["enterprises"]["_row"].tolist() == [6, 7]
    sub = read_submission(named["a header with empty styled cells after it"])
    assert sub.issues == []
    sub = read_submission(named["content under a header cell that is blank"])
    assert [(i.check, i.column) for i in sub.issues] == [("intake.unknown_column", "第 G 列")]
    sub = read_submission(named["dates, a Chinese custom format"])
    assert sub.tables["designations"]["valid_until"].tolist() == [
        "1900-03-01",
        "2023-03-15",
        "2023-03-15",
        "2023-03-15",
    ]
    sub = read_submission(named["a Chinese built-in date style (31), a number for openpyxl"])
    assert sub.tables["designations"]["valid_until"].tolist()[1] == "45000"
    sub = read_submission(named["a row past the limit without a dimension"])
    assert [(i.check, i.row) for i in sub.issues if i.sheet == "企业名录"] == [
        ("intake.too_many_rows", 60000)
    ]
    sub = read_submission(named["an entity bomb"])
    assert [i.check for i in sub.issues] == ["intake.unreadable"] and "不安全" in sub.issues[0].message
    assert dt.date(2023, 3, 15) - dt.date(1899, 12, 30) == dt.timedelta(days=45000)
