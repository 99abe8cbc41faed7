"""Security contexts ``user:role:type:level`` with MCS levels, as the targeted policy has them.

The targeted policy has one sensitivity (``s0``) and 1024 categories (``c0``..``c1023``):
``MCS_CATS = 1024`` in the policy's ``build.conf``. Output is the kernel's canonical form:
categories ascending, runs of three or more folded to ``cA.cB``, pairs written ``cA,cB``.
"""

from __future__ import annotations

import functools
import re

import attrs

from simulator.errors import ContextError

CATEGORY_COUNT = 1024
SENSITIVITY_COUNT = 1  # targeted: gen_sens(1)

_NAME = re.compile(r"[A-Za-z0-9_]+\Z")
_CATEGORY = re.compile(r"c([0-9]+)\Z")
_SENSITIVITY = re.compile(r"s([0-9]+)\Z")


def _category(text: str, whole: str) -> int:
    match = _CATEGORY.match(text)
    if match is None:
        raise ContextError(f"invalid category {text!r} in {whole!r}")
    digits = match.group(1)
    if len(digits.lstrip("0")) > len(str(CATEGORY_COUNT)):  # no int() of 5,000 digits
        raise ContextError(f"category {text} is beyond c{CATEGORY_COUNT - 1} in {whole!r}")
    number = int(digits)
    if number >= CATEGORY_COUNT:
        raise ContextError(f"category c{number} is beyond c{CATEGORY_COUNT - 1} in {whole!r}")
    return number


def parse_categories(text: str, whole: str | None = None) -> frozenset[int]:
    """Parse ``c0.c3,c7`` (lists and ranges mixed) into a set of category numbers."""
    whole = text if whole is None else whole
    if not text:
        raise ContextError(f"empty category set in {whole!r}")
    cats: set[int] = set()
    for item in text.split(","):
        if not item:
            raise ContextError(f"empty category in {whole!r}")
        low_text, dot, high_text = item.partition(".")
        low = _category(low_text, whole)
        if not dot:
            cats.add(low)
            continue
        high = _category(high_text, whole)
        if high < low:
            raise ContextError(f"reversed category range {item!r} in {whole!r}")
        cats.update(range(low, high + 1))
    return frozenset(cats)


def format_categories(cats: frozenset[int]) -> str:
    """The kernel's canonical text: ``c0.c1023``, ``c1,c3``, ``c0.c2,c7``."""
    if len(cats) <= 2:  # an MCS pair, or one category: no run of three to fold
        return ",".join([f"c{n}" for n in sorted(cats)])
    parts: list[str] = []
    ordered = sorted(cats)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"c{ordered[i]}.c{ordered[j]}")
        else:
            parts.extend(f"c{n}" for n in ordered[i : j + 1])
        i = j + 1
    return ",".join(parts)


def _frozen_ints(values: frozenset[int] | set[int] | tuple[int, ...]) -> frozenset[int]:
    return frozenset(values)


@attrs.frozen(order=False)
class Level:
    """One MLS level: a sensitivity and a set of categories."""

    sensitivity: int = 0
    categories: frozenset[int] = attrs.field(default=frozenset(), converter=_frozen_ints)

    @classmethod
    def parse(cls, text: str, whole: str | None = None) -> Level:
        whole = text if whole is None else whole
        sens_text, colon, cats_text = text.partition(":")
        match = _SENSITIVITY.match(sens_text)
        if match is None:
            raise ContextError(f"invalid sensitivity {sens_text!r} in {whole!r}")
        digits = match.group(1)
        sensitivity = int(digits) if len(digits) < 6 else SENSITIVITY_COUNT
        if sensitivity >= SENSITIVITY_COUNT:
            raise ContextError(f"unknown sensitivity {sens_text!r} in {whole!r} (only s0 exists)")
        cats = parse_categories(cats_text, whole) if colon else frozenset()
        return cls(sensitivity, cats)

    def dominates(self, other: Level) -> bool:
        """``dom``: sens(self) >= sens(other) and cats(self) is a superset of cats(other)."""
        return self.sensitivity >= other.sensitivity and self.categories >= other.categories

    def dominated_by(self, other: Level) -> bool:
        """``domby``: the reverse of ``dom``."""
        return other.dominates(self)

    def incomparable(self, other: Level) -> bool:
        """``incomp``: neither dominates the other."""
        return not self.dominates(other) and not other.dominates(self)

    def _key(self) -> tuple[int, tuple[int, ...]]:
        return (self.sensitivity, tuple(sorted(self.categories)))

    def __lt__(self, other: Level) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Level) -> bool:
        return self._key() <= other._key()

    def __str__(self) -> str:
        if not self.categories:
            return f"s{self.sensitivity}"
        return f"s{self.sensitivity}:{format_categories(self.categories)}"


@attrs.frozen(order=True)
class MlsRange:
    """A range ``low[-high]``; a single level has low == high. The high level dominates the low."""

    low: Level
    high: Level

    def __attrs_post_init__(self) -> None:
        if not self.high.dominates(self.low):
            raise ContextError(f"range high {self.high} does not dominate low {self.low}")

    @classmethod
    def parse(cls, text: str, whole: str | None = None) -> MlsRange:
        whole = text if whole is None else whole
        low_text, dash, high_text = text.partition("-")
        low = Level.parse(low_text, whole)
        high = Level.parse(high_text, whole) if dash else low
        if not high.dominates(low):
            raise ContextError(f"range high {high} does not dominate low {low} in {whole!r}")
        return cls(low, high)

    @classmethod
    def single(cls, level: Level) -> MlsRange:
        return cls(level, level)

    def __str__(self) -> str:
        if self.low == self.high:
            return str(self.low)
        return f"{self.low}-{self.high}"


@attrs.frozen(order=True)
class SecurityContext:
    """``user:role:type:level``; parse with :meth:`parse`, print with ``str()``."""

    user: str
    role: str
    type: str
    range: MlsRange

    @classmethod
    def parse(cls, text: str) -> SecurityContext:
        return _parse_context(text)

    @classmethod
    def _parse(cls, text: str) -> SecurityContext:
        if not text:
            raise ContextError("empty security context")
        fields = text.split(":", 3)
        if len(fields) < 4:
            raise ContextError(f"security context {text!r} needs user:role:type:level")
        user, role, type_, level = fields
        for name, value in (("user", user), ("role", role), ("type", type_)):
            if not value:
                raise ContextError(f"empty {name} in security context {text!r}")
            if not _NAME.match(value):
                raise ContextError(f"bad characters in {name} {value!r} of {text!r}")
        if not level:
            raise ContextError(f"empty level in security context {text!r}")
        return cls(user, role, type_, MlsRange.parse(level, text))

    @property
    def low(self) -> Level:
        return self.range.low

    @property
    def high(self) -> Level:
        return self.range.high

    def with_type(self, type_: str) -> SecurityContext:
        return attrs.evolve(self, type=type_)

    def __str__(self) -> str:
        return f"{self.user}:{self.role}:{self.type}:{self.range}"


@functools.lru_cache(maxsize=4096)
def _parse_context(text: str) -> SecurityContext:
    """Contexts are immutable values, so parsing each distinct string once is enough."""
    return SecurityContext._parse(text)


# SecurityContext.parse without the classmethod's frame: for the kernel's AVC, which parses
# the subject's context on every cache miss.
parse_context = _parse_context
