"""A printed document as plain data: a sequence of blocks, serialisable and hashable.

The interview record, the ruling and the reports build a `Document`; `render_pdf` lays it out.
The JSON form is what a finalised record stores, and `content_hash` is its fingerprint, so the
spelling here is part of the stored data: change it only with a new `FORMAT_VERSION`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from typing import Any

FORMAT_VERSION = 1

# Chinese type sizes (字号) in points, as word processors define them.
TYPE_SIZES: dict[str, float] = {
    "初号": 42.0,
    "小初": 36.0,
    "一号": 26.0,
    "小一": 24.0,
    "二号": 22.0,
    "小二": 18.0,
    "三号": 16.0,
    "小三": 15.0,
    "四号": 14.0,
    "小四": 12.0,
    "五号": 10.5,
    "小五": 9.0,
}


def type_size(name: str) -> float:
    """Points for a 字号 name such as "三号"; raises ValueError for an unknown name."""
    try:
        return TYPE_SIZES[name]
    except KeyError:
        raise ValueError(f"unknown type size {name!r}; one of {', '.join(TYPE_SIZES)}") from None


@dataclass(frozen=True)
class Title:
    """A centred title line in the heading face, e.g. the court name or 终本约谈笔录.

    `font` is "heading" (小标宋, else the bundled Song bold) or "song" (宋体, else the bundled
    Song), for the court name where a court prints it in 宋体.
    """

    text: str
    size: str = "二号"
    font: str = "heading"


@dataclass(frozen=True)
class Heading:
    """The document name under the court name, e.g. 执行裁定书: centred, 一号, heading face."""

    text: str


@dataclass(frozen=True)
class RightLine:
    """A body-size line set flush right, e.g. the case number （2024）豫0302执1234号."""

    text: str


@dataclass(frozen=True)
class Para:
    """A body paragraph with a two-character first-line indent.

    `bold_prefix` (e.g. "问：") is printed bold before the text. A newline in `text` starts a
    new line without indent.
    """

    text: str
    indent: bool = True
    bold_prefix: str = ""


@dataclass(frozen=True)
class KeyValueTable:
    """A ruled table of (label, value) pairs. A row of four strings is two pairs side by side;
    in a four-column table a row of two strings spans its value over the other three cells."""

    rows: tuple[tuple[str, ...], ...]
    size: str = "三号"


@dataclass(frozen=True)
class Signatures:
    """The signature block (names, date line): never split over two pages.

    align "right" sets the block's lines flush left against each other, the block two characters
    in from the right margin; "left" and "center" place the block there.
    """

    lines: tuple[str, ...]
    align: str = "right"


@dataclass(frozen=True)
class Spacer:
    """Blank space, in body lines."""

    lines: float = 1.0


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


Block = Title | Heading | RightLine | Para | KeyValueTable | Signatures | Spacer | PageBreak

BLOCK_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (Title, Heading, RightLine, Para, KeyValueTable, Signatures, Spacer, PageBreak)
}


@dataclass(frozen=True)
class Document:
    """A whole printable document.

    `page_footer` is printed on every page above the page number (e.g. the interviewee's
    signature line); `page_numbers` is a format with {page} and {pages}, "" for none.
    """

    blocks: tuple[Block, ...]
    kind: str
    page_footer: str = ""
    page_numbers: str = "第 {page} 页 共 {pages} 页"

    def text(self) -> str:
        """All the text the document prints except page numbers, for glyph checks and search."""
        parts: list[str] = []
        for block in self.blocks:
            parts.extend(block_texts(block))
        parts.append(self.page_footer)
        return "\n".join(parts)


def block_texts(block: Block) -> list[str]:
    if isinstance(block, Title | Heading | RightLine):
        return [block.text]
    if isinstance(block, Para):
        return [block.bold_prefix + block.text]
    if isinstance(block, KeyValueTable):
        return [cell for row in block.rows for cell in row]
    if isinstance(block, Signatures):
        return list(block.lines)
    if hasattr(block, "texts"):  # report blocks (documents.figures)
        return block.texts()
    return []


def _block_to_dict(block: Block) -> dict[str, Any]:
    out: dict[str, Any] = {"type": type(block).__name__}
    for f in fields(block):
        value = getattr(block, f.name)
        if isinstance(value, tuple):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        out[f.name] = value
    return out


def _block_from_dict(data: dict[str, Any]) -> Block:
    data = dict(data)
    kind = data.pop("type")
    try:
        cls = BLOCK_TYPES[kind]
    except KeyError:
        raise ValueError(f"unknown document block type {kind!r}") from None
    if cls is KeyValueTable:
        data["rows"] = tuple(tuple(row) for row in data["rows"])
    elif cls is Signatures:
        data["lines"] = tuple(data["lines"])
    return cls(**data)


def document_to_json(doc: Document) -> str:
    """The stable spelling of a document: sorted keys, no whitespace, UTF-8 text unescaped."""
    data = {
        "format": FORMAT_VERSION,
        "kind": doc.kind,
        "page_footer": doc.page_footer,
        "page_numbers": doc.page_numbers,
        "blocks": [_block_to_dict(b) for b in doc.blocks],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def document_from_json(text: str) -> Document:
    """Read back `document_to_json`; the result compares equal to the original."""
    data = json.loads(text)
    version = data.get("format")
    if version != FORMAT_VERSION:
        raise ValueError(
            f"document format {version!r} is not supported (expected {FORMAT_VERSION})"
        )
    return Document(
        blocks=tuple(_block_from_dict(b) for b in data["blocks"]),
        kind=data["kind"],
        page_footer=data["page_footer"],
        page_numbers=data["page_numbers"],
    )


def content_hash(doc: Document) -> str:
    """sha256 hex of `document_to_json`: stored when a record is finalised."""
    return hashlib.sha256(document_to_json(doc).encode("utf-8")).hexdigest()
