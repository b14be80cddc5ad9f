"""A Document shown on screen as HTML (review pages): the same blocks the PDF prints, in order."""

from html import escape

from workstation.documents import (
    Document,
    Heading,
    KeyValueTable,
    PageBreak,
    Para,
    RightLine,
    Signatures,
    Spacer,
    Title,
)


def document_html(doc: Document) -> str:
    parts = []
    for block in doc.blocks:
        if isinstance(block, Title | Heading):
            parts.append(f"<h2 align='center'>{escape(block.text)}</h2>")
        elif isinstance(block, RightLine):
            parts.append(f"<p align='right'>{escape(block.text)}</p>")
        elif isinstance(block, Para):
            prefix = f"<b>{escape(block.bold_prefix)}</b>" if block.bold_prefix else ""
            indent = "text-indent:2em;" if block.indent else ""
            text = escape(block.text).replace("\n", "<br/>")
            parts.append(f"<p style='{indent}line-height:150%'>{prefix}{text}</p>")
        elif isinstance(block, KeyValueTable):
            rows = "".join(
                "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
                for row in block.rows
            )
            parts.append(f"<table border='1' cellspacing='0' cellpadding='4'>{rows}</table>")
        elif isinstance(block, Signatures):
            lines = "<br/>".join(escape(line) for line in block.lines)
            align = {"right": "right", "center": "center"}.get(block.align, "left")
            parts.append(f"<p align='{align}'>{lines}</p>")
        elif isinstance(block, Spacer | PageBreak):
            parts.append("<br/>")
    if doc.page_footer:
        parts.append(f"<p style='color:#777'>（每页页脚：{escape(doc.page_footer)}）</p>")
    return "".join(parts)
