"""Why a denial happened, in the words of audit2why, audit2allow and ``lab explain``
(selinux-policy.md 5.5). Pure text from a :class:`Decision`."""

from __future__ import annotations

import re

import attrs

from simulator.selinux.classes import in_class_order
from simulator.selinux.context import SecurityContext, format_categories
from simulator.selinux.decision import Cause, Decision
from simulator.selinux.rules import Constraint, Expression

AVC = re.compile(
    r"avc:\s+denied\s+\{ (?P<perms>[^}]*) \} for .*?scontext=(?P<scontext>\S+) "
    r"tcontext=(?P<tcontext>\S+) tclass=(?P<tclass>\S+)"
)


@attrs.frozen(eq=False)
class ParsedAvc:
    line: str
    perms: tuple[str, ...]
    scontext: str
    tcontext: str
    tclass: str


def parse_avcs(text: str) -> list[ParsedAvc]:
    out = []
    for line in text.splitlines():
        match = AVC.search(line)
        if match:
            out.append(
                ParsedAvc(
                    line,
                    tuple(match.group("perms").split()),
                    match.group("scontext"),
                    match.group("tcontext"),
                    match.group("tclass"),
                )
            )
    return out


def constraint_text(constraint: Constraint, tclass: str) -> str:
    """audit2why's line for a failed constraint, ending in ``Constraint DENIED``."""
    perms = " ".join(in_class_order(tclass, set(constraint.perms)))
    exempt = "(t1 != mcs_constrained_type -Fail-) "
    expression = {
        Expression.H1_DOM_H2: f"((h1 dom h2 -Fail-)  or {exempt})",
        Expression.H1_DOM_H2_AND_L2_EQ_H2: (f"((h1 dom h2 -Fail-)  and (l2 eq h2)  or {exempt})"),
        Expression.L2_EQ_H2: f"((l2 eq h2 -Fail-)  or {exempt})",
    }[constraint.expression]
    return f"mlsconstrain {tclass} {{ {perms} }} {expression}; Constraint DENIED"


def _failed_constraints(decision: Decision) -> list[Constraint]:
    seen: list[Constraint] = []
    for verdict in decision.verdicts:
        for constraint in verdict.failed_constraints:
            if constraint not in seen:
                seen.append(constraint)
    return seen


def audit2why(decision: Decision, description: dict[str, str]) -> str:
    """The ``Was caused by:`` block for one AVC."""
    causes = {v.cause for v in decision.verdicts if not v.allowed}
    lines = ["\tWas caused by:"]
    if Cause.CONSTRAINT in causes:
        texts = [constraint_text(c, decision.tclass) for c in _failed_constraints(decision)]
        lines += ["#Constraint rule: ", "", "#\t" + texts[0], *texts[1:], ""]
        lines.append(
            f"#\tPossible cause is the source level ({decision.scontext.range}) and target "
            f"level ({decision.tcontext.range}) are different."
        )
    elif Cause.BOOLEAN in causes:
        booleans = sorted({b for v in decision.verdicts for b in v.booleans})
        for name in booleans:
            lines += [
                f"\tThe boolean {name} was set incorrectly. ",
                "\tDescription:",
                f"\t{description.get(name, '')}",
                "",
                "\tAllow access by executing:",
                f"\t# setsebool -P {name} 1",
            ]
    else:
        lines += [
            "\t\tMissing type enforcement (TE) allow rule.",
            "",
            "\t\tYou can use audit2allow to generate a loadable module to allow this access.",
        ]
    return "\n".join(lines) + "\n"


def _perm_text(perms: set[str]) -> str:
    ordered = sorted(perms)
    return ordered[0] if len(ordered) == 1 else "{ " + " ".join(ordered) + " }"


def audit2allow(decisions: list[Decision]) -> str:
    """audit2allow's rules, one per source, target and class (permissions merged), grouped
    by source type, with its constraint and boolean notes."""
    groups: dict[tuple[str, str, str], list[Decision]] = {}
    for decision in decisions:
        key = (decision.scontext.type, decision.tcontext.type, decision.tclass)
        groups.setdefault(key, []).append(decision)
    out: list[str] = []
    for source in sorted({key[0] for key in groups}):
        out += ["", f"#============= {source} =============="]
        for (_, target, tclass), members in groups.items():
            if members[0].scontext.type != source:
                continue
            constraints: list[Constraint] = []
            booleans: set[str] = set()
            perms: set[str] = set()
            for decision in members:
                perms.update(decision.denied)
                booleans.update(b for v in decision.verdicts for b in v.booleans)
                constraints += [c for c in _failed_constraints(decision) if c not in constraints]
            if constraints:
                first = members[0]
                out += [
                    "",
                    "#!!!! This avc is a constraint violation.  You would need to modify the "
                    "attributes of either the source or target types to allow this access.",
                    "#Constraint rule: ",
                    *(f"#\t{constraint_text(c, tclass)}" for c in constraints),
                    f"#\tPossible cause is the source level ({first.scontext.range}) and target "
                    f"level ({first.tcontext.range}) are different.",
                ]
            for name in sorted(booleans):
                out += ["", f"#!!!! This avc can be allowed using the boolean '{name}'"]
            out.append(f"allow {source} {target}:{tclass} {_perm_text(perms)};")
    return "\n".join(out) + "\n"


def _cats(context: SecurityContext) -> str:
    return "{" + format_categories(context.high.categories) + "}"


def explain(decision: Decision) -> str:
    """``lab explain``: subject, target, each permission's verdict and the MCS test."""
    s, t = decision.scontext, decision.tcontext
    lines = [
        f"subject: {s}",
        f"target:  {t}",
        f"class:   {decision.tclass}",
        f"denied:  {{ {' '.join(decision.denied)} }}"
        + (" (permissive: logged, not enforced)" if decision.permissive else ""),
        "",
    ]
    for verdict in decision.verdicts:
        if verdict.cause is Cause.ALLOWED:
            rule = verdict.allowing_rules[0]
            lines.append(f"{verdict.perm}: allowed by {rule.text()} ({rule.origin})")
        elif verdict.cause is Cause.TERULE:
            lines.append(
                f"{verdict.perm}: denied: no allow rule for {s.type} -> "
                f"{t.type}:{decision.tclass} {verdict.perm}"
                + (" (dontaudit: not logged)" if verdict.dontaudit else "")
            )
        elif verdict.cause is Cause.BOOLEAN:
            lines.append(
                f"{verdict.perm}: denied: allowed only while {' or '.join(verdict.booleans)} is on"
            )
        else:
            rule = verdict.allowing_rules[0]
            lines.append(
                f"{verdict.perm}: the type rule allows it ({rule.text()}), "
                "but the MCS constraint denies it"
            )
    if any(v.cause is Cause.CONSTRAINT for v in decision.verdicts):
        holds = t.high.categories <= s.high.categories
        lines += [
            "",
            f"MCS: {s.type} is an mcs_constrained_type, so h1 dom h2 must hold:",
            f"  {_cats(s)} \u2287 {_cats(t)}: {'yes' if holds else 'no'}",
        ]
    return "\n".join(lines) + "\n"
