"""Injected faults: slow answers, error statuses, resets and cut-short answers.

A client's retry and timeout handling only matters when something goes
wrong, and a real API rarely goes wrong on cue. Fault rules make it go wrong
on cue, identically over a socket and in-process.

A rule has a target, one kind, and optional limits:

* target: an operationId (`roles.list`), a route as `METHOD /path-template`
  (`GET /role/{id}`; each `{name}` matches one path segment), or `*` for
  every request, unknown routes included; a target that matches no
  operation of the spec is refused with the closest ones named;
* kind: `latency=SECONDS` (hold the answer back), `status=CODE` (answer
  with this 4xx/5xx instead, optionally with `retry_after=` seconds or an
  HTTP date for `Retry-After`, and `retry_after_ms=` for `retry-after-ms`),
  `reset` (close the connection without answering) or `truncate` (send the
  headers with the full Content-Length, part of the body, then close);
* `times=N`: fire on at most N requests; `probability=P`: fire on each
  matching request with chance P, drawn from a generator seeded with the
  emulator's seed so that a run repeats exactly.

Every matching latency rule adds its delay. Of the other rules, the first
that fires (in the order they were added) replaces the answer, and the app
is not called, so a faulted request never changes the emulator's state. A
request that is only delayed is handled by the app before the wait, like a
slow server whose answer arrives after the client gave up.

The text form, for `--faults` on the command line, is rules separated by
`;`, each `TARGET:SETTING,SETTING,...`, where a setting is `key=value` or
one of the bare words `reset` and `truncate`; `-` may stand for `_` in
keys, and a value may be double-quoted to hold `,`, `;` or `:`:

    roles.list:status=429,retry_after=1,times=2;*:latency=0.05
    GET /role/{id}:reset,probability=0.1
    roles.create:status=503,retry_after="Wed, 21 Oct 2026 07:28:00 GMT"
"""

from __future__ import annotations

import json
import math
import random
import re
import threading
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from typing import Dict, List, Literal, Optional, Protocol, Sequence, Tuple, Union

import attrs

from ._targets import target_problem

__all__ = ["App", "Fault", "Faults", "FaultSpecError", "Outcome", "parse_faults", "error_body", "reason_phrase"]

Action = Literal["answer", "reset", "truncate"]
Kind = Literal["latency", "status", "reset", "truncate"]
JSON_TYPE: Tuple[str, str] = ("Content-Type", "application/json; charset=utf-8")
RetryAfter = Union[str, int, float, datetime]

_OPERATION_ID = re.compile(r"[A-Za-z_][\w.-]*")
_METHOD = re.compile(r"[A-Za-z]+")
_PARAMETER = re.compile(r"\{[^{}/]+\}")
_SECONDS = re.compile(r"\d+(\.\d+)?")
_NEEDS_QUOTES = re.compile(r"[,;:]")


class FaultSpecError(ValueError):
    """A fault rule that cannot be understood; the message names the part and why."""


class App(Protocol):
    """What faults are applied around: the emulator's application layer."""

    def handle(self, method: str, target: str, headers: Sequence[Tuple[str, str]], body: bytes) -> Tuple[int, List[Tuple[str, str]], bytes]: ...

    def route_of(self, method: str, target: str) -> Optional[str]: ...


@attrs.frozen
class Outcome:
    """What to do with one request: wait `delay` seconds, then act.

    `action` is "answer" (send status, headers and body), "reset" (close the
    connection without a word) or "truncate" (send the head with the full
    Content-Length and only part of the body, then close).
    """

    status: int
    headers: Tuple[Tuple[str, str], ...]
    body: bytes
    delay: float = 0.0
    action: Action = "answer"


