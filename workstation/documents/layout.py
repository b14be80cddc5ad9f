"""Page layout: a Document's blocks become positioned text on A4 pages.

Geometry follows the court format (legal-reference §8, GB/T 9704-2012): A4, top margin 37 mm,
left margin 28 mm, a 156 × 225 mm type area holding 22 lines of 28 characters of 三号 (16 pt)
text. 28 characters of 16 pt are 448 pt but the area is 442.2 pt wide, so body text is set
with a small negative tracking, as word processors' document grid does.

Line breaking is done here, not by reportlab's Paragraph: its wordWrap='CJK' lets a full-width
comma start a line. Every CJK character is a break opportunity except where 避头尾 forbids it:
closing punctuation never starts a line and opening brackets never end one; a run of Latin
letters or digits is kept whole. Each character is measured in the font that prints it, which
may be a fallback font for a rare character.
"""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from workstation.documents.fonts import FontChain, FontFace, FontSet
from workstation.documents.model import (
    Block,
    Document,
    Heading,
    KeyValueTable,
    PageBreak,
    Para,
    RightLine,
    Signatures,
    Spacer,
    Title,
    type_size,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 37 * mm
MARGIN_LEFT = 28 * mm
CORE_WIDTH = 156 * mm
CORE_HEIGHT = 225 * mm
CORE_TOP = PAGE_HEIGHT - MARGIN_TOP  # y of the type area's top edge (PDF y grows upwards)
CORE_BOTTOM = CORE_TOP - CORE_HEIGHT
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH = CORE_HEIGHT / LINES_PER_PAGE  # 28.99 pt: the "fixed 29 pt" of court templates
BODY_SIZE = type_size("三号")
# Advance per body character so that 28 fit the type area exactly.
BODY_TRACKING = CORE_WIDTH / CHARS_PER_LINE - BODY_SIZE
PAGE_NUMBER_SIZE = type_size("四号")
PAGE_NUMBER_GAP = 7 * mm  # GB/T 9704: the page number sits 7 mm below the type area
ASCENT = 0.88  # baseline below the top of a character's em box, as a share of the size
BOLD_STROKE = 0.035  # fake bold: outline width as a share of the size (for faces with no bold)

# 避头尾 (GB/T 15834 and common typesetting practice).
CANNOT_START = frozenset(
    "，。、；：？！）」』》〉】〕〗｝］〙〛”’＇＂％‰℃°·・～,.;:?!)]}%"
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー々〻"
)
CANNOT_END = frozenset("（「『《〈【〔〖｛［〘〚“‘([{<￥¥$£")
# Marks written doubled that must not be split over two lines.
DOUBLED = ("——", "……")


@dataclass(frozen=True)
class Glyphs:
    """A run of text in one face, drawn from (x, y) on the baseline."""

    x: float
    y: float
    text: str
    face: FontFace
    size: float
    char_space: float = 0.0
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.6


Item = Glyphs | Rule


@dataclass
class Page:
    items: list[Item] = field(default_factory=list)

    def text(self) -> str:
        return "".join(i.text for i in self.items if isinstance(i, Glyphs))


@dataclass
class Box:
    """A horizontal slice of the type area: items placed relative to its top edge (y <= 0)."""

    height: float
    items: list[Item] = field(default_factory=list)
    keep_with_next: bool = False
    group: int | None = None  # boxes of one group are never split over two pages
    is_space: bool = False


# --- line breaking ---


@dataclass(frozen=True)
class Char:
    """One character as laid out: the face that prints it, its advance, and whether it is bold."""

    char: str
    face: FontFace
    advance: float
    bold: bool = False


# What stays whole: a doubled mark or a run of ASCII characters that are not whitespace (in the
# sense of str.isspace). Every other character is a token of its own.
_WHOLE = re.compile("(——|……|[\x00-\x08\x0e-\x1b\x21-\x7f]+)")


def tokenize(text: str) -> list[str]:
    """Split text into the pieces a line may break between.

    Each CJK character is its own piece; a run of ASCII letters, digits and their punctuation
    stays whole; —— and …… stay whole; a space is its own piece.
    """
    parts = _WHOLE.split(text)  # between, whole, between, whole, ..., between
    if len(parts) == 1:
        return list(text)
    tokens: list[str] = []
    for k, part in enumerate(parts):
        if k % 2:
            tokens.append(part)
        else:
            tokens.extend(part)
    return tokens


def _starts_badly(token: str) -> bool:
    return token[0] in CANNOT_START


def _ends_badly(token: str) -> bool:
    return token[-1] in CANNOT_END


def break_tokens(widths: list[float], tokens: list[str], first: float, rest: float) -> list[int]:
    """Indices where lines start (the first is 0), filling lines of width `first` then `rest`.

    Greedy, then 避头尾: when the break would put a closing mark at the start of a line or an
    opening bracket at the end of one, the break moves back so the preceding character goes
    down with it (推出). A line that cannot be broken acceptably breaks where it overflows.
    Spaces at a break are dropped by the caller.
    """
    starts = [0]
    line_start = 0
    used = 0.0
    width = first
    i = 0
    while i < len(tokens):
        w = widths[i]
        if used + w <= width + 1e-6 or i == line_start:  # a token wider than a line stays whole
            used += w
            i += 1
            continue
        if tokens[i].isspace():  # a space at the break vanishes
            i += 1
            if i < len(tokens):
                starts.append(i)
                line_start, used, width = i, 0.0, rest
            continue
        brk = i
        while brk > line_start and (_starts_badly(tokens[brk]) or _ends_badly(tokens[brk - 1])):
            brk -= 1
        if brk == line_start:  # nowhere acceptable: break where it overflows
            brk = i
        starts.append(brk)
        line_start, width = brk, rest
        used = 0.0
        i = brk
    return starts


# Per font chain, per (size, tracking, bold): each character's Char, measured once. A batch of
# rulings measures hundreds of thousands of characters but only a few thousand distinct ones.
_Style = tuple[float, float, bool]  # size, tracking, bold
_measured: weakref.WeakKeyDictionary[FontChain, dict[_Style, dict[str, Char]]] = (
    weakref.WeakKeyDictionary()
)


def _measure(chain: FontChain, text: str, size: float, tracking: float, bold: bool) -> list[Char]:
    """Each character of `text` in the face that prints it (the chain's first face for one no
    face has), with its advance."""
    try:
        by_style = _measured[chain]
    except KeyError:
        by_style = _measured[chain] = {}
    known = by_style.get((size, tracking, bold))
    if known is None:
        known = by_style[(size, tracking, bold)] = {}
    try:
        return [known[c] for c in text]
    except KeyError:
        pass
    for c in set(text).difference(known):
        face = chain.face_for(c) or chain.primary
        known[c] = Char(c, face, face.width(c) * size / 1000 + tracking, bold)
    return [known[c] for c in text]


def wrap(chars: list[Char], first: float, rest: float) -> list[list[Char]]:
    """Lines of characters, broken by `break_tokens`; trailing spaces dropped."""
    tokens = tokenize("".join([c.char for c in chars]))
    advances = [c.advance for c in chars]
    if len(tokens) == len(chars):  # every token one character: no run of Latin or digits
        widths = advances
        offsets = range(len(chars) + 1)
    else:
        widths = []
        offsets = [0]
        pos = 0
        for t in tokens:
            n = len(t)
            # the same sum, in the same order, as measuring the token's characters one by one
            widths.append(advances[pos] if n == 1 else sum(advances[pos : pos + n]))
            pos += n
            offsets.append(pos)
    starts = break_tokens(widths, tokens, first, rest)
    lines = []
    ends = [*starts[1:], len(tokens)]
    for k, (s, e) in enumerate(zip(starts, ends, strict=True)):
        line = chars[offsets[s] : offsets[e]]
        while line and line[-1].char == " ":
            line = line[:-1]
        while line and line[0].char == " " and k > 0:
            line = line[1:]
        lines.append(line)
    return lines


def line_texts(lines: list[list[Char]]) -> list[str]:
    return ["".join(c.char for c in line) for line in lines]


def place_line(
    line: list[Char], x: float, y: float, size: float, tracking: float, extra: float = 0.0
) -> list[Glyphs]:
    """Runs of one face and weight; `extra` is added after every character (justification)."""
    runs: list[Glyphs] = []
    cx = x
    start = 0
    n = len(line)
    while start < n:
        first = line[start]
        face, bold = first.face, first.bold
        i = start + 1
        while i < n and line[i].face is face and line[i].bold == bold:
            i += 1
        run = line[start:i]
        runs.append(
            Glyphs(cx, y, "".join([c.char for c in run]), face, size, tracking + extra, bold)
        )
        cx += sum(c.advance for c in run) + extra * (i - start)
        start = i
    return runs


def _natural(line: list[Char]) -> float:
    return sum(c.advance for c in line)


# --- blocks to boxes ---


class _Layouter:
    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self.group = 0

    def next_group(self) -> int:
        self.group += 1
        return self.group

    def baseline(self, height: float, size: float) -> float:
        return -((height - size) / 2 + ASCENT * size)

    def text_lines(
        self,
        chars: list[Char],
        size: float,
        tracking: float,
        *,
        indent: float = 0.0,
        align: str = "justify",
        width: float = CORE_WIDTH,
        x0: float = MARGIN_LEFT,
        height: float = LINE_PITCH,
    ) -> list[Box]:
        lines = wrap(chars, width - indent, width)
        boxes = []
        for k, line in enumerate(lines):
            avail = width - (indent if k == 0 else 0.0)
            natural = _natural(line) - tracking  # no tracking after the last character
            x = x0 + (indent if k == 0 else 0.0)
            extra = 0.0
            if align == "center":
                x = x0 + (width - natural) / 2
            elif align == "right":
                x = x0 + width - natural
            elif align == "justify" and k < len(lines) - 1 and len(line) > 1:
                extra = max(0.0, (avail - natural) / (len(line) - 1))
            boxes.append(
                Box(height, place_line(line, x, self.baseline(height, size), size, tracking, extra))
            )
        return boxes

    def para(self, block: Para) -> list[Box]:
        chain = self.fonts.body
        boxes: list[Box] = []
        segments = block.text.split("\n")
        for n, segment in enumerate(segments):
            chars = []
            if n == 0 and block.bold_prefix:
                chars += _measure(chain, block.bold_prefix, BODY_SIZE, BODY_TRACKING, True)
            chars += _measure(chain, segment, BODY_SIZE, BODY_TRACKING, False)
            if not chars:
                boxes.append(Box(LINE_PITCH))
                continue
            indent = 2 * (BODY_SIZE + BODY_TRACKING) if block.indent and n == 0 else 0.0
            boxes += self.text_lines(chars, BODY_SIZE, BODY_TRACKING, indent=indent)
        # 孤行: don't leave a paragraph's first line alone at the foot of a page.
        if len(boxes) > 1:
            boxes[0].keep_with_next = True
        return boxes

    def title(self, text: str, size_name: str, role: str) -> list[Box]:
        size = type_size(size_name)
        chain = self.fonts.chain(role)
        height = max(LINE_PITCH, size * 1.45)
        boxes = self.text_lines(
            _measure(chain, text, size, 0.0, False), size, 0.0, align="center", height=height
        )
        for b in boxes:
            b.keep_with_next = True
        return boxes

    def right_line(self, block: RightLine) -> list[Box]:
        chars = _measure(self.fonts.body, block.text, BODY_SIZE, BODY_TRACKING, False)
        return self.text_lines(chars, BODY_SIZE, BODY_TRACKING, align="right")

    def signatures(self, block: Signatures) -> list[Box]:
        chain = self.fonts.body
        lines = [_measure(chain, t, BODY_SIZE, BODY_TRACKING, False) for t in block.lines]
        widths = [_natural(line) - BODY_TRACKING if line else 0.0 for line in lines]
        block_w = min(max(widths, default=0.0), CORE_WIDTH)
        if block.align == "right":
            x = MARGIN_LEFT + CORE_WIDTH - 2 * (BODY_SIZE + BODY_TRACKING) - block_w
            x = max(MARGIN_LEFT, x)
        elif block.align == "center":
            x = MARGIN_LEFT + (CORE_WIDTH - block_w) / 2
        elif block.align == "left":
            x = MARGIN_LEFT
        else:
            raise ValueError(f"unknown signature alignment {block.align!r}")
        group = self.next_group()
        boxes = []
        for line in lines:
            boxes += [
                Box(b.height, b.items, group=group)
                for b in (
                    self.text_lines(line, BODY_SIZE, BODY_TRACKING, align="left", x0=x)
                    if line
                    else [Box(LINE_PITCH)]
                )
            ]
        return boxes

    def table(self, block: KeyValueTable) -> list[Box]:
        if not block.rows:
            return []
        for row in block.rows:
            if len(row) not in (2, 4):
                raise ValueError(f"a table row has 2 or 4 cells, not {len(row)}: {row!r}")
        size = type_size(block.size)
        tracking = 0.0
        chain = self.fonts.body
        pad_x, pad_y = size * 0.35, size * 0.3
        line_h = size * 1.45
        ncols = max(len(r) for r in block.rows)

        def natural(text: str) -> float:
            return _natural(_measure(chain, text, size, tracking, False))

        if ncols == 2:
            label_w = max(natural(r[0]) for r in block.rows) + 2 * pad_x
            label_w = min(label_w, CORE_WIDTH * 0.4)
            cols = [label_w, CORE_WIDTH - label_w]
        else:
            l1 = max(natural(r[0]) for r in block.rows) + 2 * pad_x
            l2 = max((natural(r[2]) for r in block.rows if len(r) == 4), default=0.0) + 2 * pad_x
            l1, l2 = min(l1, CORE_WIDTH * 0.22), min(l2, CORE_WIDTH * 0.22)
            value_w = (CORE_WIDTH - l1 - l2) / 2
            cols = [l1, value_w, l2, value_w]
        edges = [MARGIN_LEFT]
        for w in cols:
            edges.append(edges[-1] + w)

        boxes = []
        for row in block.rows:
            cells: list[tuple[float, float, str, str]] = []  # x0, x1, text, align
            if len(row) == ncols:
                for k, text in enumerate(row):
                    cells.append((edges[k], edges[k + 1], text, "center" if k % 2 == 0 else "left"))
            else:  # a pair in a four-column table: the value spans three cells
                cells.append((edges[0], edges[1], row[0], "center"))
                cells.append((edges[1], edges[4], row[1], "left"))
            laid = []
            for x0, x1, text, align in cells:
                chars = _measure(chain, text, size, tracking, False)
                width = x1 - x0 - 2 * pad_x
                lines = wrap(chars, width, width) if chars else []
                laid.append((x0, x1, lines, align, width))
            n = max((len(c[2]) for c in laid), default=1) or 1
            height = n * line_h + 2 * pad_y
            items: list[Item] = []
            for x0, x1, lines, align, _width in laid:
                top = -pad_y - (height - 2 * pad_y - len(lines) * line_h) / 2
                for k, line in enumerate(lines):
                    nat = _natural(line)
                    x = x0 + pad_x
                    if align == "center":
                        x = x0 + (x1 - x0 - nat) / 2
                    y = top - k * line_h + self.baseline(line_h, size)
                    items += place_line(line, x, y, size, tracking)
            for x in sorted({c[0] for c in laid} | {laid[-1][1]}):
                items.append(Rule(x, 0.0, x, -height))
            items.append(Rule(MARGIN_LEFT, 0.0, MARGIN_LEFT + CORE_WIDTH, 0.0))
            items.append(Rule(MARGIN_LEFT, -height, MARGIN_LEFT + CORE_WIDTH, -height))
            boxes.append(Box(height, items))
        return boxes

    def block(self, block) -> list[Box] | None:
        if isinstance(block, Para):
            return self.para(block)
        if isinstance(block, Title):
            if block.font not in ("heading", "song"):
                raise ValueError(f"unknown title font {block.font!r}")
            return self.title(block.text, block.size, block.font)
        if isinstance(block, Heading):
            return self.title(block.text, "一号", "heading")
        if isinstance(block, RightLine):
            return self.right_line(block)
        if isinstance(block, KeyValueTable):
            return self.table(block)
        if isinstance(block, Signatures):
            return self.signatures(block)
        if isinstance(block, Spacer):
            return [Box(block.lines * LINE_PITCH, is_space=True)]
        if isinstance(block, PageBreak):
            return None
        if hasattr(block, "layout"):  # report blocks (documents.figures) lay themselves out
            return block.layout(self)
        raise TypeError(f"not a document block: {block!r}")


# --- boxes to pages ---


@dataclass
class Layout:
    pages: list[Page]
    footer_lines: int  # lines of the type area kept for the page footer


def _chunks(boxes: list[Box]) -> list[list[Box]]:
    """Boxes that must go on one page together: a group, or a box kept with the next one."""
    chunks: list[list[Box]] = []
    current: list[Box] = []
    for k, box in enumerate(boxes):
        current.append(box)
        nxt = boxes[k + 1] if k + 1 < len(boxes) else None
        same_group = nxt is not None and box.group is not None and nxt.group == box.group
        if nxt is not None and (box.keep_with_next or same_group):
            continue
        chunks.append(current)
        current = []
    if current:
        chunks.append(current)
    return chunks


# Blocks whose boxes depend on nothing but the block and the fonts: laid out once per batch.
# (Signatures are not among them: their boxes carry a group number counted per document.)
_MEMO_BLOCKS = (Para, Title, Heading, RightLine, KeyValueTable)


class LayoutMemo:
    """Boxes of blocks already laid out with one FontSet, shared by the documents of a batch:
    the boilerplate paragraphs of 500 rulings are broken into lines once. Boxes are never
    changed after a block is laid out, so sharing them is safe."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self.boxes: dict[Block, list[Box] | None] = {}


def layout_document(doc: Document, fonts: FontSet, memo: LayoutMemo | None = None) -> Layout:
    """Place every block; the page count is known when this returns.

    `memo` (made with the same `fonts`) lets the documents of a batch share the layout of the
    blocks they have in common.
    """
    lay = _Layouter(fonts)
    footer_lines = 1 if doc.page_footer else 0
    usable = CORE_HEIGHT - footer_lines * LINE_PITCH
    if memo is not None and memo.fonts is not fonts:
        raise ValueError("the layout memo was made for other fonts")
    known = memo.boxes if memo is not None else None

    sections: list[list[Box]] = [[]]  # split by PageBreak
    for block in doc.blocks:
        if known is not None and isinstance(block, _MEMO_BLOCKS):
            try:
                boxes = known[block]
            except KeyError:
                boxes = known[block] = lay.block(block)
        else:
            boxes = lay.block(block)
        if boxes is None:
            sections.append([])
        else:
            sections[-1].extend(boxes)

    pages: list[Page] = []
    for section in sections:
        page = Page()
        pages.append(page)
        used = 0.0
        for chunk in _chunks(section):
            height = sum(b.height for b in chunk)
            if used + height > usable + 1e-6 and used > 0 and height <= usable + 1e-6:
                page = Page()
                pages.append(page)
                used = 0.0
            for box in chunk:
                if used + box.height > usable + 1e-6 and used > 0:
                    page = Page()
                    pages.append(page)
                    used = 0.0
                if box.is_space and used == 0 and len(pages) > 1:
                    continue  # no blank space at the top of a continued page
                top = CORE_TOP - used
                for item in box.items:
                    page.items.append(_shift(item, top))
                used += box.height
    return Layout(pages, footer_lines)


def _shift(item: Item, top: float) -> Item:
    if hasattr(item, "shifted"):  # a chart (documents.figures)
        return item.shifted(top)
    if isinstance(item, Glyphs):
        return Glyphs(
            item.x, top + item.y, item.text, item.face, item.size, item.char_space, item.bold
        )
    return Rule(item.x1, top + item.y1, item.x2, top + item.y2, item.width)


def footer_items(text: str, fonts: FontSet) -> list[Glyphs]:
    """The page footer, flush right on the last line of the type area."""
    chars = _measure(fonts.body, text, BODY_SIZE, BODY_TRACKING, False)
    natural = _natural(chars) - BODY_TRACKING
    top = CORE_BOTTOM + LINE_PITCH
    y = top - ((LINE_PITCH - BODY_SIZE) / 2 + ASCENT * BODY_SIZE)
    return place_line(chars, MARGIN_LEFT + CORE_WIDTH - natural, y, BODY_SIZE, BODY_TRACKING)


def page_number_items(text: str, fonts: FontSet) -> list[Glyphs]:
    """The page number, centred, its top 7 mm below the type area."""
    chars = _measure(fonts.song, text, PAGE_NUMBER_SIZE, 0.0, False)
    natural = _natural(chars)
    y = CORE_BOTTOM - PAGE_NUMBER_GAP - ASCENT * PAGE_NUMBER_SIZE
    return place_line(chars, MARGIN_LEFT + (CORE_WIDTH - natural) / 2, y, PAGE_NUMBER_SIZE, 0.0)


def lines_needed(height: float) -> int:
    return math.ceil(height / LINE_PITCH - 1e-9)
