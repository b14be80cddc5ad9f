"""The layout and the PDF text of varied documents equal what the reference layout produced.

`reference_layout.json` holds the documents (their stored JSON) and, for each, every item of
every page as laid out (runs of text with position, face, size, tracking, bold; table rules) by
the straightforward per-character layout of commit 2911ec7, before it was made fast, together
with each page's text as read back from the PDF. A change to layout.py or pdf.py that moves a
single character, changes a line break or a page break, or picks another font for a character
fails here. Regenerate only for an intended change of layout:

    .venv/bin/python -m tests.documents.test_layout_reference --write
"""

from __future__ import annotations

import io
import json
import random
import re
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from workstation.documents import (
    Document,
    FontSet,
    Heading,
    KeyValueTable,
    PageBreak,
    Para,
    RightLine,
    Signatures,
    Spacer,
    Title,
    bundled_fonts,
    document_from_json,
    document_to_json,
    render_combined_pdf,
)
from workstation.documents.layout import Glyphs, LayoutMemo, layout_document, tokenize

REFERENCE = Path(__file__).with_name("reference_layout.json")
RULINGS = Path(__file__).with_name("reference_rulings.jsonl")  # 3 generated rulings (bench cases)

LONG = (
    "关于申请执行人与被执行人民间借贷纠纷一案，本院依法向被执行人送达了执行通知书、报告财产令，"
    "责令其履行生效法律文书确定的义务（包括给付本金及利息），并于2024年3月1日通过网络执行查控系统"
    "查询了被执行人名下的存款、车辆、不动产、证券、网络资金等财产信息——未发现可供执行的财产……"
    "本院认为：被执行人暂无财产可供执行，申请执行人亦不能提供被执行人可供执行的财产线索。"
    "“申请执行人同意终结本次执行程序。”《最高人民法院关于严格规范终结本次执行程序的规定（试行）》"
    "第一条规定；ABC-12345、No.2024/05 和 https://example.org/a?b=c 保持完整。"
)


def hand_made() -> list[Document]:
    """Every kind of block, 避头尾 at line ends, runs of Latin and digits, rare and missing
    characters, page breaks and paragraphs that flow over pages."""
    return [
        Document(
            blocks=(
                Title("河南省洛阳市老城区人民法院", font="song"),
                Heading("执行裁定书"),
                RightLine("（2024）豫0302执1234号之一"),
                *(Para(LONG[k:] + LONG[:k]) for k in range(0, 60, 7)),
                Para("本" * 26 + "，" + "院" * 27 + "（" + "执" * 30 + "）。"),
                Para("被执行人：王𰻝，住河南省洛阳市。豈嵐露雷靈𥫗𧾷𰻞𱁬", bold_prefix="答："),
                Para("第一行\n第二行不缩进\n\n第四行  两个空格  之间", indent=False),
                Para("缺字：张\ue000三\u0378。" * 5),
                Spacer(1.5),
                Signatures(("审判员  张三", "", "二〇二四年五月六日", "书记员  李四")),
                PageBreak(),
                Title("附：财产查询结果", size="小二"),
                KeyValueTable(
                    (
                        ("约谈时间", "2024年5月6日9时30分", "地点", "执行局约谈室"),
                        ("被约谈人", "李䶮，申请执行人，" + LONG[:80]),
                        ("存款", LONG[:50], "车辆", "无"),
                    )
                ),
                KeyValueTable((("项目", "结果"), ("不动产", LONG[40:140])), size="小四"),
                Signatures(("约谈人：张三", "记录人：李四"), align="center"),
                Signatures(("左：甲",), align="left"),
                *(Para(f"第{n}段：" + LONG[: 20 + 9 * n], bold_prefix="问：") for n in range(12)),
            ),
            kind="report",
            page_footer="被约谈人签名：＿＿＿＿＿＿",
        ),
        Document(
            blocks=(
                Title("终本约谈笔录", size="小一"),
                Spacer(),
                Para("一" * 28 * 22 * 2 + "。"),
                Spacer(3),
                Para("页首不应留空白。"),
            ),
            kind="interview_record",
            page_numbers="- {page} -",
        ),
    ]


def documents() -> list[Document]:
    rulings = [document_from_json(line) for line in RULINGS.read_text("utf-8").splitlines()]
    return hand_made() + rulings


