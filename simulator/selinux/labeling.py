"""The context the kernel gives a new file (``security_transition_sid`` for files).

The type comes from a matching ``type_transition`` rule, else the parent directory's type;
the level is the parent directory's low level (Fedora: ``default_range dir_file_class_set
target low``); the user is the creating process's; the role is ``object_r``.
"""

from __future__ import annotations

from simulator.selinux.context import MlsRange, SecurityContext

# (subject type, parent directory type, class) -> new type. Fedora targeted policy:
# userdom_user_tmp_filetrans() for unconfined_t in tmp_t.
TYPE_TRANSITIONS: dict[tuple[str, str, str], str] = {
    ("unconfined_t", "tmp_t", tclass): "user_tmp_t"
    for tclass in ("file", "dir", "lnk_file", "sock_file", "fifo_file")
}


def new_object_context(
    subject: SecurityContext,
    parent: SecurityContext,
    tclass: str,
    transitions: dict[tuple[str, str, str], str] = TYPE_TRANSITIONS,
) -> SecurityContext:
    type_ = transitions.get((subject.type, parent.type, tclass), parent.type)
    return SecurityContext(subject.user, "object_r", type_, MlsRange.single(parent.low))
