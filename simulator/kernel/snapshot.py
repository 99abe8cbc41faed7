"""The kernel's whole state as canonical JSON (sorted keys), and back.

Bytes (file data, xattr names and values) are stored as text with ``surrogateescape``, so
the JSON stays readable for labels and still round-trips arbitrary bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from simulator.errors import SeclabError, SnapshotError
from simulator.kernel.audit_log import AuditLog
from simulator.kernel.clock import Counters
from simulator.kernel.faults import Fault
from simulator.kernel.filesystem import Features, Filesystem
from simulator.kernel.inode import DeviceNumber, ImageInfo, Inode, Kind
from simulator.kernel.mounts import Mount, MountNamespace
from simulator.kernel.process import Process
from simulator.kernel.state_schema import validate_state

if TYPE_CHECKING:
    from simulator.kernel.base import KernelBase

FORMAT_VERSION = 1


@attrs.frozen
class Snapshot:
    """An immutable, comparable picture of a host; ``text`` is its canonical JSON."""

    text: str = attrs.field(repr=False)

    @classmethod
    def of(cls, state: dict[str, Any]) -> Snapshot:
        import json  # only snapshots need it: not imported with the kernel

        return cls(json.dumps(state, sort_keys=True, indent=1, ensure_ascii=True))

    @classmethod
    def parse(cls, text: str) -> Snapshot:
        import json

        try:
            return cls.of(json.loads(text))
        except json.JSONDecodeError as error:
            raise SnapshotError(
                f"state is not valid JSON: {error.msg}: line {error.lineno} column {error.colno}"
            ) from None
        except ValueError:  # int(): more digits than Python converts
            raise SnapshotError("state is not valid JSON: a number is too long") from None
        except RecursionError:
            raise SnapshotError("state is not valid JSON: nested too deeply") from None

    def data(self) -> dict[str, Any]:
        import json

        try:
            value = json.loads(self.text)
        except ValueError as error:
            raise SnapshotError(f"state is not valid JSON: {error}") from None
        if not isinstance(value, dict):
            raise SnapshotError("state is not a JSON object")
        return value

    def to_json(self) -> str:
        return self.text

    def diff(self, other: Snapshot, *, before: str = "before", after: str = "after") -> str:
        """A unified diff of the two canonical JSON texts ("" when equal), for tests that
        compare states: each changed line names one field of one inode, mount or process."""
        if self.text == other.text:
            return ""
        import difflib  # only a diff of two states needs it: not imported with the kernel

        return "".join(
            difflib.unified_diff(
                self.text.splitlines(keepends=True),
                other.text.splitlines(keepends=True),
                before,
                after,
                n=2,
            )
        )


def _text(value: bytes) -> str:
    return value.decode("utf-8", "surrogateescape")


def _bytes(value: str) -> bytes:
    return value.encode("utf-8", "surrogateescape")


def _dump_inode(inode: Inode) -> dict[str, Any]:
    return {
        "ino": inode.ino,
        "kind": inode.kind.value,
        "uid": inode.uid,
        "gid": inode.gid,
        "mode": f"{inode.mode:04o}",
        "nlink": inode.nlink,
        "size": inode.size,
        "rdev": None if inode.rdev is None else str(inode.rdev),
        "target": inode.target,
        "image": None if inode.image is None else attrs.asdict(inode.image),
        "data": _text(inode.data),
        "xattrs": {_text(k): _text(v) for k, v in sorted(inode.xattrs.items())},
        "entries": None if inode.entries is None else dict(sorted(inode.entries.items())),
        "parent": inode.parent,
        "mtime": inode.mtime,
        "ctime": inode.ctime,
        "atime": inode.atime,
        "magic_root_pid": inode.magic_root_pid,
    }


def _load_inode(data: dict[str, Any]) -> Inode:
    return Inode(
        ino=data["ino"],
        kind=Kind(data["kind"]),
        uid=data["uid"],
        gid=data["gid"],
        mode=int(data["mode"], 8),
        nlink=data["nlink"],
        size=data["size"],
        rdev=None if data["rdev"] is None else DeviceNumber.parse(data["rdev"]),
        target=data["target"],
        image=None if data["image"] is None else ImageInfo(**data["image"]),
        data=_bytes(data["data"]),
        xattrs={_bytes(k): _bytes(v) for k, v in data["xattrs"].items()},
        entries=data["entries"],
        parent=data["parent"],
        mtime=data["mtime"],
        ctime=data["ctime"],
        atime=data["atime"],
        magic_root_pid=data["magic_root_pid"],
    )


def _features(data: dict[str, Any]) -> Features:
    """A filesystem's features; states saved before genfs labels were policy data named
    the one context (``fixed_label``) instead of saying it comes from the policy."""
    data = dict(data)
    if "fixed_label" in data:
        data["genfs_labels"] = data.pop("fixed_label") is not None
    return Features(**data)


def dump_state(kernel: KernelBase) -> dict[str, Any]:
    version, internal, gauss = kernel.random.getstate()
    return {
        "format": FORMAT_VERSION,
        "seed": kernel.seed,
        "clock": {"now": kernel.clock.now, "boot_time": kernel.clock.boot_time},
        "counters": attrs.asdict(kernel.counters),
        "anon_minor": dict(sorted(kernel.next_anon_minor.items())),
        "random": [version, list(internal), gauss],
        "proc_fs_id": kernel.proc_fs_id,
        "filesystems": [
            {
                "fs_id": fs.fs_id,
                "fstype": fs.fstype,
                "source": fs.source,
                "dev": str(fs.dev),
                "audit_dev": fs.audit_dev,
                "features": attrs.asdict(fs.features),
                "next_ino": fs.next_ino,
                "root_ino": fs.root_ino,
                "inodes": [_dump_inode(fs.inodes[i]) for i in sorted(fs.inodes)],
            }
            for fs in (kernel.filesystems[i] for i in sorted(kernel.filesystems))
        ],
        "mounts": [attrs.asdict(kernel.mounts[i]) for i in sorted(kernel.mounts)],
        "namespaces": [attrs.asdict(kernel.namespaces[i]) for i in sorted(kernel.namespaces)],
        "processes": [attrs.asdict(kernel.processes[i]) for i in sorted(kernel.processes)],
        "faults": [attrs.asdict(f) for f in kernel.faults.faults],
        "security": {"module": kernel.security.name, "state": kernel.security.state()},
        "audit": kernel.audit.to_dict(),
    }


def load_state(kernel: KernelBase, data: dict[str, Any]) -> None:
    """Fill an empty kernel from :func:`dump_state`'s output, checked first as a whole."""
    validate_state(data)
    try:
        _load(kernel, data)
    except (KeyError, TypeError, ValueError, AttributeError, SeclabError):
        # Only the audit log and the security module's own state are checked by loading.
        raise SnapshotError("saved state: the audit or security section is malformed") from None


