"""The tool families: one module each, registering its commands in
:mod:`simulator.shell.registry` when it is imported.

:data:`FAMILIES` names every command each module registers. The registry knows every name
from it and imports a family's module the first time one of its commands runs (or is
looked up), so a session, and ``seclab run``, load only the tools they use. A new family
plugs in by adding its module here and its names to the table (a test checks the table
against what the modules register).
"""

from __future__ import annotations

import importlib

# bash: the builtins of bash 5.1 (help -s)
BUILTINS = frozenset(
    [
        ".",
        ":",
        "[",
        "alias",
        "bg",
        "bind",
        "break",
        "builtin",
        "caller",
        "cd",
        "command",
        "compgen",
        "complete",
        "compopt",
        "continue",
        "declare",
        "dirs",
        "disown",
        "echo",
        "enable",
        "eval",
        "exec",
        "exit",
        "export",
        "false",
        "fc",
        "fg",
        "getopts",
        "hash",
        "help",
        "history",
        "jobs",
        "kill",
        "let",
        "local",
        "logout",
        "mapfile",
        "popd",
        "printf",
        "pushd",
        "pwd",
        "read",
        "readarray",
        "readonly",
        "return",
        "set",
        "shift",
        "shopt",
        "source",
        "suspend",
        "test",
        "times",
        "trap",
        "true",
        "type",
        "typeset",
        "ulimit",
        "umask",
        "unalias",
        "unset",
        "wait",
    ]
)
# bash builtins another family registers
NOT_BUILTINS_MODULE = frozenset({"kill"})

# module of this package -> the command names it registers
FAMILIES: dict[str, tuple[str, ...]] = {
    "attr_tools": ("getfattr", "setfattr"),
    "audit_tools": ("aureport", "ausearch"),
    "awk_tool": ("awk", "gawk"),
    # bash's builtins but kill (procps's /usr/bin/kill, in "processes")
    "builtins": tuple(sorted(BUILTINS - NOT_BUILTINS_MODULE)),
    "coreutils": (
        "chgrp",
        "chmod",
        "chown",
        "cp",
        "id",
        "ln",
        "ls",
        "mkdir",
        "mknod",
        "mv",
        "readlink",
        "realpath",
        "rm",
        "stat",
        "touch",
    ),
    "grep_tool": ("grep",),
    "lab": ("lab",),
    "misc_tools": ("find", "rpm", "uname", "which", "whoami"),
    "namespaces_logs": ("journalctl", "lsns"),
    "nfs_tools": ("exportfs",),
    "policy_tools": ("audit2allow", "audit2why", "semodule"),
    "processes": ("kill", "pidof", "reboot", "systemctl"),
    "procps": ("ps",),
    "sed_tool": ("sed",),
    "sleep_tool": ("sleep",),
    "selinux_tools": (
        "chcon",
        "getenforce",
        "getsebool",
        "matchpathcon",
        "restorecon",
        "sestatus",
        "setenforce",
        "setsebool",
    ),
    "semanage": ("semanage",),
    "setroubleshoot_tools": ("sealert",),
    "ssh": ("ssh",),
    "system": ("date", "hostname", "mount", "nsenter", "qemu-img", "runuser", "umount"),
    "text_tools": ("cat", "cut", "head", "sort", "tail", "tee", "tr", "uniq", "wc"),
    "virsh": ("virsh",),
    "xargs_tool": ("xargs",),
}


def module_names() -> list[str]:
    """Every module of this package, in sorted order."""
    import pkgutil

    return sorted(m.name for m in pkgutil.iter_modules(__path__))


def load_all() -> None:
    """Import every tool family now (before pyfakefs patches ``os``, or an audit hook that
    refuses opening files is armed)."""
    for module in module_names():
        importlib.import_module(f"{__name__}.{module}")
