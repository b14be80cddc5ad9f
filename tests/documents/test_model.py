import json

import pytest

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
    content_hash,
    document_from_json,
    document_to_json,
)


def every_block_document() -> Document:
    return Document(
        blocks=(
            Title("河南省洛阳市西工区人民法院", font="song"),
            Heading("执行裁定书"),
            RightLine("（2024）豫0303执1234号"),
            KeyValueTable((("约谈时间", "2024年5月6日", "地点", "约谈室"), ("被约谈人", "李䶮"))),
            Para("你对上述告知内容是否听清楚？", bold_prefix="问："),
            Para("第一行\n第二行", indent=False),
            Spacer(0.5),
            PageBreak(),
            Signatures(("审　判　员　张三", "二〇二四年五月六日"), align="right"),
        ),
        kind="interview_record",
        page_footer="被约谈人签名：＿＿＿＿＿＿",
        page_numbers="- {page} -",
    )


def test_json_round_trip_is_exact() -> None:
    doc = every_block_document()
    text = document_to_json(doc)
    back = document_from_json(text)
    assert back == doc
    assert document_to_json(back) == text


def test_json_is_stable_sorted_and_readable() -> None:
    text = document_to_json(every_block_document())
    assert text == json.dumps(
        json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    assert "执行裁定书" in text  # Chinese kept as text, not \u escapes


def test_content_hash_is_stable_and_changes_with_content() -> None:
    doc = every_block_document()
    assert content_hash(doc) == content_hash(document_from_json(document_to_json(doc)))
    assert len(content_hash(doc)) == 64
    changed = Document(doc.blocks[:-1], doc.kind, doc.page_footer, doc.page_numbers)
    assert content_hash(changed) != content_hash(doc)


def test_content_hash_of_a_fixed_document_never_changes() -> None:
    # A finalised record stores this hash: the JSON spelling is part of the stored data.
    doc = Document((Para("以上笔录已阅，与我所说一致。"),), kind="interview_record")
    assert document_to_json(doc) == (
        '{"blocks":[{"bold_prefix":"","indent":true,"text":"以上笔录已阅，与我所说一致。",'
        '"type":"Para"}],"format":1,"kind":"interview_record","page_footer":"",'
        '"page_numbers":"第 {page} 页 共 {pages} 页"}'
    )
    assert content_hash(doc) == "a57709d416d8e82ecf4ae4d92406714138ed5104a231c9e9127d5724024cc7e1"


def test_unknown_block_type_and_format_are_refused() -> None:
    with pytest.raises(ValueError, match="block type"):
        document_from_json(
            '{"blocks":[{"type":"Image"}],"format":1,"kind":"x","page_footer":"","page_numbers":""}'
        )
    with pytest.raises(ValueError, match="format"):
        document_from_json(
            '{"blocks":[],"format":99,"kind":"x","page_footer":"","page_numbers":""}'
        )
