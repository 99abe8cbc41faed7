"""NFS between the hosts of a network: the server's export table and the clients' mounts.

The server's administrator writes ``/etc/exports``; ``exportfs -r`` (and ``systemctl start
nfs-server``, whose unit runs it) makes it the export table; a client's ``mount -t nfs
SERVER:/PATH DIR`` asks the server, which lets it in if a line of the table names the
client. The client then sees the server's inodes (:mod:`simulator.kernel.nfs_client`).

Modelled export options: ``rw``, ``sync``/``async``, ``subtree_check``/``no_subtree_check``,
``root_squash``/``no_root_squash``, ``wdelay``/``no_wdelay``, ``hide``/``nohide``,
``secure``. Read-only exports, ``all_squash``, ``anonuid``, ``security_label`` (labelled
NFS) and network or netgroup clients are refused as not modelled, as are lines that leave
``sync``/``async`` or the subtree option unsaid (exportfs's warnings for them differ between
nfs-utils releases).
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING

import attrs

from simulator.errors import NfsMountFailed, NotModelled
from simulator.kernel.base import KernelBase
from simulator.kernel.filesystem import Filesystem
from simulator.kernel.inode import Kind
from simulator.kernel.mounts import Location
from simulator.kernel.nfs_client import NfsClientFilesystem, client_view

if TYPE_CHECKING:
    from simulator.network import Network

EXPORTS_PATH = "/etc/exports"
# Options exportfs accepts that the lab models, with the flag each sets.
_FLAGS: dict[str, tuple[str, bool]] = {
    "rw": ("rw", True),
    "sync": ("sync", True),
    "async": ("sync", False),
    "no_subtree_check": ("subtree_check", False),
    "subtree_check": ("subtree_check", True),
    "root_squash": ("root_squash", True),
    "no_root_squash": ("root_squash", False),
    "wdelay": ("wdelay", True),
    "no_wdelay": ("wdelay", False),
    "hide": ("hide", True),
    "nohide": ("hide", False),
    "secure": ("secure", True),
}
# mount -o for NFS that changes nothing the lab models (no labelled NFS without the
# export's security_label, whatever the protocol version).
CLIENT_OPTIONS = ("vers=3", "vers=4", "vers=4.0", "vers=4.1", "vers=4.2", "nfsvers=4.2")


@attrs.frozen(eq=False)
class Export:
    """One client of one line of the export table."""

    path: str
    client: str
    rw: bool = False
    sync: bool = True
    subtree_check: bool = False
    root_squash: bool = True
    wdelay: bool = True
    hide: bool = True
    secure: bool = True

    def allows(self, hostname: str) -> bool:
        return self.client == "*" or fnmatch.fnmatchcase(hostname, self.client)

    def verbose_line(self) -> str:
        """exportfs.c dump(): the path padded to 14, the client, then the options."""
        client = "<world>" if self.client == "*" else self.client
        head = f"{self.path}\n\t\t{client}" if len(self.path) > 14 else f"{self.path:<14}\t{client}"
        options = [
            "sync" if self.sync else "async",
            "wdelay" if self.wdelay else "no_wdelay",
            "hide" if self.hide else "nohide",
        ]
        if not self.subtree_check:
            options.append("no_subtree_check")
        options += ["sec=sys", "rw" if self.rw else "ro", "secure" if self.secure else "insecure"]
        options += ["root_squash" if self.root_squash else "no_root_squash", "no_all_squash"]
        return f"{head}({','.join(options)})\n"


def parse_exports(text: str) -> tuple[Export, ...]:
    """``/etc/exports`` as exportfs reads it; NotModelled for what the lab cannot honour."""
    exports: list[Export] = []
    for raw in text.split("\n"):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.endswith("\\") or line.startswith('"'):
            raise NotModelled("continued or quoted lines in /etc/exports")
        path, *clients = line.split()
        if not path.startswith("/") or not clients:
            raise NotModelled(f"/etc/exports line {line!r} (the lab has: PATH HOST(OPTIONS)...)")
        for item in clients:
            exports.append(_export(path.rstrip("/") or "/", item))
    return tuple(exports)


def _export(path: str, item: str) -> Export:
    client, paren, rest = item.partition("(")
    if not paren or not rest.endswith(")") or not client or client.startswith(("-", "@")):
        raise NotModelled(f"export client {item!r} (the lab has: HOST(OPTIONS))")
    if any(c.isdigit() for c in client.split(".")[0][:1]) or "/" in client:
        raise NotModelled(f"export client {client!r} (addresses and networks)")
    flags: dict[str, bool] = {}
    for option in rest[:-1].split(","):
        if option not in _FLAGS:
            raise NotModelled(f"export option {option!r}")
        name, value = _FLAGS[option]
        flags[name] = value
    if "rw" not in flags:
        raise NotModelled(f"a read-only export ({path} {client}: the lab needs rw)")
    if "sync" not in flags or "subtree_check" not in flags:
        raise NotModelled(f"{path} {client}: say sync or async and (no_)subtree_check")
    return Export(path, client, **flags)


@attrs.define(eq=False)
class NfsServer:
    """A host's NFS server: whether it runs and the table ``exportfs -r`` last loaded."""

    running: bool = False
    table: tuple[Export, ...] = ()


