"""Reading tabular files as clerks produce them: CSV in UTF-8 or GBK, or XLSX.

Streaming: rows are yielded one by one, so a million-row file needs no more
memory than a thousand-row one. Every fault a clerk can cause (wrong encoding,
empty file, truncated workbook) raises ``FileProblem`` with a Chinese message.
"""
from __future__ import annotations

import codecs
import csv
import zipfile
from pathlib import Path
from typing import Iterator

XLSX_MAGIC = b"PK\x03\x04"


class FileProblem(ValueError):
    pass


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # A multi-byte character may be cut at the end of the sample.
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and len(head) >= 65536:
            return "utf-8"
    try:
        head.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise FileProblem("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV，或 XLSX 文件") from None


def open_rows(path: str | Path) -> tuple[list[str], Iterator[list], str]:
    """(header, rows, format description). Rows are lists of cell values."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(65536)
    if not head.strip():
        raise FileProblem("文件为空")
    if head.startswith(XLSX_MAGIC):
        return _xlsx(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise FileProblem("文件扩展名为 XLSX，但内容不是有效的 Excel 工作簿")
    if b"\x00" in head:
        raise FileProblem("文件不是文本格式的 CSV（含二进制内容）；请另存为 CSV 或 XLSX")
    encoding = _encoding(head)
    fh = path.open("r", encoding=encoding, newline="", errors="strict")
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        raise FileProblem("文件为空") from None
    except UnicodeDecodeError:
        raise FileProblem(f"文件编码不一致：按 {encoding} 无法读取表头") from None

    def rows():
        try:
            yield from reader
        except UnicodeDecodeError as exc:
            raise FileProblem(f"第{reader.line_num + 1}行附近含有非 {encoding} 编码的字符：{exc.reason}") from None
        except csv.Error as exc:
            raise FileProblem(f"第{reader.line_num}行 CSV 格式错误：{exc}") from None
        finally:
            fh.close()

    label = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "gb18030": "GBK/GB18030"}[encoding]
    return header, rows(), f"CSV（{label}）"


def _xlsx(path: Path):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(f"Excel 文件已损坏或不完整，无法打开（{type(exc).__name__}）") from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        header = [("" if c is None else str(c)) for c in next(it)]
    except StopIteration:
        raise FileProblem("工作表为空") from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem(f"Excel 文件已损坏或不完整（{type(exc).__name__}）") from None

    def rows():
        try:
            for r in it:
                yield ["" if c is None else c for c in r]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise FileProblem(f"Excel 文件读取中断，文件可能不完整（{type(exc).__name__}）") from None
        finally:
            wb.close()

    return header, rows(), "XLSX"



def estimate_rows(path: str | Path) -> int | None:
    """About how many data rows a file holds, for a progress bar: a CSV's line breaks (a quoted
    field may hold more), an XLSX sheet's declared dimension; None when it cannot be told."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(len(XLSX_MAGIC))
            if head == XLSX_MAGIC:
                from openpyxl import load_workbook

                wb = load_workbook(path, read_only=True, data_only=True)
                try:
                    rows = wb.worksheets[0].max_row
                finally:
                    wb.close()
                return max(rows - 1, 0) if rows else None
            fh.seek(0)
            lines, last = 0, b""
            while part := fh.read(1 << 20):
                lines += part.count(b"\n")
                last = part[-1:]
            if last and last != b"\n":
                lines += 1
            return max(lines - 1, 0)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None
