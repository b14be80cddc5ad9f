"""UUIDv7 record ids (RFC 9562): layout, time, order, determinism."""

import itertools
import time
import uuid

from workstation.ids import uuid7, uuid7_time_ms


def test_version_and_variant_bits() -> None:
    for _ in range(100):
        value = uuid.UUID(uuid7())
        assert value.version == 7
        assert value.variant == uuid.RFC_4122
        assert (value.int >> 76) & 0xF == 7
        assert (value.int >> 62) & 0b11 == 0b10


def test_text_form_is_the_canonical_lowercase_spelling() -> None:
    text = uuid7()
    assert text == str(uuid.UUID(text))
    assert len(text) == 36
    assert text[14] == "7"


def test_time_field_is_now() -> None:
    before = time.time_ns() // 1_000_000
    made = uuid7_time_ms(uuid7())
    after = time.time_ns() // 1_000_000
    # A burst may borrow a few milliseconds ahead (counter overflow), never seconds.
    assert before - 1 <= made <= after + 1_000


def test_ids_made_in_a_tight_loop_strictly_increase() -> None:
    ids = [uuid7() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert all(a < b for a, b in itertools.pairwise(ids))
    numbers = [uuid.UUID(i).int for i in ids]
    assert numbers == sorted(numbers)


def test_ids_with_given_time_and_randomness_are_deterministic() -> None:
    rand = bytes(range(10, 20))
    ms = 1_767_225_600_000  # 2026-01-01T00:00:00Z
    first = uuid7(ms=ms, rand=rand)
    assert first == uuid7(ms=ms, rand=rand)
    assert uuid7_time_ms(first) == ms
    value = uuid.UUID(first)
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert (value.int >> 64) & 0xFFF == int.from_bytes(rand[:2], "big") & 0xFFF
    assert value.int & ((1 << 62) - 1) == int.from_bytes(rand[2:], "big") & ((1 << 62) - 1)


def test_different_randomness_gives_different_ids_in_the_same_millisecond() -> None:
    ms = 1_767_225_600_000
    assert uuid7(ms=ms, rand=bytes(10)) != uuid7(ms=ms, rand=bytes(9) + b"\x01")


def test_later_time_sorts_later_whatever_the_randomness() -> None:
    ms = 1_767_225_600_000
    assert uuid7(ms=ms, rand=b"\xff" * 10) < uuid7(ms=ms + 1, rand=bytes(10))
