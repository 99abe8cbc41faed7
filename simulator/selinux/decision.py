"""Access decisions, with the reasons ``lab explain``, ``audit2why`` and ``audit2allow`` print.

Mirrors ``context_struct_compute_av()``: the TE rules grant permissions (conditional rules
only while their boolean is on), the MCS constraints then clear some of them, and
``dontaudit`` rules silence the denial without granting it (MCS does not bypass dontaudit).
"""

from __future__ import annotations

import enum
from typing import NamedTuple

import attrs

from simulator.selinux.classes import check_permissions, in_class_order
from simulator.selinux.context import SecurityContext
from simulator.selinux.rules import Constraint, Expression, RuleKind, TeRule
from simulator.selinux.state import SelinuxState


class Cause(enum.Enum):
    """Why a permission was decided as it was (audit2why's verdicts)."""

    ALLOWED = "allowed"
    TERULE = "missing type enforcement (TE) allow rule"
    BOOLEAN = "a boolean is off"
    CONSTRAINT = "MCS constraint"


def evaluate(expression: Expression, subject: SecurityContext, target: SecurityContext) -> bool:
    h1, h2, l2 = subject.high, target.high, target.low
    if expression is Expression.H1_DOM_H2:
        return h1.dominates(h2)
    if expression is Expression.H1_DOM_H2_AND_L2_EQ_H2:
        return h1.dominates(h2) and l2 == h2
    return l2 == h2


@attrs.frozen(repr=False, eq=False)
class PermissionVerdict:
    perm: str
    cause: Cause
    allowing_rules: tuple[TeRule, ...] = ()
    booleans: tuple[str, ...] = ()
    failed_constraints: tuple[Constraint, ...] = ()
    dontaudit: bool = False

    @property
    def allowed(self) -> bool:
        return self.cause is Cause.ALLOWED


@attrs.frozen(repr=False, eq=False)
class Decision:
    """The verdict on each requested permission, and whether denials are enforced."""

    scontext: SecurityContext
    tcontext: SecurityContext
    tclass: str
    verdicts: tuple[PermissionVerdict, ...]
    permissive: bool

    @property
    def denied(self) -> tuple[str, ...]:
        return in_class_order(self.tclass, {v.perm for v in self.verdicts if not v.allowed})

    @property
    def audited(self) -> tuple[str, ...]:
        """Denied permissions an AVC reports (dontaudit silences the rest)."""
        return in_class_order(
            self.tclass, {v.perm for v in self.verdicts if not v.allowed and not v.dontaudit}
        )

    @property
    def enforced(self) -> bool:
        """The access fails: something is denied, and neither mode nor domain is permissive."""
        return bool(self.denied) and not self.permissive

    def verdict(self, perm: str) -> PermissionVerdict:
        return next(v for v in self.verdicts if v.perm == perm)


def decide(
    state: SelinuxState,
    scontext: SecurityContext,
    tcontext: SecurityContext,
    tclass: str,
    perms: tuple[str, ...],
) -> Decision:
    check_permissions(tclass, perms)
    verdicts = tuple(
        _decide_one(state, scontext, tcontext, tclass, perm)
        for perm in in_class_order(tclass, set(perms))
    )
    permissive = not state.enforcing or state.is_permissive_domain(scontext.type)
    return Decision(scontext, tcontext, tclass, verdicts, permissive)


class _TypeVerdict(NamedTuple):
    """The type-enforcement part of a verdict: it depends on types only, not on levels."""

    granting: tuple[TeRule, ...]
    booleans: tuple[str, ...]
    dontaudit: bool
    mcs_constrained: bool


def _te(state: SelinuxState, stype: str, ttype: str, tclass: str, perm: str) -> _TypeVerdict:
    """Cached with the state, which empties the cache when rules or booleans change."""
    key = (stype, ttype, tclass, perm)
    cached = state.verdict_cache.get(key)
    if isinstance(cached, _TypeVerdict):
        return cached
    policy = state.policy
    candidates = policy.matching(RuleKind.ALLOW, stype, ttype, tclass, perm)
    granting = tuple(r for r in candidates if r.boolean is None or state.booleans.get(r.boolean))
    verdict = _TypeVerdict(
        granting=granting,
        booleans=()
        if granting
        else tuple(sorted({r.boolean for r in candidates if r.boolean is not None})),
        dontaudit=bool(policy.matching(RuleKind.DONTAUDIT, stype, ttype, tclass, perm)),
        mcs_constrained=policy.is_mcs_constrained(stype),
    )
    state.verdict_cache[key] = verdict
    return verdict


def _decide_one(
    state: SelinuxState,
    scontext: SecurityContext,
    tcontext: SecurityContext,
    tclass: str,
    perm: str,
) -> PermissionVerdict:
    te = _te(state, scontext.type, tcontext.type, tclass, perm)
    if not te.granting:
        cause = Cause.BOOLEAN if te.booleans else Cause.TERULE
        return PermissionVerdict(perm, cause, booleans=te.booleans, dontaudit=te.dontaudit)
    failed: tuple[Constraint, ...] = ()
    if te.mcs_constrained:
        failed = tuple(
            c
            for c in state.policy.constraints
            if c.covers(tclass, perm) and not evaluate(c.expression, scontext, tcontext)
        )
    if failed:
        return PermissionVerdict(
            perm, Cause.CONSTRAINT, te.granting, failed_constraints=failed, dontaudit=te.dontaudit
        )
    return PermissionVerdict(perm, Cause.ALLOWED, te.granting)
