"""The context the kernel gives a new file (``security_transition_sid`` for files).

The type comes from a matching ``type_transition`` rule, else the parent directory's type;
the level is the parent directory's low level (Fedora: ``default_range dir_file_class_set
target low``); the user is the creating process's; the role is ``object_r``.
"""

from __future__ import annotations

from simulator.selinux.context import MlsRange, SecurityContext
from simulator.selinux.policy import Policy


def new_object_context(
    policy: Policy, subject: SecurityContext, parent: SecurityContext, tclass: str
) -> SecurityContext:
    type_ = policy.transition(subject.type, parent.type, tclass) or parent.type
    return SecurityContext(subject.user, "object_r", type_, MlsRange.single(parent.low))
