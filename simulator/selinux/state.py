"""SELinux host state: enforcing mode, booleans, loaded modules, permissive domains."""

from __future__ import annotations

from typing import Any

import attrs

from simulator.errors import InvalidArgument
from simulator.selinux.avc import AccessVectorCache
from simulator.selinux.context import SecurityContext
from simulator.selinux.file_contexts import FileContexts, FileContextSpec
from simulator.selinux.policy import Policy
from simulator.selinux.rules import RuleKind, TeRule


@attrs.define(repr=False, eq=False)
class SelinuxState:
    """What ``setenforce``, ``setsebool`` and ``semodule`` change on a running host."""

    policy: Policy = attrs.field(factory=Policy.targeted, repr=False)
    enforcing: bool = True
    booleans: dict[str, bool] = attrs.field(factory=dict)
    file_contexts: FileContexts = attrs.field(factory=FileContexts.fedora, repr=False)
    # Type-enforcement verdicts by (source type, target type, class, permission): derived
    # from the policy and the booleans, so every change to those empties it.
    verdict_cache: dict[tuple[str, str, str, str], Any] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )
    # Requests the security server granted, by what a decision depends on: the two types,
    # the class, the permissions and the MCS relations the constraints test. Lets an AVC
    # miss for a new pair of MCS categories skip recomputing a grant; emptied with the rest.
    grant_cache: dict[tuple[object, ...], bool] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )
    # New files' labels by (creator's context, parent's label, class): derived from the
    # policy's type transitions and contexts, so emptied with the rest.
    new_labels: dict[tuple[str, bytes, str], bytes] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )
    # Labels as the policy sees them (raw xattr value -> context, unlabeled_t when invalid):
    # derived from the policy's users, roles and types, so emptied with the rest.
    contexts: dict[bytes, SecurityContext] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )
    # The kernel's access vector cache (``security/selinux/avc.c``): decisions by (source
    # context, target label, class, permissions), filled by the security module. Derived
    # from the policy, the booleans and the mode, so every change to those flushes it
    # (``avc_ss_reset``).
    access_vectors: AccessVectorCache = attrs.field(
        factory=AccessVectorCache, init=False, eq=False, repr=False
    )
    # Bumped at every flush: a decision taken at one generation holds until the next
    # (for callers that skip re-asking an unchanged question, such as running guests' I/O).
    generation: int = attrs.field(default=0, init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        defaults = {name: b.default for name, b in sorted(self.policy.booleans.items())}
        self.booleans = {**defaults, **self.booleans}

    def boolean(self, name: str) -> bool:
        try:
            return self.booleans[name]
        except KeyError:
            raise InvalidArgument(f"unknown boolean {name!r}") from None

    def set_boolean(self, name: str, value: bool) -> None:
        self.boolean(name)
        self.booleans[name] = value
        self.flush_caches()

    def is_permissive_domain(self, type_: str) -> bool:
        return type_ in self.policy.permissive_types

    def load_module(self, name: str, rules: tuple[TeRule, ...]) -> None:
        self.policy = self.policy.with_module(name, rules)
        self.flush_caches()

    def set_enforcing(self, enforcing: bool) -> None:
        self.enforcing = enforcing
        self.flush_caches()

    def flush_caches(self) -> None:
        """``avc_ss_reset``: what was decided under the old policy, booleans or mode goes."""
        self.verdict_cache.clear()
        self.grant_cache.clear()
        self.new_labels.clear()
        self.contexts.clear()
        self.access_vectors.clear()
        self.generation += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "enforcing": self.enforcing,
            "booleans": dict(sorted(self.booleans.items())),
            "modules": [
                [name, [_rule_to_dict(r) for r in rules]] for name, rules in self.policy.modules
            ],
            "local_file_contexts": [
                [s.regex, s.qualifier, None if s.context is None else str(s.context)]
                for s in self.file_contexts.local
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SelinuxState:
        state = cls(enforcing=bool(data["enforcing"]), booleans=dict(data["booleans"]))
        for name, rules in data["modules"]:
            state.load_module(name, tuple(_rule_from_dict(r) for r in rules))
        for regex, qualifier, context in data["local_file_contexts"]:
            state.file_contexts = state.file_contexts.with_local(
                FileContextSpec.of(regex, qualifier, context)
            )
        return state


def _rule_to_dict(rule: TeRule) -> dict[str, Any]:
    return {
        "kind": rule.kind.value,
        "source": rule.source,
        "targets": list(rule.targets),
        "classes": list(rule.classes),
        "perms": list(rule.perms),
        "boolean": rule.boolean,
        "origin": rule.origin,
    }


def _rule_from_dict(data: dict[str, Any]) -> TeRule:
    return TeRule(
        RuleKind(data["kind"]),
        data["source"],
        tuple(data["targets"]),
        tuple(data["classes"]),
        tuple(data["perms"]),
        data["boolean"],
        data["origin"],
    )
