"""Record and change identifiers: UUIDv7 (RFC 9562), made where the record is created.

Time-ordered, so records made offline on different laptops never collide and index well.
"""

import os
import threading
import time

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7(ms: int | None = None, rand: bytes | None = None) -> str:
    """A new UUIDv7 as text.

    `ms` and `rand` (10 bytes) make the id deterministic, for the demo generator. Without them
    ids made in the same millisecond by this process still sort in creation order (a 12-bit
    counter in `rand_a`, as RFC 9562 section 6.2 method 1 allows).
    """
    global _last_ms, _counter
    if rand is None:
        rand = os.urandom(10)
    if ms is None:
        with _lock:
            now = time.time_ns() // 1_000_000
            if now <= _last_ms:
                _counter += 1
                if _counter > 0xFFF:  # counter exhausted: borrow the next millisecond
                    _last_ms += 1
                    _counter = 0
                now = _last_ms
            else:
                _last_ms = now
                _counter = int.from_bytes(rand[:2], "big") & 0x3FF  # random start, room to count
            ms, rand_a = now, _counter
    else:
        rand_a = int.from_bytes(rand[:2], "big") & 0xFFF
    rand_b = int.from_bytes(rand[2:10], "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def uuid7_time_ms(text: str) -> int:
    """The creation time (Unix milliseconds) inside a UUIDv7."""
    return int(text.replace("-", ""), 16) >> 80