def _load(kernel: KernelBase, data: dict[str, Any]) -> None:
    if data["format"] != FORMAT_VERSION:
        raise SnapshotError(f"state format {data['format']} is not {FORMAT_VERSION}")
    kernel.seed = data["seed"]
    kernel.clock.now = data["clock"]["now"]
    kernel.clock.boot_time = data["clock"]["boot_time"]
    # A host's state also holds userspace counters; the kernel takes its own.
    own = {field.name for field in attrs.fields(Counters)}
    kernel.counters = Counters(**{k: v for k, v in data["counters"].items() if k in own})
    kernel.next_anon_minor = dict(data["anon_minor"])
    version, internal, gauss = data["random"]
    kernel.random.setstate((version, tuple(internal), gauss))
    kernel.proc_fs_id = data["proc_fs_id"]
    kernel.filesystems = {}
    for fs_data in data["filesystems"]:
        fs = Filesystem(
            fs_id=fs_data["fs_id"],
            fstype=fs_data["fstype"],
            source=fs_data["source"],
            dev=DeviceNumber.parse(fs_data["dev"]),
            audit_dev=fs_data["audit_dev"],
            features=_features(fs_data["features"]),
            next_ino=fs_data["next_ino"],
            root_ino=fs_data["root_ino"],
        )
        for inode_data in fs_data["inodes"]:
            inode = _load_inode(inode_data)
            fs.inodes[inode.ino] = inode
        kernel.filesystems[fs.fs_id] = fs
    kernel.mounts = {}
    for mount_data in data["mounts"]:
        mount = Mount(**{**mount_data, "options": tuple(mount_data["options"])})
        kernel.mounts[mount.mount_id] = mount
    kernel.namespaces = {n["ns_id"]: MountNamespace(**n) for n in data["namespaces"]}
    kernel.recount_mounts()
    kernel.processes = {}
    for proc_data in data["processes"]:
        proc = Process(
            **{
                **proc_data,
                "argv": tuple(proc_data["argv"]),
                "groups": tuple(proc_data["groups"]),
                "open_files": tuple(proc_data.get("open_files", ())),
            }
        )
        kernel.processes[proc.pid] = proc
    kernel.recount_namespace_users()
    kernel.faults.faults = [Fault(**f) for f in data["faults"]]
    kernel.audit = AuditLog.from_dict(data["audit"])
    security = data["security"]
    if security["module"] != kernel.security.name:
        raise SnapshotError(
            f"state was taken with security module {security['module']!r}, "
            f"this host runs {kernel.security.name!r}"
        )
    kernel.security.load_state(security["state"])