class Fault:
    """One rule; build it with `Faults.add` or `parse_faults`.

    `fired` counts the requests it has acted on. `str(rule)` is its text form.
    """

    def __init__(
        self,
        target: str,
        *,
        latency: Optional[float] = None,
        status: Optional[int] = None,
        reset: bool = False,
        truncate: bool = False,
        retry_after: Optional[RetryAfter] = None,
        retry_after_ms: Optional[float] = None,
        times: Optional[int] = None,
        probability: float = 1.0,
    ) -> None:
        self.target = target.strip()
        where = f"fault {self.target!r}"
        self._method, self._path = _parse_target(self.target, where)
        given: Tuple[Tuple[Kind, bool], ...] = (("latency", latency is not None), ("status", status is not None), ("reset", reset), ("truncate", truncate))
        chosen: List[Kind] = [kind for kind, on in given if on]
        if len(chosen) != 1:
            got = " and ".join(chosen) if chosen else "none"
            raise FaultSpecError(f"{where}: give exactly one of latency=, status=, reset, truncate (got {got})")
        self.kind: Kind = chosen[0]
        self.latency = _non_negative(latency, "latency", where) if latency is not None else 0.0
        self.status = _error_status(status, where) if status is not None else None
        if self.status is None and (retry_after is not None or retry_after_ms is not None):
            raise FaultSpecError(f"{where}: retry_after and retry_after_ms go with status=")
        self.retry_after = _retry_after(retry_after, where) if retry_after is not None else None
        self.retry_after_ms = _number_text(_non_negative(retry_after_ms, "retry_after_ms", where)) if retry_after_ms is not None else None
        self.times = _times(times, where) if times is not None else None
        self.probability = _probability(probability, where)
        self.fired = 0

    def matches(self, method: str, path: str, operation_id: Optional[str]) -> bool:
        """Whether this rule is about this request (before `times` and `probability`)."""
        if self._path is not None:
            return method.upper() == self._method and self._path.fullmatch(path) is not None
        return self.target == "*" or self.target == operation_id

    @property
    def exhausted(self) -> bool:
        """Whether the rule has fired its `times` and acts no more."""
        return self.times is not None and self.fired >= self.times

    def outcome(self, delay: float) -> Outcome:
        """The answer that replaces the app's when this (non-latency) rule fires."""
        if self.kind == "reset":
            return Outcome(0, (), b"", delay, "reset")
        if self.kind == "truncate":
            # Never completed, so its content does not matter; only its length does.
            body = json.dumps({"message": f"Injected fault: {self} cuts this answer short", "padding": "." * 64}).encode()
            return Outcome(200, (JSON_TYPE,), body, delay, "truncate")
        assert self.status is not None
        headers: List[Tuple[str, str]] = [JSON_TYPE]
        if self.retry_after is not None:
            headers.append(("Retry-After", self.retry_after))
        if self.retry_after_ms is not None:
            headers.append(("retry-after-ms", self.retry_after_ms))
        return Outcome(self.status, tuple(headers), error_body(self.status, f"Injected fault: {self}"), delay, "answer")

    def __str__(self) -> str:
        kinds = {"latency": f"latency={_number_text(self.latency)}", "status": f"status={self.status}"}
        settings = [kinds.get(self.kind, self.kind)]
        if self.retry_after is not None:
            quoted = _NEEDS_QUOTES.search(self.retry_after) is not None
            settings.append(f'retry_after="{self.retry_after}"' if quoted else f"retry_after={self.retry_after}")
        if self.retry_after_ms is not None:
            settings.append(f"retry_after_ms={self.retry_after_ms}")
        if self.times is not None:
            settings.append(f"times={self.times}")
        if self.probability != 1.0:
            settings.append(f"probability={_number_text(self.probability)}")
        return f"{self.target}:{','.join(settings)}"

    def __repr__(self) -> str:
        return f"<Fault {self} fired={self.fired}>"


