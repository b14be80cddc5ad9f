"""Line breaking (避头尾) and the court page grid, checked on the layout itself."""

import pytest

from workstation.documents import Document, Para, Signatures, Spacer
from workstation.documents.layout import (
    BODY_SIZE,
    BODY_TRACKING,
    CANNOT_END,
    CANNOT_START,
    CHARS_PER_LINE,
    CORE_WIDTH,
    LINES_PER_PAGE,
    _measure,
    layout_document,
    line_texts,
    tokenize,
    wrap,
)


def body_lines(fonts, text: str, indent_chars: int = 0) -> list[str]:
    chars = _measure(fonts.body, text, BODY_SIZE, BODY_TRACKING, False)
    indent = indent_chars * (BODY_SIZE + BODY_TRACKING)
    return line_texts(wrap(chars, CORE_WIDTH - indent, CORE_WIDTH))


def test_a_line_holds_28_body_characters(fonts) -> None:
    lines = body_lines(fonts, "执" * 60)
    assert [len(line) for line in lines] == [28, 28, 4]


def test_a_comma_never_starts_a_line(fonts) -> None:
    # The 29th character is "，": a plain break would start line 2 with it.
    text = "本" * 28 + "，" + "院" * 10
    lines = body_lines(fonts, text)
    assert not lines[1].startswith("，")
    assert lines[0] == "本" * 27  # the last 本 goes down with the comma (推出)
    assert lines[1].startswith("本，")
    assert "".join(lines) == text


def test_a_run_of_closing_marks_moves_down_with_its_character(fonts) -> None:
    text = "本" * 27 + "院”。" + "执行"
    lines = body_lines(fonts, text)
    assert lines[1].startswith("院”。")
    assert "".join(lines) == text


def test_an_opening_bracket_never_ends_a_line(fonts) -> None:
    text = "本" * 27 + "（2024）豫0303执1234号"
    lines = body_lines(fonts, text)
    assert not lines[0].endswith("（")
    assert lines[1].startswith("（2024）")


def test_first_line_indent_is_two_characters(fonts) -> None:
    lines = body_lines(fonts, "执" * 40, indent_chars=2)
    assert [len(line) for line in lines] == [26, 14]


@pytest.mark.parametrize(
    "text",
    [
        "关于李某申请执行王某民间借贷纠纷一案，依据本院已经发生法律效力的（2023）豫0303民初3061号"
        "民事判决书，被执行人应向申请执行人偿还借款400，000元及利息。“被执行人”、“申请执行人”；"
        "《中华人民共和国民事诉讼法》第二百三十六条：不服本裁定的，可以在收到本裁定之日起十日内……"
        * 4,
        "，。、；：？！" * 30,
    ],
)
def test_no_line_starts_or_ends_badly_on_real_text(fonts, text: str) -> None:
    lines = body_lines(fonts, text, indent_chars=2)
    assert "".join(lines) == text
    if "本院" in text:
        for k, line in enumerate(lines):
            if k > 0:
                assert line[0] not in CANNOT_START, (k, line)
            assert line[-1] not in CANNOT_END, (k, line)


def test_digits_and_latin_stay_together() -> None:
    assert tokenize("偿还借款400000元，ID:AB-12") == [
        "偿",
        "还",
        "借",
        "款",
        "400000",
        "元",
        "，",
        "ID:AB-12",
    ]
    assert tokenize("可供执行的财产——无……") == [
        "可",
        "供",
        "执",
        "行",
        "的",
        "财",
        "产",
        "——",
        "无",
        "……",
    ]


def page_line_count(page) -> int:
    return len({round(item.y, 3) for item in page.items})


def test_a_page_holds_22_lines(fonts) -> None:
    doc = Document(
        (Para("执" * CHARS_PER_LINE * (LINES_PER_PAGE + 1), indent=False),),
        kind="report",
        page_numbers="",
    )
    layout = layout_document(doc, fonts)
    assert [page_line_count(p) for p in layout.pages] == [22, 1]
    assert all(len(page.text()) == 28 * 22 for page in layout.pages[:1])


def test_a_page_footer_takes_the_last_line(fonts) -> None:
    doc = Document(
        (Para("执" * CHARS_PER_LINE * 22, indent=False),),
        kind="interview_record",
        page_footer="签名：",
    )
    layout = layout_document(doc, fonts)
    assert [page_line_count(p) for p in layout.pages] == [21, 1]


def test_signatures_are_never_split_over_two_pages(fonts) -> None:
    doc = Document(
        (
            Para("执" * CHARS_PER_LINE * 20, indent=False),
            Signatures(("审　判　员　张三", "二〇二四年五月六日", "书　记　员　李四")),
        ),
        kind="ruling",
        page_numbers="",
    )
    pages = layout_document(doc, fonts).pages
    assert len(pages) == 2
    assert "张三" in pages[1].text() and "二〇二四年五月六日" in pages[1].text()
    assert "张三" not in pages[0].text()


def test_space_is_not_carried_to_the_top_of_a_page(fonts) -> None:
    doc = Document(
        (Para("执" * CHARS_PER_LINE * 22, indent=False), Spacer(3), Para("院")),
        kind="report",
        page_numbers="",
    )
    pages = layout_document(doc, fonts).pages
    assert len(pages) == 2
    first_y = max(item.y for item in pages[1].items)
    assert first_y == pytest.approx(max(item.y for item in pages[0].items))