def laid_out(doc: Document, fonts: FontSet, memo: LayoutMemo | None = None) -> list[list[list]]:
    pages = []
    for page in layout_document(doc, fonts, memo).pages:
        items = []
        for item in page.items:
            if isinstance(item, Glyphs):
                items.append(
                    [
                        "text",
                        round(item.x, 4),
                        round(item.y, 4),
                        item.text,
                        item.face.label,
                        item.size,
                        round(item.char_space, 4),
                        item.bold,
                    ]
                )
            else:
                items.append(
                    [
                        "rule",
                        *(round(v, 4) for v in (item.x1, item.y1, item.x2, item.y2)),
                        item.width,
                    ]
                )
        pages.append(items)
    return pages


def pdf_pages(docs: list[Document], fonts: FontSet) -> list[str]:
    """Each page's text read back from one combined PDF, whitespace removed."""
    reader = PdfReader(io.BytesIO(render_combined_pdf(docs, fonts=fonts)))
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def compute(fonts: FontSet) -> dict:
    docs = documents()
    return {
        "documents": [document_to_json(d) for d in docs],
        "layouts": [laid_out(d, fonts) for d in docs],
        "pdf_pages": pdf_pages(docs, fonts),
    }


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(REFERENCE.read_text("utf-8"))


def test_the_reference_documents_are_the_ones_laid_out(reference) -> None:
    assert [document_to_json(d) for d in documents()] == reference["documents"]


def test_every_document_is_laid_out_as_the_reference(fonts, reference) -> None:
    for doc, expected in zip(documents(), reference["layouts"], strict=True):
        got = json.loads(json.dumps(laid_out(doc, fonts)))
        assert len(got) == len(expected), doc.kind
        for number, (page, want) in enumerate(zip(got, expected, strict=True), 1):
            assert page == want, f"{doc.kind}, page {number}"


def test_blocks_shared_by_the_documents_of_a_batch_are_laid_out_as_the_reference(
    fonts, reference
) -> None:
    memo = LayoutMemo(fonts)
    docs = documents()
    for doc, expected in zip(
        [*docs, *reversed(docs)],
        [*reference["layouts"], *reversed(reference["layouts"])],
        strict=True,
    ):
        assert json.loads(json.dumps(laid_out(doc, fonts, memo))) == expected, doc.kind


def test_signature_blocks_of_a_batch_are_kept_apart(fonts) -> None:
    """Signature boxes are grouped per document, so they are not shared between documents."""
    memo = LayoutMemo(fonts)
    sigs = Signatures(("审判员  张三", "书记员  李四"))
    filler = Para("执" * 28 * 20)
    first = Document((filler, sigs), kind="ruling")
    second = Document((filler, Signatures(("甲",)), sigs), kind="ruling")
    for doc in (first, second, first):
        assert laid_out(doc, fonts, memo) == laid_out(doc, fonts)


def test_the_combined_pdf_reads_back_as_the_reference(fonts, reference) -> None:
    assert pdf_pages(documents(), fonts) == reference["pdf_pages"]


def test_the_reference_covers_fallback_missing_characters_and_several_pages(reference) -> None:
    faces = {
        item[4]
        for layout in reference["layouts"]
        for page in layout
        for item in page
        if item[0] == "text"
    }
    assert len(faces) >= 3  # serif, serif bold (headings), sans (fallback)
    assert any(len(layout) >= 3 for layout in reference["layouts"])


if __name__ == "__main__" and "--write" in sys.argv:
    REFERENCE.write_text(
        json.dumps(compute(bundled_fonts()), ensure_ascii=False, indent=0) + "\n", "utf-8"
    )
    print(f"wrote {REFERENCE}")


def straightforward_tokenize(text: str) -> list[str]:
    """The character-by-character tokenizer the layout started with."""
    tokens: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if text.startswith("——", i) or text.startswith("……", i):
            tokens.append(text[i : i + 2])
            i += 2
        elif c.isascii() and not c.isspace():
            j = i + 1
            while j < len(text) and text[j].isascii() and not text[j].isspace():
                j += 1
            tokens.append(text[i:j])
            i = j
        else:
            tokens.append(c)
            i += 1
    return tokens


def test_tokens_are_those_of_the_straightforward_tokenizer() -> None:
    rng = random.Random(6)
    alphabet = "执行，。（）——……—…aZ09-./ \t\n\x0b\x1c\x1f\x7f\x00\u3000𰻝"
    texts = [LONG, "", " ", "———", "……—…", "a——b", "\x1cA\x1dB"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(40))) for _ in range(2000)]
    for text in texts:
        assert tokenize(text) == straightforward_tokenize(text), repr(text)
