"""A transport in front of the real server that fails the way networks do.

Each rule sees the request number (1-based, over the whole sync) and the method and path, and
decides what happens to that request: pass, drop the request, drop the response after the server
handled it, send it twice, delay it, or cut the response in half.
"""

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from workstation.sync.client import HttpTransport, Reply, TransportError

PASS, DROP_REQUEST, DROP_RESPONSE, DUPLICATE, DELAY, CUT = (
    "pass",
    "drop_request",
    "drop_response",
    "duplicate",
    "delay",
    "cut",
)
FAULTS = (DROP_REQUEST, DROP_RESPONSE, DUPLICATE, DELAY, CUT)

Rule = Callable[[int, str, str], str]


def every_nth(n: int, fault: str = DROP_REQUEST) -> Rule:
    """The deterministic pattern that stalls some replication engines for good."""
    return lambda number, method, path: fault if number % n == 0 else PASS


def step_fails_until(path_part: str, times: int, fault: str = DROP_RESPONSE) -> Rule:
    """The same step fails until it has been tried `times` times, then succeeds."""
    seen = {"n": 0}

    def rule(number: int, method: str, path: str) -> str:
        if path_part in path:
            seen["n"] += 1
            if seen["n"] <= times:
                return fault
        return PASS

    return rule


def random_faults(rate: float, seed: int, faults: tuple[str, ...] = FAULTS) -> Rule:
    rng = random.Random(seed)
    return lambda number, method, path: rng.choice(faults) if rng.random() < rate else PASS


@dataclass
class FaultyTransport:
    base_url: str
    rule: Rule
    delay_seconds: float = 0.05
    log: list[tuple[int, str, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.inner = HttpTransport(self.base_url, timeout=10)
        self.count = 0
        self.lock = threading.Lock()

    def request(self, method, path, **kw) -> Reply:
        with self.lock:
            self.count += 1
            number = self.count
        action = self.rule(number, method, path)
        self.log.append((number, method, path, action))
        if action == DROP_REQUEST:
            raise TransportError(f"injected: request {number} dropped")
        if action == DELAY:
            time.sleep(self.delay_seconds)
        reply = self.inner.request(method, path, **kw)
        if action == DUPLICATE:
            reply = self.inner.request(method, path, **kw)
        if action == DROP_RESPONSE:
            raise TransportError(f"injected: response {number} lost after the server handled it")
        if action == CUT and len(reply.body) > 1:
            return Reply(reply.status, reply.body[: len(reply.body) // 2], reply.headers)
        return reply

    def close(self) -> None:
        self.inner.close()

    def faults_injected(self) -> int:
        return sum(1 for *_, action in self.log if action != PASS)
