"""The policy: types with their attributes, TE rules (base plus loaded modules), MCS
constraints, booleans, type transitions. Pure data with lookups; no state of its own."""

from __future__ import annotations

import attrs

from simulator.errors import InvalidArgument
from simulator.selinux import targeted
from simulator.selinux.context import SecurityContext
from simulator.selinux.rules import ALL, Boolean, Constraint, RuleKind, TeRule, TypeTransition

MCS_CONSTRAINED = "mcs_constrained_type"


@attrs.frozen(repr=False, eq=False)
class Policy:
    """One loaded policy. ``modules`` are the rule sets ``semodule -i`` added."""

    type_attributes: dict[str, frozenset[str]] = attrs.field(repr=False)
    rules: tuple[TeRule, ...] = attrs.field(repr=False)
    constraints: tuple[Constraint, ...] = attrs.field(repr=False)
    booleans: dict[str, Boolean] = attrs.field(repr=False)
    transitions: tuple[TypeTransition, ...] = attrs.field(repr=False)
    customizable: frozenset[str] = attrs.field(repr=False)
    permissive_types: frozenset[str] = attrs.field(repr=False)
    users: frozenset[str] = attrs.field(repr=False)
    roles: frozenset[str] = attrs.field(repr=False)
    modules: tuple[tuple[str, tuple[TeRule, ...]], ...] = ()
    # (kind, source type) -> the rules of that kind whose source is the type or one of its
    # attributes, in rule order: filled as asked, and new with every new policy (evolve)
    _by_source: dict[tuple[RuleKind, str], tuple[TeRule, ...]] = attrs.field(
        init=False, factory=dict, repr=False
    )

    @classmethod
    def targeted(cls) -> Policy:
        types = {
            name: frozenset({name, *attributes})
            for name, attributes in {**targeted.DOMAINS, **targeted.OBJECT_TYPES}.items()
        }
        return cls(
            type_attributes=types,
            rules=targeted.RULES,
            constraints=targeted.CONSTRAINTS,
            booleans={b.name: b for b in targeted.BOOLEANS},
            transitions=targeted.TYPE_TRANSITIONS,
            customizable=targeted.CUSTOMIZABLE_TYPES,
            permissive_types=frozenset(targeted.PERMISSIVE_TYPES),
            users=targeted.USERS,
            roles=targeted.ROLES,
        )

    def with_module(self, name: str, rules: tuple[TeRule, ...]) -> Policy:
        """The policy after ``semodule -i NAME.pp`` (a module of the same name is replaced)."""
        for rule in rules:
            for type_ in (rule.source, *rule.targets):
                if not self.knows(type_):
                    raise InvalidArgument(f"module {name}: unknown type or attribute {type_!r}")
        kept = tuple((n, r) for n, r in self.modules if n != name)
        return attrs.evolve(self, modules=(*kept, (name, rules)))

    def valid_context(self, context: SecurityContext) -> bool:
        """``security_context_to_sid()``: user, role and type must exist in the policy."""
        return (
            context.user in self.users and context.role in self.roles and self.is_type(context.type)
        )

    # -- lookups ----------------------------------------------------------------------------

    def is_type(self, name: str) -> bool:
        return name in self.type_attributes

    def knows(self, name: str) -> bool:
        """A type or an attribute of this policy."""
        return name in self.type_attributes or any(
            name in attrs_ for attrs_ in self.type_attributes.values()
        )

    def names_of(self, type_: str) -> frozenset[str]:
        """The type and every attribute it has."""
        return self.type_attributes.get(type_, frozenset({type_}))

    def is_mcs_constrained(self, type_: str) -> bool:
        return MCS_CONSTRAINED in self.names_of(type_)

    def all_rules(self) -> tuple[TeRule, ...]:
        extra = tuple(rule for _, rules in self.modules for rule in rules)
        return self.rules + extra

    def matching(
        self, kind: RuleKind, source: str, target: str, tclass: str, perm: str
    ) -> tuple[TeRule, ...]:
        """Rules of ``kind`` that cover ``source -> target:tclass perm`` (booleans ignored)."""
        from_source = self._by_source.get((kind, source))
        if from_source is None:
            sources = self.names_of(source)
            from_source = self._by_source[kind, source] = tuple(
                rule for rule in self.all_rules() if rule.kind is kind and rule.source in sources
            )
        targets = self.names_of(target)
        return tuple(
            rule
            for rule in from_source
            if not targets.isdisjoint(rule.targets)
            and (ALL in rule.classes or tclass in rule.classes)
            and (ALL in rule.perms or perm in rule.perms)
        )

    def transition(self, source: str, parent: str, tclass: str) -> str | None:
        for rule in self.transitions:
            if (rule.source, rule.parent, rule.tclass) == (source, parent, tclass):
                return rule.new_type
        return None
