"""Policy rule values: type-enforcement rules, MCS constraints, booleans, type transitions."""

from __future__ import annotations

import enum

import attrs

ALL = "*"  # every permission of the class, or every class


class RuleKind(enum.Enum):
    ALLOW = "allow"
    DONTAUDIT = "dontaudit"


@attrs.frozen(repr=False)
class TeRule:
    """``allow SOURCE TARGET:{ CLASSES } { PERMS };`` (optionally under a boolean)."""

    kind: RuleKind
    source: str
    targets: tuple[str, ...]
    classes: tuple[str, ...]
    perms: tuple[str, ...]
    boolean: str | None = None
    origin: str = ""

    def text(self) -> str:
        """The rule in policy language, as ``sesearch`` prints it."""
        return (
            f"{self.kind.value} {self.source} {_set(self.targets)}:{_set(self.classes)} "
            f"{_set(self.perms)};"
        )


def _set(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else "{ " + " ".join(items) + " }"


def allow(
    source: str,
    target: str,
    classes: str,
    perms: str,
    *,
    boolean: str | None = None,
    origin: str = "",
) -> TeRule:
    """A rule from its policy-language pieces: ``allow("virt_domain", "svirt_image_t", ...)``."""
    return TeRule(
        RuleKind.ALLOW,
        source,
        tuple(target.split()),
        tuple(classes.split()),
        tuple(perms.split()),
        boolean,
        origin,
    )


def dontaudit(source: str, target: str, classes: str, perms: str, *, origin: str = "") -> TeRule:
    return TeRule(
        RuleKind.DONTAUDIT,
        source,
        tuple(target.split()),
        tuple(classes.split()),
        tuple(perms.split()),
        None,
        origin,
    )


class Expression(enum.Enum):
    """Fedora's MCS constraint expressions (each also says ``or t1 != mcs_constrained_type``)."""

    H1_DOM_H2 = "h1 dom h2"
    H1_DOM_H2_AND_L2_EQ_H2 = "(h1 dom h2) and (l2 eq h2)"
    L2_EQ_H2 = "l2 eq h2"


@attrs.frozen(repr=False, eq=False)
class Constraint:
    """``mlsconstrain CLASSES PERMS (EXPR or t1 != mcs_constrained_type);``"""

    classes: tuple[str, ...]
    perms: tuple[str, ...]
    expression: Expression

    def covers(self, tclass: str, perm: str) -> bool:
        return tclass in self.classes and perm in self.perms


def mlsconstrain(classes: str, perms: str, expression: Expression) -> Constraint:
    return Constraint(tuple(classes.split()), tuple(perms.split()), expression)


@attrs.frozen(repr=False, eq=False)
class Boolean:
    name: str
    default: bool
    description: str


@attrs.frozen(repr=False, eq=False)
class TypeTransition:
    """``type_transition SOURCE PARENT:CLASS NEW;`` for files created in PARENT."""

    source: str
    parent: str
    tclass: str
    new_type: str
