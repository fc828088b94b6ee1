"""Injected faults: latency, error answers, resets and truncated bodies.

A rule applies to one operation (`roles.list`), one route (`GET /role`), or
every request (`*`). Rules are checked in the order they were added; the
first that fires decides. `times=N` limits a rule to its first N matching
requests; `probability=p` makes it fire at random, from a generator seeded
with the emulator's seed, so a run can be repeated exactly.

The text form, used by `--faults` on the command line, is rules separated
by `;`, each `TARGET:key=value,key=value`:

    roles.list:status=429,retry_after=1,times=2;*:latency=0.05
    GET /role/{id}:reset,probability=0.1;roles.create:truncate

Keys: `latency` (seconds), `status` (an HTTP status to answer instead),
`retry_after` (the `Retry-After` value, seconds or an HTTP date),
`retry_after_ms`, `reset` (close the connection without answering),
`truncate` (send part of the body, then close), `times`, `probability`.
"""

from __future__ import annotations

import random
import threading
from typing import Dict, List, Optional

import attrs

__all__ = ["Fault", "Faults", "FaultSpecError", "parse_faults"]


class FaultSpecError(ValueError):
    """A fault rule that cannot be understood."""


@attrs.define
class Fault:
    """One rule. Exactly one of `status`, `reset`, `truncate` may be set; `latency` combines with any."""

    target: str
    latency: float = 0.0
    status: Optional[int] = None
    retry_after: Optional[str] = None
    retry_after_ms: Optional[int] = None
    reset: bool = False
    truncate: bool = False
    times: Optional[int] = None
    probability: float = 1.0
    fired: int = 0

    def __attrs_post_init__(self) -> None:
        if sum((self.status is not None, self.reset, self.truncate)) > 1:
            raise FaultSpecError(f"{self.target}: choose one of status=, reset, truncate")
        if self.status is not None and not 100 <= self.status <= 599:
            raise FaultSpecError(f"{self.target}: status must be an HTTP status, got {self.status}")
        if not 0.0 <= self.probability <= 1.0:
            raise FaultSpecError(f"{self.target}: probability must be between 0 and 1")
        if self.latency < 0 or (self.times is not None and self.times < 0):
            raise FaultSpecError(f"{self.target}: latency and times must not be negative")

    def matches(self, operation_id: Optional[str], method: str, template: Optional[str]) -> bool:
        return self.target == "*" or self.target == operation_id or self.target == f"{method} {template}"

    def headers(self) -> Dict[str, str]:
        """Headers of the error answer this rule sends."""
        out: Dict[str, str] = {}
        if self.retry_after is not None:
            out["Retry-After"] = self.retry_after
        if self.retry_after_ms is not None:
            out["retry-after-ms"] = str(self.retry_after_ms)
        return out


_FLAGS = {"reset", "truncate"}
_NUMBERS = {"latency": float, "status": int, "retry_after_ms": int, "times": int, "probability": float}


def parse_faults(text: str) -> List[Fault]:
    """Rules from the text form (see the module docstring)."""
    rules: List[Fault] = []
    for chunk in filter(None, (part.strip() for part in text.split(";"))):
        target, sep, settings = chunk.rpartition(":") if ":" in chunk else (chunk, "", "")
        if not sep or not target.strip():
            raise FaultSpecError(f"{chunk!r}: expected TARGET:key=value,... (e.g. roles.list:status=429)")
        options: Dict[str, object] = {}
        for item in filter(None, (part.strip() for part in settings.split(","))):
            key, has_value, value = item.partition("=")
            key = key.strip().replace("-", "_")
            if key in _FLAGS and not has_value:
                options[key] = True
            elif key == "retry_after" and has_value:
                options[key] = value.strip()
            elif key in _NUMBERS and has_value:
                try:
                    options[key] = _NUMBERS[key](value)
                except ValueError:
                    raise FaultSpecError(f"{chunk!r}: {key} needs a number, got {value!r}") from None
            else:
                raise FaultSpecError(f"{chunk!r}: unknown setting {item!r}")
        rules.append(Fault(target.strip(), **options))  # type: ignore[arg-type]
    return rules


class Faults:
    """The emulator's fault rules; thread-safe."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._rules: List[Fault] = []
        self._random = random.Random(seed)

    def add(self, target: str, **settings: object) -> Fault:
        """Add a rule, e.g. `faults.add("roles.list", status=429, retry_after="1", times=2)`."""
        rule = Fault(target, **settings)  # type: ignore[arg-type]
        with self._lock:
            self._rules.append(rule)
        return rule

    def load(self, text: str) -> List[Fault]:
        """Add the rules of a text spec (see the module docstring)."""
        rules = parse_faults(text)
        with self._lock:
            self._rules.extend(rules)
        return rules

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    @property
    def rules(self) -> List[Fault]:
        with self._lock:
            return list(self._rules)

    def pick(self, operation_id: Optional[str], method: str, template: Optional[str]) -> Optional[Fault]:
        """The rule that fires for this request, if any (and count it)."""
        with self._lock:
            for rule in self._rules:
                if not rule.matches(operation_id, method, template):
                    continue
                if rule.times is not None and rule.fired >= rule.times:
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                rule.fired += 1
                return rule
        return None
