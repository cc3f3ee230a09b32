"""The row estimate behind the back-office import's progress bar."""
import csv
import io

from hypothesis import given, settings, strategies as st

from legalcredit.records.files import estimate_rows

cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
tables = st.lists(st.lists(cells, min_size=3, max_size=3), max_size=30)


def _csv(rows, *, trailing: bool) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows([["CF_WSH", "CF_XDR_MC", "CF_NR_FK"], *rows])
    text = buf.getvalue()
    return (text if trailing else text.rstrip("\r\n")).encode("utf-8")


@settings(max_examples=60, deadline=None)
@given(tables, st.booleans())
def test_a_csv_estimate_is_exact_unless_a_cell_holds_a_line_break(tmp_path_factory, rows, trailing):
    path = tmp_path_factory.mktemp("est") / "cf.csv"
    path.write_bytes(_csv(rows, trailing=trailing))
    estimate = estimate_rows(path)
    broken = any("\n" in c or "\r" in c for row in rows for c in row)
    # A line break inside a quoted cell only adds to the count: the bar then moves slower, and
    # never claims more rows than the file holds.
    if broken:
        assert estimate >= len(rows)
    else:
        assert estimate == len(rows)


def test_an_xlsx_estimate_is_its_sheet_rows_less_the_header(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["CF_WSH", "CF_XDR_MC"])
    for i in range(57):
        ws.append([f"淮司罚决〔2026〕{i}号", "某律师事务所"])
    wb.save(tmp_path / "cf.xlsx")
    assert estimate_rows(tmp_path / "cf.xlsx") == 57


def test_no_estimate_for_a_truncated_xlsx_or_a_missing_file(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["CF_WSH"])
    wb.save(tmp_path / "cf.xlsx")
    whole = (tmp_path / "cf.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(whole[: len(whole) // 2])
    assert estimate_rows(tmp_path / "cut.xlsx") is None
    assert estimate_rows(tmp_path / "gone.csv") is None
