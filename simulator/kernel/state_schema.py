"""Checking a saved state (``lab state --json``, ``--from-state``) before loading it.

A state is checked whole, once: every key present with the right JSON type and range, and
every reference resolving (a mount's filesystem and namespace, an inode's entries, a
process's namespace, each namespace's root mount). The first problem is one
:class:`SnapshotError` naming where it is (``processes[3].uid``) and what is wrong, so
nothing crashes later at some command. No recursion: the schema is a fixed, shallow tree.
"""

from __future__ import annotations

from typing import Any

from simulator.errors import SnapshotError
from simulator.kernel.clock import CLOCK_MAX
from simulator.kernel.inode import Kind

ID_MAX = 4294967295  # uid_t, gid_t, pid_t ranges: 32 bits, (uid_t)-1 included
INT64_MAX = 2**63 - 1
KINDS = tuple(kind.value for kind in Kind)

# A spec: "int", "uid", "str", "bool", "float?" ..., a trailing "?" allows null;
# a dict is an object with exactly those keys (plus optional ones marked "key?"), a one-item
# list is a list of that spec, ("map", SPEC) an object of any keys with SPEC values.
INODE: dict[str, Any] = {
    "ino": "int",
    "kind": "str",
    "uid": "uid",
    "gid": "uid",
    "mode": "str",
    "nlink": "int",
    "size": "int",
    "rdev": "str?",
    "target": "str?",
    "image": "any?",
    "data": "str",
    "xattrs": ("map", "str"),
    "entries": ("map?", "int"),
    "parent": "int?",
    "mtime": "time",
    "ctime": "time",
    "atime": "time",
    "magic_root_pid": "int?",
}
STATE: dict[str, Any] = {
    "format": "int",
    "seed": "int",
    "clock": {"now": "time", "boot_time": "time"},
    "counters": {
        "next_pid": "int",
        "next_ns_id": "int",
        "next_mount_id": "int",
        "next_fs_id": "int",
        "audit_events": "int",
        "qemu_log_lines?": "int",  # the userspace's (simulator.system.userspace)
        "uuids_generated?": "int",  # the userspace's too
    },
    "anon_minor": ("map", "int"),
    "random": "any",
    "proc_fs_id": "int",
    "filesystems": [
        {
            "fs_id": "int",
            "fstype": "str",
            "source": "str",
            "dev": "str",
            "audit_dev": "str",
            "features": {
                "xattrs": "bool",
                "trusted_xattrs": "bool",
                "setfilecon": "bool",
                "root_squash": "bool",
                "genfs_labels?": "bool",
                "fixed_label?": "str?",  # states saved before genfs labels were policy data
            },
            "next_ino": "int",
            "root_ino": "int",
            "inodes": [INODE],
        }
    ],
    "mounts": [
        {
            "mount_id": "int",
            "fs_id": "int",
            "root_ino": "int",
            "ns_id": "int",
            "parent_id": "int?",
            "mountpoint_ino": "int?",
            "options": ["str"],
        }
    ],
    "namespaces": [{"ns_id": "int", "mount_ids": ["int"]}],
    "processes": [
        {
            "pid": "int",
            "ppid": "int",
            "comm": "str",
            "argv": ["str"],
            "exe": "str",
            "uid": "uid",
            "gid": "uid",
            "groups": ["uid"],
            "context": "str",
            "ns_id": "int",
            "cwd": "str",
            "umask": "int",
            "auid": "uid",
            "ses": "uid",
            "tty": "str?",
            "start_time": "time",
            "next_fd": "int",
            "open_files?": ["str"],
        }
    ],
    "faults": [
        {
            "syscall": "str",
            "errno": "int",
            "remaining": "int",
            "ns_id": "int",
            "path": "str",
            "fs_id": "int?",
            "ino": "int?",
        }
    ],
    "fault_steps?": "any",
    "persistent_booleans?": "any",
    "security": {"module": "str", "state": "any"},
    "audit": "any",
}
_SCALARS: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "uid": (int,),
    "time": (int,),
    "str": (str,),
    "bool": (bool,),
}
_RANGES = {"int": (0, INT64_MAX), "uid": (0, ID_MAX), "time": (0, CLOCK_MAX)}


