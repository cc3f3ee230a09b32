"""The credit report as a PDF (reportlab platypus), drawn from the content stored when the
report was issued; the same report always gives the same bytes (reportlab's invariant mode
leaves out the creation time and the random document id).

A TrueType CJK font is embedded when one is found (``LEGALCREDIT_PDF_FONT``, else the usual
places on Debian and Windows), so the file reads the same on a machine without Chinese fonts.
Otherwise reportlab's built-in STSong-Light is used, which is not embedded: the reader's
viewer supplies the glyphs (every Chinese-language viewer does). reportlab cannot embed the
Noto CJK fonts (CFF outlines), so they are not among the candidates.
"""
from __future__ import annotations

import io
import os
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import CreditReport

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
NUMERALS = "一二三四五六七八九十"


@lru_cache(maxsize=1)
def font() -> str:
    """The registered font's name: an embedded TrueType font where one is found."""
    configured = os.environ.get("LEGALCREDIT_PDF_FONT", "").strip()
    for path in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if path and Path(path).is_file():
            try:
                pdfmetrics.registerFont(TTFont("ReportCJK", path, subfontIndex=0))
                return "ReportCJK"
            except Exception:   # noqa: BLE001 - an unreadable or CFF font: try the next one
                continue
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _styles() -> dict[str, ParagraphStyle]:
    f = font()
    return {"title": ParagraphStyle("title", fontName=f, fontSize=18, leading=26, alignment=1, spaceAfter=4 * mm),
            "h": ParagraphStyle("h", fontName=f, fontSize=13, leading=20, spaceBefore=4 * mm, spaceAfter=2 * mm),
            "item": ParagraphStyle("item", fontName=f, fontSize=10.5, leading=16, spaceBefore=2 * mm),
            "cell": ParagraphStyle("cell", fontName=f, fontSize=9, leading=13),
            "flag": ParagraphStyle("flag", fontName=f, fontSize=9, leading=13, textColor=colors.HexColor("#a00000")),
            "note": ParagraphStyle("note", fontName=f, fontSize=8.5, leading=13, textColor=colors.HexColor("#444444"))}


def _table(rows, st, widths=(38 * mm, 132 * mm)) -> Table:
    t = Table([[Paragraph(escape(str(k)), st["cell"]), Paragraph(escape(str(v)).replace("\n", "<br/>"), st["cell"])]
               for k, v in rows], colWidths=widths)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                           ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3eeee")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def _qr(url: str) -> Drawing:
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    size = 28 * mm
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(widget)
    return d


def render(report: CreditReport, verify_url: str) -> bytes:
    """The PDF of a stored report; ``verify_url`` is the portal page that checks it."""
    st = _styles()
    c = report.content
    issued = timezone.localtime(report.issued_at)
    story = [Paragraph(escape(c["title"]), st["title"]),
             _table([["报告编号", report.serial], ["验证码", report.code],
                     ["信用主体", c["subject_name"]], ["出具时间", f"{issued:%Y-%m-%d %H:%M:%S}"],
                     ["信息截止日", c["on"]], ["查询期间", f"{c['window_from']} 至 {c['on']}"],
                     # A report that leaves sections out says so, where its reader looks first.
                     *([["未包含的内容", "、".join(c["omitted"]) + "（申请人未选择）"]] if c.get("omitted") else [])],
                    st)]
    for i, section in enumerate(c["sections"]):
        number = NUMERALS[i] if i < len(NUMERALS) else str(i + 1)
        story.append(Paragraph(f"{number}、{escape(section['title'])}", st["h"]))
        if not section["items"]:
            story.append(Paragraph("无", st["cell"]))
        for item in section["items"]:
            story.append(Paragraph(escape(item["title"]), st["item"]))
            for flag in item.get("flags", []):
                story.append(Paragraph(escape(flag), st["flag"]))
            if item["fields"]:
                story.append(_table(item["fields"], st))
    story += [Spacer(1, 6 * mm),
              Paragraph("说明：本报告依据出具时平台公示的信用信息生成，不含已过公示期、已信用修复或已撤回的信息，"
                        "公民身份号码已作遮蔽处理。报告内容与出具时的存档一致性可通过下方网址或二维码，"
                        "输入报告编号和验证码核验。", st["note"]),
              Paragraph(escape(verify_url), st["note"]), _qr(verify_url)]
    out = io.BytesIO()

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font(), 8)
        canvas.drawString(20 * mm, 10 * mm, f"报告编号 {report.serial}    验证码 {report.code}    第 {doc.page} 页")
        canvas.restoreState()

    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=f"{c['title']} {report.serial}", author="公共法律服务信用监管平台",
                            invariant=1)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