class Faults:
    """The emulator's fault rules. Thread-safe.

    `seed` seeds the generator behind `probability`; `clear()` reseeds it, so
    the same rules after a clear draw the same sequence again.
    """

    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self._lock = threading.Lock()
        self._rules: List[Fault] = []
        self._random = random.Random(seed)

    def add(
        self,
        target: str,
        *,
        latency: Optional[float] = None,
        status: Optional[int] = None,
        reset: bool = False,
        truncate: bool = False,
        retry_after: Optional[RetryAfter] = None,
        retry_after_ms: Optional[float] = None,
        times: Optional[int] = None,
        probability: float = 1.0,
    ) -> Fault:
        """Add one rule, e.g. `add("roles.list", status=429, retry_after="1", times=2)`.

        Raises `FaultSpecError` for a rule that cannot work.
        """
        rule = Fault(
            target,
            latency=latency,
            status=status,
            reset=reset,
            truncate=truncate,
            retry_after=retry_after,
            retry_after_ms=retry_after_ms,
            times=times,
            probability=probability,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def load(self, spec: str) -> List[Fault]:
        """Add every rule of a text spec (see the module docstring); all or none."""
        rules = parse_faults(spec)
        with self._lock:
            self._rules.extend(rules)
        return rules

    def clear(self) -> None:
        """Remove every rule and reseed the generator."""
        with self._lock:
            self._rules.clear()
            self._random.seed(self._seed)

    @property
    def rules(self) -> List[Fault]:
        """A snapshot of the rules, in order."""
        with self._lock:
            return list(self._rules)

    def decide(self, method: str, path: str, operation_id: Optional[str]) -> Tuple[float, Optional[Fault]]:
        """Fire the rules for one request: the total delay and the rule that replaces the answer, if any."""
        delay = 0.0
        chosen: Optional[Fault] = None
        with self._lock:
            for rule in self._rules:
                if (chosen is not None and rule.kind != "latency") or rule.exhausted or not rule.matches(method, path, operation_id):
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.kind == "latency":
                    delay += rule.latency
                else:
                    chosen = rule
        return delay, chosen

    def apply(self, app: App, method: str, target: str, headers: Sequence[Tuple[str, str]], body: bytes) -> Outcome:
        """Decide the faults for one request, and call the app only if none replaces its answer."""
        path = target.partition("?")[0]
        delay, rule = self.decide(method, path, app.route_of(method, target))
        if rule is not None:
            return rule.outcome(delay)
        status, answer_headers, answer = app.handle(method, target, headers, body)
        return Outcome(status, tuple(answer_headers), answer, delay, "answer")


def parse_faults(spec: str) -> List[Fault]:
    """The rules of a text spec (see the module docstring).

    Raises `FaultSpecError` naming the rule at fault, e.g. for an unknown
    key, a value that is not a number, or a rule without a kind.
    """
    rules: List[Fault] = []
    for number, text in enumerate(_split(spec, ";", "the fault spec"), start=1):
        if not text:
            continue
        where = f"fault rule {number} {text!r}"
        target, colon, settings = text.partition(":")
        if not colon:
            raise FaultSpecError(f"{where}: expected TARGET:SETTING,... such as roles.list:status=429")
        options: Dict[str, str] = {}
        for item in _split(settings, ",", where):
            if not item:
                continue
            key, equals, value = item.partition("=")
            key = key.strip().replace("-", "_")
            if key in options:
                raise FaultSpecError(f"{where}: {key} is given twice")
            if key in ("reset", "truncate"):
                if equals:
                    raise FaultSpecError(f"{where}: {key} takes no value; write just {key}")
            elif key not in _KEYS:
                raise FaultSpecError(f"{where}: unknown setting {item.strip()!r}; known: {_KNOWN}")
            elif not equals or not value.strip():
                raise FaultSpecError(f"{where}: {key} needs a value, as in {key}=...")
            options[key] = _unquote(value.strip())
        latency, status = _to_float(options, "latency", where), _to_int(options, "status", where)
        retry_after_ms, times = _to_float(options, "retry_after_ms", where), _to_int(options, "times", where)
        chance = _to_float(options, "probability", where)
        try:
            rules.append(
                Fault(
                    target,
                    latency=latency,
                    status=status,
                    reset="reset" in options,
                    truncate="truncate" in options,
                    retry_after=options.get("retry_after"),
                    retry_after_ms=retry_after_ms,
                    times=times,
                    probability=1.0 if chance is None else chance,
                )
            )
        except FaultSpecError as error:
            raise FaultSpecError(f"{where}: {_problem(error, target)}") from None
    return rules


_KEYS = ("latency", "status", "retry_after", "retry_after_ms", "times", "probability")
_KNOWN = "latency, status, reset, truncate, retry_after, retry_after_ms, times, probability"


def _split(text: str, separator: str, where: str) -> List[str]:
    """`text` cut at `separator`, except inside double quotes; parts stripped."""
    parts: List[str] = []
    current: List[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if quoted:
        raise FaultSpecError(f"{where}: a double quote is not closed")
    parts.append("".join(current).strip())
    return parts


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _problem(error: FaultSpecError, target: str) -> str:
    """The message of a `Fault` error without its `fault 'TARGET': ` prefix."""
    message = str(error)
    prefix = f"fault {target.strip()!r}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _to_float(options: Dict[str, str], key: str, where: str) -> Optional[float]:
    if key not in options:
        return None
    try:
        value = float(options[key])
    except ValueError:
        raise FaultSpecError(f"{where}: {key} must be a number, got {options[key]!r}") from None
    return value


def _to_int(options: Dict[str, str], key: str, where: str) -> Optional[int]:
    if key not in options:
        return None
    try:
        return int(options[key])
    except ValueError:
        raise FaultSpecError(f"{where}: {key} must be a whole number, got {options[key]!r}") from None


def _parse_target(target: str, where: str) -> Tuple[Optional[str], Optional[re.Pattern[str]]]:
    """The method and path pattern of a route target; (None, None) for `*` or an operationId."""
    if target == "*" or _OPERATION_ID.fullmatch(target):
        _refuse_unknown(target, None, None, where)
        return None, None
    method, _, template = target.partition(" ")
    template = template.strip()
    if _METHOD.fullmatch(method) and template.startswith("/") and not re.search(r"[\s?#]", template):
        _refuse_unknown(target, method.upper(), template, where)
        pieces = _PARAMETER.split(template)
        return method.upper(), re.compile("[^/]+".join(re.escape(piece) for piece in pieces))
    if target.startswith("/"):
        raise FaultSpecError(f"{where}: a route needs its method, as in 'GET {target}'")
    raise FaultSpecError(f"{where}: the target must be an operationId (roles.list), a route (GET /role/{{id}}) or *")


def _refuse_unknown(target: str, method: Optional[str], template: Optional[str], where: str) -> None:
    """A `FaultSpecError` naming the closest operations, for a target that could never fire."""
    problem = target_problem(target, method, template)
    if problem is not None:
        raise FaultSpecError(f"{where}: {problem}")


def _non_negative(value: object, name: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise FaultSpecError(f"{where}: {name} must be a number of at least 0, got {value!r}")
    return float(value)


def _times(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FaultSpecError(f"{where}: times must be a whole number of at least 1, got {value!r}")
    return value


def _probability(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise FaultSpecError(f"{where}: probability must be between 0 and 1, got {value!r}")
    return float(value)


def _error_status(status: object, where: str) -> int:
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise FaultSpecError(f"{where}: status must be an error status from 400 to 599, got {status!r}")
    return status


def _retry_after(value: object, where: str) -> str:
    """The `Retry-After` header value: delay-seconds or an HTTP date."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise FaultSpecError(f"{where}: a retry_after datetime needs a time zone")
        return format_datetime(value.astimezone(timezone.utc), usegmt=True)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_text(_non_negative(value, "retry_after", where))
    if isinstance(value, str):
        text = value.strip()
        if _SECONDS.fullmatch(text):
            return text
        try:
            parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            pass
        else:
            if '"' not in text:
                return text
    raise FaultSpecError(f"{where}: retry_after must be seconds or an HTTP date, got {value!r}")


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def reason_phrase(status: int) -> str:
    """The standard phrase of a status ("Too Many Requests"), or "" for a code without one."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def error_body(status: int, message: str) -> bytes:
    """A JSON error body shaped like the API's own (NestJS): statusCode, message, error."""
    payload: Dict[str, object] = {"statusCode": status, "message": message}
    if reason_phrase(status):
        payload["error"] = reason_phrase(status)
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")
