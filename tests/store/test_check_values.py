"""records.check_values checks a change's fields with rules compiled once per record type: it must
accept exactly what records.check_value accepts, field by field, and a page that says its strings
are storable (sync.protocol.page_from_body) must hold only storable strings."""

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from workstation.domain.money import MAX_FEN
from workstation.store.errors import ChangeRefused
from workstation.store.records import (
    DATE,
    ENUM,
    MAX_INT,
    RECORD_TYPES,
    Field,
    check_value,
    check_values,
    storable,
)
from workstation.sync import protocol

# every character, surrogates included (hypothesis leaves them out by default)
ANY_CHAR = st.characters(exclude_categories=())


def values_for(f: Field) -> st.SearchStrategy:
    near = [None, True, False, 0, 1, 2, -1, 1.0, MAX_FEN, MAX_FEN + 1, MAX_INT, MAX_INT + 1, ""]
    kinds = [
        st.sampled_from(near),
        st.integers(),
        st.text(ANY_CHAR, max_size=8),
        st.lists(st.integers(), max_size=2),
        st.binary(max_size=3),
        st.sampled_from(["\x00", "a\x00", "\ud800", "王五", "2024-02-29", "2023-02-29"]),
    ]
    if f.kind == DATE:
        kinds.append(st.dates().map(lambda d: d.isoformat()))
        kinds.append(st.sampled_from(["2024-2-01", "2024-02-30", "20240201", "２０２４-01-01"]))
    if f.kind == ENUM:
        kinds.append(st.sampled_from(f.allowed()))
    return st.one_of(kinds)


def verdict(check: object, *args: object, **kwargs: object) -> bool:
    try:
        check(*args, **kwargs)  # type: ignore[operator]
    except ChangeRefused:
        return False
    return True


@given(st.data())
def test_check_values_accepts_exactly_what_check_value_accepts(data: st.DataObject) -> None:
    rt = data.draw(st.sampled_from(sorted(RECORD_TYPES.values(), key=lambda r: r.name)))
    f = data.draw(st.sampled_from(rt.fields))
    value = data.draw(values_for(f))
    accepted = verdict(check_value, rt, f.name, value)
    assert verdict(check_values, rt, {f.name: value}) == accepted
    # told that every string is storable, it takes the word for it, and only for that
    vouched = verdict(check_values, rt, {f.name: value}, strings_storable=True)
    assert vouched == accepted or (isinstance(value, str) and not storable(value))


@pytest.mark.parametrize("name", ["no_such_field", "id", "_origin"])
def test_a_field_the_record_type_lacks_is_refused_by_both(name: str) -> None:
    rt = RECORD_TYPES["party"]
    assert not verdict(check_value, rt, name, "x")
    with pytest.raises(ChangeRefused, match="没有字段"):
        check_values(rt, {"name": "王五", name: "x"})


def test_the_refusal_names_the_field_and_the_value() -> None:
    with pytest.raises(ChangeRefused) as refused:
        check_values(RECORD_TYPES["case"], {"case_number": "（2021）豫0302执1号", "principal": -5})
    assert "principal" in refused.value.detail and "-5" in refused.value.detail


def page_body(strings: list[str], ascii_only: bool) -> bytes:
    page = {"changes": strings, "next": 1, "more": False}
    return json.dumps(page, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@given(st.lists(st.text(ANY_CHAR, max_size=6), max_size=4), st.booleans())
@example(["a\x00b"], True)
@example(["\ud800"], True)
@example(["\udfff王"], False)
@example(["\\u0000"], False)  # a backslash before "u0000": a false alarm, never a miss
def test_a_page_said_storable_holds_only_storable_strings(
    strings: list[str], ascii_only: bool
) -> None:
    body = page_body(strings, ascii_only)
    try:
        read, _, _, storable_strings = protocol.page_from_body(body)
    except protocol.ProtocolError:  # a raw surrogate: not UTF-8
        assert any(not storable(s) for s in strings) and not ascii_only
        return
    assert read == strings
    if storable_strings:
        assert all(storable(s) for s in read)
    if all(s.isascii() and s.isprintable() and "\\" not in s for s in strings):
        assert storable_strings  # no escape at all: nothing to check again


def test_a_pulled_change_with_an_escaped_nul_is_refused_from_a_page() -> None:
    """The flag from the page reaches the change: an escaped NUL in a name is still refused."""
    change = {
        "change_id": "c1",
        "record_type": "party",
        "record_id": "p1",
        "fields": {"case_id": "k1", "role": "debtor", "kind": "person", "name": "王\x00五"},
        "base": {},
        "officer": "张伟",
        "device": "d1",
        "at": "2026-11-27T00:00:00Z",
        "server_seq": 1,
    }
    body = json.dumps({"changes": [change], "next": 1, "more": False}, ensure_ascii=False)
    wires, _, _, storable_strings = protocol.page_from_body(body.encode())
    assert not storable_strings
    with pytest.raises(protocol.ProtocolError):
        protocol.pulled_from_wire(wires[0], strings_storable=storable_strings)
    clean = body.replace("\\u0000", "").encode()
    wires, _, _, storable_strings = protocol.page_from_body(clean)
    assert storable_strings
    pulled = protocol.pulled_from_wire(wires[0], strings_storable=storable_strings)
    assert pulled.fields["name"] == "王五"
