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
from simulator.shell.commands.virsh import MODELLED, Values, VirshError, _domain, handler
from simulator.shell.registry import CommandContext

# cmdMigrate's other options (virsh_options.COMMANDS["migrate"]) stop as not modelled
MODELLED["migrate"] = frozenset(
    {"domain", "desturi", "live", "persistent", "undefinesource", "verbose"}
)
_URI = re.compile(r"qemu\+ssh://(?:root@)?([A-Za-z0-9.-]+)/system")


@handler("migrate")
def _migrate(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    network = getattr(ctx.shell.machine, "network", None)
    if network is None:
        raise NotModelled("virsh migrate on a single host (scenario.toml: hosts = [...])")
    if not values.get("live"):
        raise NotModelled("virsh migrate without --live")
    match = _URI.fullmatch(str(values["desturi"]))
    if match is None:
        raise NotModelled(f"migration URI {values['desturi']} (the lab has qemu+ssh://HOST/system)")
    peer = network.resolve(match.group(1)) if network is not None else None
    if peer is None:
        raise NotModelled(f"migrating to {match.group(1)}, which is not a host of this scenario")
    key = str(values["domain"])
    domain = _domain(daemon, key)
    destination: Daemon = peer.libvirt
    try:
        migrate(
            daemon,
            destination,
            domain.name,
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
