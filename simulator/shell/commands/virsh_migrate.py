"""``virsh migrate --live DOMAIN qemu+ssh://HOST/system``, between the hosts of a network.

virsh-domain.c cmdMigrate: with ``--verbose`` virshWatchJob prints the job's progress on
standard error (``\\rMigration: [100.00 %]``, virshPrintJobProgress); the lab's job ends
at once, so only the last line is printed. Errors are libvirt's, with no header line.
"""

from __future__ import annotations

import re

from simulator.errors import NotModelled
from simulator.libvirt.migration import migrate
from simulator.libvirt.qemu_driver import Daemon
from simulator.libvirt.virerror import LibvirtError
from simulator.shell.commands.virsh import SPECS, Spec, VirshError, _domain, handler
from simulator.shell.registry import CommandContext

MODELLED_FLAGS = ("live", "persistent", "undefinesource", "verbose")
# cmdMigrate's other options: real, parsed as virsh parses them, and refused as not modelled.
UNMODELLED_FLAGS = (
    "offline", "p2p", "direct", "tunnelled", "copy-storage-all", "copy-storage-inc",
    "copy-storage-synchronous-writes", "change-protection", "unsafe", "suspend", "compressed",
    "auto-converge", "rdma-pin-all", "abort-on-error", "postcopy", "postcopy-after-precopy",
    "tls", "parallel", "zerocopy",
)  # fmt: skip
UNMODELLED_VALUED = (
    "migrateuri", "graphicsuri", "listen-address", "dname", "timeout", "xml", "migrate-disks",
    "disks-port", "disks-uri", "persistent-xml", "parallel-connections", "bandwidth",
    "postcopy-bandwidth", "comp-methods", "compression-level",
)  # fmt: skip
SPECS["migrate"] = Spec(
    ("domain", "desturi"), 2, MODELLED_FLAGS + UNMODELLED_FLAGS, UNMODELLED_VALUED
)
_URI = re.compile(r"qemu\+ssh://(?:root@)?([A-Za-z0-9.-]+)/system")


@handler("migrate")
def _migrate(ctx: CommandContext, daemon: Daemon, values: dict[str, str | bool]) -> str:
    network = getattr(ctx.shell.machine, "network", None)
    if network is None:
        raise NotModelled("virsh migrate on a single host (scenario.toml: hosts = [...])")
    for option in values:
        if option in UNMODELLED_FLAGS or option in UNMODELLED_VALUED:
            raise NotModelled(f"virsh migrate --{option}")
    if not values.get("live"):
        raise NotModelled("virsh migrate without --live")
    match = _URI.fullmatch(str(values["desturi"]))
    if match is None:
        raise NotModelled(f"migration URI {values['desturi']} (the lab has qemu+ssh://HOST/system)")
    peer = network.resolve(match.group(1)) if network is not None else None
    if peer is None:
        raise NotModelled(f"migrating to {match.group(1)}, which is not a host of this scenario")
    key = str(values["domain"])
    _domain(daemon, key)
    destination: Daemon = peer.libvirt
    try:
        migrate(
            daemon,
            destination,
            key,
            persistent=bool(values.get("persistent")),
            undefine_source=bool(values.get("undefinesource")),
        )
    except LibvirtError as error:
        raise VirshError(str(error)) from None
    finally:
        network.sync_clocks()
    if values.get("verbose"):
        ctx.err("\rMigration: [100.00 %]")
    return ""
