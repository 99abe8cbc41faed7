"""Every row of the policy tables does what it says, for every type its target covers."""

from __future__ import annotations

import pytest

from simulator.selinux.context import SecurityContext
from simulator.selinux.decision import decide
from simulator.selinux.policy import Policy
from simulator.selinux.rules import ALL, RuleKind, TeRule
from simulator.selinux.state import SelinuxState
from simulator.selinux.targeted import RULES

POLICY = Policy.targeted()
SOURCES = {
    "virt_domain": "svirt_t",
    "application_domain_type": "svirt_t",
    "domain": "svirt_t",
    "unconfined_domain_type": "unconfined_t",
    "virt_daemon": "virtqemud_t",
}


def _types_with(name: str) -> list[str]:
    return sorted(t for t, names in POLICY.type_attributes.items() if name in names)


def _cases(kind: RuleKind) -> list[tuple[TeRule, str, str, str, str]]:
    cases = []
    for rule in RULES:
        if rule.kind is not kind:
            continue
        source = SOURCES.get(rule.source, rule.source)
        for target_name in rule.targets:
            for target in _types_with(target_name)[:4]:
                classes = ("file", "dir") if ALL in rule.classes else rule.classes
                for tclass in classes:
                    perms = ("read", "write", "open") if ALL in rule.perms else rule.perms
                    cases.extend((rule, source, target, tclass, perm) for perm in perms)
    return cases


def _state_with(boolean: str | None) -> SelinuxState:
    state = SelinuxState()
    if boolean is not None:
        state.set_boolean(boolean, True)
    return state


@pytest.mark.parametrize(("rule", "source", "target", "tclass", "perm"), _cases(RuleKind.ALLOW))
def test_allow_rows(rule: TeRule, source: str, target: str, tclass: str, perm: str) -> None:
    subject = SecurityContext.parse(f"system_u:system_r:{source}:s0:c1,c2")
    obj = SecurityContext.parse(f"system_u:object_r:{target}:s0")
    decision = decide(_state_with(rule.boolean), subject, obj, tclass, (perm,))
    assert decision.verdict(perm).allowed, rule.text()
    if rule.boolean is not None:
        off = decide(SelinuxState(), subject, obj, tclass, (perm,)).verdict(perm)
        if not off.allowed:
            assert rule.boolean in off.booleans


@pytest.mark.parametrize(("rule", "source", "target", "tclass", "perm"), _cases(RuleKind.DONTAUDIT))
def test_dontaudit_rows(rule: TeRule, source: str, target: str, tclass: str, perm: str) -> None:
    subject = SecurityContext.parse(f"system_u:system_r:{source}:s0:c1,c2")
    obj = SecurityContext.parse(f"system_u:object_r:{target}:s0:c9")
    verdict = decide(SelinuxState(), subject, obj, tclass, (perm,)).verdict(perm)
    if not verdict.allowed:
        assert verdict.dontaudit, rule.text()


def test_rule_text() -> None:
    rule = next(r for r in RULES if r.targets == ("virt_image_t",))
    assert rule.text() == "allow virt_domain virt_image_t:file { getattr ioctl lock open read };"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.text()[:60])
def test_every_rule_names_real_classes_and_permissions(rule: TeRule) -> None:
    from simulator.selinux.classes import check_permissions

    for tclass in rule.classes:
        if tclass != ALL and ALL not in rule.perms:
            check_permissions(tclass, rule.perms)
    for name in (rule.source, *rule.targets):
        assert POLICY.knows(name), name