class NfsService:
    """The network's NFS servers, reached by client kernels (``mount -t nfs``)."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.servers: dict[str, NfsServer] = {name: NfsServer() for name in network.hosts}

    def exportfs(self, hostname: str) -> None:
        """``exportfs -r``: the table from the server's ``/etc/exports``."""
        host = self.network.hosts[hostname]
        try:
            text = host.read_file(host.shell, EXPORTS_PATH).decode(errors="replace")
        except OSError:
            text = ""
        table = parse_exports(text)
        for export in table:
            try:
                if host.stat(host.shell, export.path).kind is not Kind.DIRECTORY:
                    raise NotModelled(f"exporting {export.path}, which is not a directory")
            except OSError:
                raise NotModelled(f"exporting {export.path}, which does not exist") from None
        self.servers[hostname].table = table
        # nfsd checks the table on every request: mounted clients see the new options.
        for client_name, client in self.network.hosts.items():
            for fs in client.kernel.filesystems.values():
                if not isinstance(fs, NfsClientFilesystem):
                    continue
                server_name, _, path = fs.source.partition(":")
                found = self.network.resolve(server_name)
                if found is None or found.profile.hostname != hostname:
                    continue
                match = next((e for e in table if e.path == path and e.allows(client_name)), None)
                if match is not None:
                    fs.features = attrs.evolve(fs.features, root_squash=match.root_squash)

    def _client_name(self, client: KernelBase) -> str:
        return next(n for n, h in self.network.hosts.items() if h.kernel is client)

    def mount_export(self, client: KernelBase, source: str, options: tuple[str, ...]) -> Filesystem:
        """The client's filesystem for ``SERVER:/PATH``; NfsMountFailed as mount.nfs says."""
        context = None
        for option in options:
            if option.startswith("context="):
                context = option.removeprefix("context=").strip('"')
                if not client.security.valid_label(context.encode()):
                    # mount(2) EINVAL: nfs_mount's message for a bad option.
                    raise NfsMountFailed("an incorrect mount option was specified")
            elif option not in CLIENT_OPTIONS:
                raise NotModelled(f"NFS mount option {option!r}")
        server_name, colon, path = source.partition(":")
        if not colon or not path.startswith("/"):
            raise NotModelled(f"NFS source {source!r} (the lab has: SERVER:/PATH)")
        server = self.network.resolve(server_name)
        if server is None:
            raise NfsMountFailed(
                f"Failed to resolve server {server_name}: Name or service not known"
            )
        name = server.profile.hostname
        state = self.servers[name]
        if not state.running:
            raise NotModelled(f"mounting from {name}, whose nfs-server is not running")
        path = path.rstrip("/") or "/"
        hostname = self._client_name(client)
        export = next((e for e in state.table if e.path == path and e.allows(hostname)), None)
        if export is None:
            raise NfsMountFailed(f"access denied by server while mounting {source}")
        location = _locate(server.kernel, server.profile.host_ns_id, path)
        if location is None:
            reason = "reason given by server: No such file or directory"
            raise NfsMountFailed(f"mounting {source} failed, {reason}")
        server_fs = server.kernel.fs_at(location)
        for fs in client.filesystems.values():
            if isinstance(fs, NfsClientFilesystem) and fs.source == source:
                if fs.mount_context != context:
                    if any(m.fs_id == fs.fs_id for m in client.mounts.values()):
                        raise NotModelled("one export mounted twice with other context= options")
                    fs.__dict__["context"] = context
                fs.features = attrs.evolve(fs.features, root_squash=export.root_squash)
                return fs
        fs = client_view(
            server_fs,
            location.ino,
            fs_id=client.counters.fs_id(),
            source=source,
            dev=client.anon_dev("nfs"),
            root_squash=export.root_squash,
            context=context,
        )
        client.filesystems[fs.fs_id] = fs
        return fs


def _locate(kernel: KernelBase, ns_id: int, path: str) -> Location | None:
    """The server's directory ``path`` in its host namespace (as nfsd finds it)."""
    loc = kernel.ns_root(ns_id)
    for part in (p for p in path.split("/") if p):
        ino = kernel.inode_at(loc).child(part)
        if ino is None:
            return None
        loc = kernel.cross_mounts(Location(loc.mount_id, ino))
    return loc