def _fail(where: str, problem: str) -> SnapshotError:
    return SnapshotError(f"saved state: {where or 'the state'}: {problem}")


def _kind(value: object) -> str:
    # JSON has one number type; a fraction where a whole number belongs is named as such
    # (a float said "expected a number, found a number").
    names = {bool: "a boolean", int: "a number", float: "a fraction", str: "a string"}
    names.update({list: "a list", dict: "an object", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def _check(value: object, spec: Any, where: str) -> None:
    # An explicit stack of (value, spec, where): deep input costs no recursion.
    stack = [(value, spec, where)]
    while stack:
        value, spec, where = stack.pop()
        if isinstance(spec, str):
            name, optional = spec.rstrip("?"), spec.endswith("?")
            if (value is None and optional) or name == "any":
                continue
            types = _SCALARS[name]
            if not isinstance(value, types) or (name != "bool" and isinstance(value, bool)):
                raise _fail(where, f"expected {_kind(types[0]())}, found {_kind(value)}")
            low, high = _RANGES.get(name, (None, None))
            if low is not None and not low <= value <= high:  # type: ignore[operator]
                raise _fail(where, f"{value} is out of range ({low} to {high})")
        elif isinstance(spec, tuple):
            if value is None and spec[0] == "map?":
                continue
            if not isinstance(value, dict):
                raise _fail(where, f"expected an object, found {_kind(value)}")
            stack.extend((item, spec[1], f"{where}[{key!r}]") for key, item in value.items())
        elif isinstance(spec, list):
            if not isinstance(value, list):
                raise _fail(where, f"expected a list, found {_kind(value)}")
            stack.extend((item, spec[0], f"{where}[{i}]") for i, item in enumerate(value))
        else:
            if not isinstance(value, dict):
                raise _fail(where, f"expected an object, found {_kind(value)}")
            required = {k for k in spec if not k.endswith("?")}
            known = {k.rstrip("?") for k in spec}
            missing = sorted(required - value.keys())
            if missing:
                raise _fail(where, f"missing {', '.join(missing)}")
            unknown = sorted(value.keys() - known)
            if unknown:
                raise _fail(where, f"unknown key {unknown[0]}")
            prefix = f"{where}." if where else ""
            for key, item_spec in spec.items():
                key = key.rstrip("?")
                if key in value:
                    stack.append((value[key], item_spec, prefix + key))


def _unique(items: list[dict[str, Any]], key: str, where: str) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for index, item in enumerate(items):
        if item[key] in out:
            raise _fail(f"{where}[{index}].{key}", f"{item[key]} appears twice")
        out[item[key]] = item
    return out


def _check_filesystems(data: dict[str, Any]) -> dict[int, dict[int, dict[str, Any]]]:
    inodes_of: dict[int, dict[int, dict[str, Any]]] = {}
    for f, fs in enumerate(data["filesystems"]):
        where = f"filesystems[{f}]"
        _device(fs["dev"], f"{where}.dev")
        inodes = _unique(fs["inodes"], "ino", f"{where}.inodes")
        if fs["root_ino"] not in inodes:
            raise _fail(f"{where}.root_ino", f"no inode {fs['root_ino']}")
        for i, inode in enumerate(fs["inodes"]):
            at = f"{where}.inodes[{i}]"
            if inode["kind"] not in KINDS:
                raise _fail(f"{at}.kind", f"{inode['kind']!r} is not one of {', '.join(KINDS)}")
            try:
                mode = int(inode["mode"], 8)
            except ValueError:
                raise _fail(f"{at}.mode", f"{inode['mode']!r} is not an octal mode") from None
            if not 0 <= mode <= 0o7777:
                raise _fail(f"{at}.mode", f"{inode['mode']!r} is not a mode")
            if inode["rdev"] is not None:
                _device(inode["rdev"], f"{at}.rdev")
            if (inode["kind"] == "directory") != (inode["entries"] is not None):
                raise _fail(f"{at}.entries", "only directories have entries")
            for name, child in (inode["entries"] or {}).items():
                if child not in inodes or not name or "/" in name or "\0" in name:
                    raise _fail(f"{at}.entries[{name!r}]", f"no inode {child} for this name")
            if inode["image"] is not None:
                _check(inode["image"], IMAGE, f"{at}.image")
        inodes_of[fs["fs_id"]] = inodes
    if data["proc_fs_id"] not in inodes_of:
        raise _fail("proc_fs_id", f"no filesystem {data['proc_fs_id']}")
    return inodes_of


IMAGE = {"format": "str", "backing": "str?", "backing_format": "str?", "virtual_size": "int"}


def _device(text: str, where: str) -> None:
    major, colon, minor = text.partition(":")
    if not (colon and major.isdigit() and minor.isdigit() and major.isascii()):
        raise _fail(where, f"{text!r} is not MAJOR:MINOR")
    # linux: dev_t is 12 bits of major and 20 of minor (MINORBITS 20, MAJOR < 4096).
    if len(major) > 4 or len(minor) > 7 or int(major) > 4095 or int(minor) > 2**20 - 1:
        raise _fail(where, f"{text!r} is out of range")


def _check_mounts(data: dict[str, Any], inodes_of: dict[int, dict[int, dict[str, Any]]]) -> None:
    mounts = _unique(data["mounts"], "mount_id", "mounts")
    namespaces = _unique(data["namespaces"], "ns_id", "namespaces")
    for m, mount in enumerate(data["mounts"]):
        where = f"mounts[{m}]"
        if mount["fs_id"] not in inodes_of:
            raise _fail(f"{where}.fs_id", f"no filesystem {mount['fs_id']}")
        if mount["root_ino"] not in inodes_of[mount["fs_id"]]:
            raise _fail(f"{where}.root_ino", f"no inode {mount['root_ino']}")
        if mount["ns_id"] not in namespaces:
            raise _fail(f"{where}.ns_id", f"no namespace {mount['ns_id']}")
        parent = mounts.get(mount["parent_id"]) if mount["parent_id"] is not None else None
        if mount["parent_id"] is not None and parent is None:
            raise _fail(f"{where}.parent_id", f"no mount {mount['parent_id']}")
        if parent is not None and mount["mountpoint_ino"] not in inodes_of.get(parent["fs_id"], {}):
            raise _fail(f"{where}.mountpoint_ino", f"no inode {mount['mountpoint_ino']}")
    for n, ns in enumerate(data["namespaces"]):
        where = f"namespaces[{n}]"
        for mount_id in ns["mount_ids"]:
            if mounts.get(mount_id, {}).get("ns_id") != ns["ns_id"]:
                raise _fail(f"{where}.mount_ids", f"mount {mount_id} is not in this namespace")
        roots = [i for i in ns["mount_ids"] if mounts[i]["parent_id"] is None]
        if len(roots) != 1:
            raise _fail(f"{where}.mount_ids", f"{len(roots)} root mounts, not one")


def validate_state(data: object) -> None:
    """Raise :class:`SnapshotError` naming the first thing wrong with a saved state."""
    _check(data, STATE, "")
    assert isinstance(data, dict)
    if data["format"] != 1:
        raise _fail("format", f"format {data['format']} is not 1")
    if data["clock"]["boot_time"] > data["clock"]["now"]:
        raise _fail("clock.boot_time", "the host booted after the clock's time")
    inodes_of = _check_filesystems(data)
    _check_mounts(data, inodes_of)
    _unique(data["processes"], "pid", "processes")
    namespaces = {ns["ns_id"] for ns in data["namespaces"]}
    for p, proc in enumerate(data["processes"]):
        if proc["ns_id"] not in namespaces:
            raise _fail(f"processes[{p}].ns_id", f"no namespace {proc['ns_id']}")
        if not proc["cwd"].startswith("/"):
            raise _fail(f"processes[{p}].cwd", f"{proc['cwd']!r} is not an absolute path")
    random = data["random"]
    if not (
        isinstance(random, list)
        and len(random) == 3
        and random[0] == 3
        and (random[2] is None or isinstance(random[2], float))
        and isinstance(random[1], list)
        and len(random[1]) == 625
        and all(isinstance(x, int) and not isinstance(x, bool) for x in random[1])
        and all(0 <= x <= ID_MAX for x in random[1][:624])
        and 0 <= random[1][624] <= 624
    ):
        raise _fail("random", "not a Mersenne Twister state")
