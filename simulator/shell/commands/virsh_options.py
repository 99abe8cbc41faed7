# ruff: noqa: E501 - the help texts are virsh's own lines, kept whole
"""virsh's command and option tables (libvirt 9.0.0 ``tools/virsh-domain.c``,
``tools/virsh-domain-monitor.c``: the ``info_*`` and ``opts_*`` arrays) for the commands the lab
implements, and the names of every command virsh 9.0.0 has (``virsh help``). Data only: the
parser (vsh.c vshCommandParse) and the help printer (vshCmddefHelp) are in virsh.py."""

from __future__ import annotations

import attrs

# vsh.h vshCmdOptType
BOOL, STRING, INT, DATA, ARGV, ALIAS = "bool", "string", "int", "data", "argv", "alias"


@attrs.frozen(repr=False, eq=False)
class Opt:
    """``vshCmdOptDef``: for an alias, ``help`` is what it stands for (``mode=shareable``)."""

    name: str
    kind: str
    help: str
    required: bool = False  # VSH_OFLAG_REQ
    req_opt: bool = False  # VSH_OFLAG_REQ_OPT: only as --name VALUE, never by position
    empty_ok: bool = False  # VSH_OFLAG_EMPTY_OK


@attrs.frozen(repr=False, eq=False)
class CommandDef:
    """``vshCmdDef``: the name, the ``help`` and ``desc`` infos and the options."""

    name: str
    help: str
    desc: str
    opts: tuple[Opt, ...]


COMMANDS: dict[str, CommandDef] = {}


def _command(name: str, help: str, desc: str, *opts: Opt) -> None:
    COMMANDS[name] = CommandDef(name, help, desc, opts)


DOMAIN = Opt("domain", DATA, "domain name, id or uuid", required=True)
PERSISTENT = Opt("persistent", BOOL, "make live change persistent")
CONFIG = Opt("config", BOOL, "affect next boot")
LIVE = Opt("live", BOOL, "affect running domain")
CURRENT = Opt("current", BOOL, "affect current domain")

_command(
    "define",
    "define (but don't start) a domain from an XML file",
    "Define a domain.",
    Opt("file", DATA, "file containing an XML domain description", required=True),
    Opt("validate", BOOL, "validate the XML against the schema"),
)
_command(
    "undefine",
    "undefine a domain",
    "Undefine an inactive domain, or convert persistent to transient.",
    DOMAIN,
    Opt("managed-save", BOOL, "remove domain managed state file"),
    Opt(
        "storage",
        STRING,
        "remove associated storage volumes (comma separated list of targets or source paths) (see domblklist)",
    ),
    Opt("remove-all-storage", BOOL, "remove all associated storage volumes (use with caution)"),
    Opt("delete-snapshots", ALIAS, "delete-storage-volume-snapshots"),
    Opt(
        "delete-storage-volume-snapshots",
        BOOL,
        "delete snapshots associated with volume(s), requires --remove-all-storage (must be supported by storage driver)",
    ),
    Opt("wipe-storage", BOOL, "wipe data on the removed volumes"),
    Opt("snapshots-metadata", BOOL, "remove all domain snapshot metadata (vm must be inactive)"),
    Opt(
        "checkpoints-metadata", BOOL, "remove all domain checkpoint metadata (vm must be inactive)"
    ),
    Opt("nvram", BOOL, "remove nvram file"),
    Opt("keep-nvram", BOOL, "keep nvram file"),
    Opt("tpm", BOOL, "remove TPM state"),
    Opt("keep-tpm", BOOL, "keep TPM state"),
)
_command(
    "create",
    "create a domain from an XML file",
    "Create a domain.",
    Opt("file", DATA, "file containing an XML domain description", required=True),
    Opt("console", BOOL, "attach to console after creation"),
    Opt("paused", BOOL, "leave the guest paused after creation"),
    Opt("autodestroy", BOOL, "automatically destroy the guest when virsh disconnects"),
    Opt("pass-fds", STRING, "pass file descriptors N,M,... to the guest"),
    Opt("validate", BOOL, "validate the XML against the schema"),
    Opt("reset-nvram", BOOL, "re-initialize NVRAM from its pristine template"),
)
_command(
    "start",
    "start a (previously defined) inactive domain",
    "Start a domain, either from the last managedsave\n    state, or via a fresh boot if no managedsave state\n    is present.",
    Opt("domain", DATA, "name of the inactive domain", required=True),
    Opt("console", BOOL, "attach to console after creation"),
    Opt("paused", BOOL, "leave the guest paused after creation"),
    Opt("autodestroy", BOOL, "automatically destroy the guest when virsh disconnects"),
    Opt("bypass-cache", BOOL, "avoid file system cache when loading"),
    Opt("force-boot", BOOL, "force fresh boot by discarding any managed save"),
    Opt("pass-fds", STRING, "pass file descriptors N,M,... to the guest"),
    Opt("reset-nvram", BOOL, "re-initialize NVRAM from its pristine template"),
)
_command(
    "shutdown",
    "gracefully shutdown a domain",
    "Run shutdown in the target domain.",
    DOMAIN,
    Opt("mode", STRING, "shutdown mode: acpi|agent|initctl|signal|paravirt"),
)
_command(
    "destroy",
    "destroy (stop) a domain",
    "Forcefully stop a given domain, but leave its resources intact.",
    DOMAIN,
    Opt("graceful", BOOL, "terminate gracefully"),
    Opt("remove-logs", BOOL, "remove domain logs"),
)
_command(
    "list",
    "list domains",
    "Returns list of domains.",
    Opt("inactive", BOOL, "list inactive domains"),
    Opt("all", BOOL, "list inactive & active domains"),
    Opt("transient", BOOL, "list transient domains"),
    Opt("persistent", BOOL, "list persistent domains"),
    Opt("with-snapshot", BOOL, "list domains with existing snapshot"),
    Opt("without-snapshot", BOOL, "list domains without a snapshot"),
    Opt("with-checkpoint", BOOL, "list domains with existing checkpoint"),
    Opt("without-checkpoint", BOOL, "list domains without a checkpoint"),
    Opt("state-running", BOOL, "list domains in running state"),
    Opt("state-paused", BOOL, "list domains in paused state"),
    Opt("state-shutoff", BOOL, "list domains in shutoff state"),
    Opt("state-other", BOOL, "list domains in other states"),
    Opt("autostart", BOOL, "list domains with autostart enabled"),
    Opt("no-autostart", BOOL, "list domains with autostart disabled"),
    Opt("with-managed-save", BOOL, "list domains with managed save state"),
    Opt("without-managed-save", BOOL, "list domains without managed save"),
    Opt("uuid", BOOL, "list uuid's only"),
    Opt("name", BOOL, "list domain names only"),
    Opt("id", BOOL, "list domain IDs only"),
    Opt("table", BOOL, "list table (default)"),
    Opt("managed-save", BOOL, "mark inactive domains with managed save state"),
    Opt("title", BOOL, "show domain title"),
)
_command(
    "domstate",
    "domain state",
    "Returns state about a domain.",
    DOMAIN,
    Opt("reason", BOOL, "also print reason for the state"),
)
_command(
    "dominfo",
    "domain information",
    "Returns basic information about the domain.",
    DOMAIN,
)
_command(
    "dumpxml",
    "domain information in XML",
    "Output the domain information as an XML dump to stdout.",
    DOMAIN,
    Opt("inactive", BOOL, "show inactive defined XML"),
    Opt("security-info", BOOL, "include security sensitive information in XML dump"),
    Opt("update-cpu", BOOL, "update guest CPU according to host CPU"),
    Opt("migratable", BOOL, "provide XML suitable for migrations"),
    Opt("xpath", STRING, "xpath expression to filter the XML document", req_opt=True),
    Opt("wrap", BOOL, "wrap xpath results in an common root element"),
)
_command(
    "domblklist",
    "list all domain blocks",
    "Get the summary of block devices for a domain.",
    DOMAIN,
    Opt("inactive", BOOL, "get inactive rather than running configuration"),
    Opt("details", BOOL, "additionally display the type and device value"),
)
_command(
    "attach-disk",
    "attach disk device",
    "Attach new disk device.",
    DOMAIN,
    Opt(
        "source",
        DATA,
        "source of disk device or name of network disk",
        required=True,
        empty_ok=True,
    ),
    Opt("target", DATA, "target of disk device", required=True),
    Opt("targetbus", STRING, "target bus of disk device"),
    Opt("driver", STRING, "driver of disk device"),
    Opt("subdriver", STRING, "subdriver of disk device"),
    Opt("iothread", STRING, "IOThread to be used by supported device"),
    Opt("cache", STRING, "cache mode of disk device"),
    Opt("io", STRING, "io policy of disk device"),
    Opt("type", STRING, "target device type"),
    Opt("shareable", ALIAS, "mode=shareable"),
    Opt("mode", STRING, "mode of device reading and writing"),
    Opt("sourcetype", STRING, "type of source (block|file|network)"),
    Opt("serial", STRING, "serial of disk device"),
    Opt("wwn", STRING, "wwn of disk device"),
    Opt("alias", STRING, "custom alias name of disk device"),
    Opt("rawio", BOOL, "needs rawio capability"),
    Opt("address", STRING, "address of disk device"),
    Opt("multifunction", BOOL, "use multifunction pci under specified address"),
    Opt("print-xml", BOOL, "print XML document rather than attach the disk"),
    Opt("source-protocol", STRING, "protocol used by disk device source"),
    Opt("source-host-name", STRING, "host name for source of disk device"),
    Opt("source-host-transport", STRING, "host transport for source of disk device"),
    Opt("source-host-socket", STRING, "host socket for source of disk device"),
    PERSISTENT,
    CONFIG,
    LIVE,
    CURRENT,
)
_command(
    "detach-disk",
    "detach disk device",
    "Detach disk device.",
    DOMAIN,
    Opt("target", DATA, "target of disk device", required=True),
    PERSISTENT,
    CONFIG,
    LIVE,
    CURRENT,
    Opt("print-xml", BOOL, "print XML document rather than detach the disk"),
)
_command(
    "attach-device",
    "attach device from an XML file",
    "Attach device from an XML <file>.",
    DOMAIN,
    Opt("file", DATA, "XML file", required=True),
    PERSISTENT,
    CONFIG,
    LIVE,
    CURRENT,
)
_command(
    "detach-device",
    "detach device from an XML file",
    "Detach device from an XML <file>",
    DOMAIN,
    Opt("file", DATA, "XML file", required=True),
    PERSISTENT,
    CONFIG,
    LIVE,
    CURRENT,
)
_command(
    "edit",
    "edit XML configuration for a domain",
    "Edit the XML configuration for a domain.",
    DOMAIN,
    Opt("skip-validate", BOOL, "skip validation of the XML against the schema"),
)
_command(
    "suspend",
    "suspend a domain",
    "Suspend a running domain.",
    DOMAIN,
)
_command(
    "resume",
    "resume a domain",
    "Resume a previously suspended domain.",
    DOMAIN,
)
_command(
    "domblkerror",
    "Show errors on block devices",
    "Show block device errors",
    DOMAIN,
)
_command(
    "migrate",
    "migrate domain to another host",
    "Migrate domain to another host.  Add --live for live migration.",
    DOMAIN,
    Opt(
        "desturi",
        DATA,
        "connection URI of the destination host as seen from the client(normal migration) or source(p2p migration)",
        required=True,
    ),
    Opt("live", BOOL, "live migration"),
    Opt("offline", BOOL, "offline migration"),
    Opt("p2p", BOOL, "peer-2-peer migration"),
    Opt("direct", BOOL, "direct migration"),
    Opt("tunneled", ALIAS, "tunnelled"),
    Opt("tunnelled", BOOL, "tunnelled migration"),
    Opt("persistent", BOOL, "persist VM on destination"),
    Opt("undefinesource", BOOL, "undefine VM on source"),
    Opt("suspend", BOOL, "do not restart the domain on the destination host"),
    Opt("copy-storage-all", BOOL, "migration with non-shared storage with full disk copy"),
    Opt(
        "copy-storage-inc",
        BOOL,
        "migration with non-shared storage with incremental copy (same base image shared between source and destination)",
    ),
    Opt(
        "copy-storage-synchronous-writes",
        BOOL,
        "force guest disk writes to be synchronously written to the destination to improve storage migration convergence",
    ),
    Opt(
        "change-protection",
        BOOL,
        "prevent any configuration changes to domain until migration ends",
    ),
    Opt("unsafe", BOOL, "force migration even if it may be unsafe"),
    Opt("verbose", BOOL, "display the progress of migration"),
    Opt("compressed", BOOL, "compress repeated pages during live migration"),
    Opt("auto-converge", BOOL, "force convergence during live migration"),
    Opt("rdma-pin-all", BOOL, "pin all memory before starting RDMA live migration"),
    Opt("abort-on-error", BOOL, "abort on soft errors during migration"),
    Opt(
        "postcopy", BOOL, "enable post-copy migration; switch to it using migrate-postcopy command"
    ),
    Opt(
        "postcopy-after-precopy",
        BOOL,
        "automatically switch to post-copy migration after one pass of pre-copy",
    ),
    Opt("postcopy-resume", BOOL, "resume failed post-copy migration"),
    Opt("zerocopy", BOOL, "use zero-copy mechanism for migrating memory pages"),
    Opt("migrateuri", STRING, "migration URI, usually can be omitted"),
    Opt("graphicsuri", STRING, "graphics URI to be used for seamless graphics migration"),
    Opt(
        "listen-address",
        STRING,
        "listen address that destination should bind to for incoming migration",
    ),
    Opt("dname", STRING, "rename to new name during migration (if supported)"),
    Opt(
        "timeout",
        INT,
        "run action specified by --timeout-* option (suspend by default) if live migration exceeds timeout (in seconds)",
    ),
    Opt("timeout-suspend", BOOL, "suspend the guest after timeout"),
    Opt("timeout-postcopy", BOOL, "switch to post-copy after timeout"),
    Opt("xml", STRING, "filename containing updated XML for the target"),
    Opt("migrate-disks", STRING, "comma separated list of disks to be migrated"),
    Opt("disks-port", INT, "port to use by target server for incoming disks migration"),
    Opt("disks-uri", STRING, "URI to use for disks migration (overrides --disks-port)"),
    Opt("comp-methods", STRING, "comma separated list of compression methods to be used"),
    Opt("comp-mt-level", INT, "compress level for multithread compression"),
    Opt("comp-mt-threads", INT, "number of compression threads for multithread compression"),
    Opt("comp-mt-dthreads", INT, "number of decompression threads for multithread compression"),
    Opt("comp-xbzrle-cache", INT, "page cache size for xbzrle compression"),
    Opt("auto-converge-initial", INT, "initial CPU throttling rate for auto-convergence"),
    Opt("auto-converge-increment", INT, "CPU throttling rate increment for auto-convergence"),
    Opt("persistent-xml", STRING, "filename containing updated persistent XML for the target"),
    Opt("tls", BOOL, "use TLS for migration"),
    Opt("postcopy-bandwidth", INT, "post-copy migration bandwidth limit in MiB/s"),
    Opt("parallel", BOOL, "enable parallel migration"),
    Opt("parallel-connections", INT, "number of connections for parallel migration"),
    Opt("bandwidth", INT, "migration bandwidth limit in MiB/s"),
    Opt("tls-destination", STRING, "override the destination host name used for TLS verification"),
)

# vsh.h VSH_CMD_HELP (vsh.c opts_help): parsed as any command, but it ignores options and
# data it does not know (vshCommandParse's special case for 'help')
HELP = CommandDef(
    "help",
    "print help",
    "Prints global help, command specific help, or help for a\n    group of related commands",
    (
        Opt(
            "command",
            STRING,
            "Prints global help, command specific help, or help for a group of related commands",
        ),
    ),
)


_command(
    "domid",
    "convert a domain name or UUID to domain id",
    "",
    Opt("domain", DATA, "domain name or uuid", required=True),
)
_command(
    "domname",
    "convert a domain id or UUID to domain name",
    "",
    Opt("domain", DATA, "domain id or uuid", required=True),
)
_command(
    "domuuid",
    "convert a domain name or id to domain UUID",
    "",
    Opt("domain", DATA, "domain id or name", required=True),
)

_command("uri", "print the hypervisor canonical URI", "")  # virsh-host.c: no options

# virsh.c cmdGroups, as ``virsh help`` lists them (vsh.c cmdHelp: ``    %-30s %s``): each group's
# name, help keyword and commands with their ``help`` info, aliases and hidden commands left
# out. ``help``, ``help GROUP`` and ``virsh --help`` print them.
GROUPS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Domain Management",
        "domain",
        (
            ("attach-device", "attach device from an XML file"),
            ("attach-disk", "attach disk device"),
            ("attach-interface", "attach network interface"),
            ("autostart", "autostart a domain"),
            ("blkdeviotune", "Set or query a block device I/O tuning parameters."),
            ("blkiotune", "Get or set blkio parameters"),
            ("blockcommit", "Start a block commit operation."),
            ("blockcopy", "Start a block copy operation."),
            ("blockjob", "Manage active block operations"),
            ("blockpull", "Populate a disk from its backing image."),
            ("blockresize", "Resize block device of domain."),
            ("change-media", "Change media of CD or floppy drive"),
            ("console", "connect to the guest console"),
            ("cpu-stats", "show domain cpu statistics"),
            ("create", "create a domain from an XML file"),
            ("define", "define (but don't start) a domain from an XML file"),
            ("desc", "show or set domain's description or title"),
            ("destroy", "destroy (stop) a domain"),
            ("detach-device", "detach device from an XML file"),
            ("detach-device-alias", "detach device from an alias"),
            ("detach-disk", "detach disk device"),
            ("detach-interface", "detach network interface"),
            ("domdisplay", "domain display connection URI"),
            ("domfsfreeze", "Freeze domain's mounted filesystems."),
            ("domfsthaw", "Thaw domain's mounted filesystems."),
            ("domfsinfo", "Get information of domain's mounted filesystems."),
            ("domfstrim", "Invoke fstrim on domain's mounted filesystems."),
            ("domhostname", "print the domain's hostname"),
            ("domid", "convert a domain name or UUID to domain id"),
            ("domif-setlink", "set link state of a virtual interface"),
            ("domiftune", "get/set parameters of a virtual interface"),
            ("domjobabort", "abort active domain job"),
            ("domjobinfo", "domain job information"),
            ("domlaunchsecinfo", "Get domain launch security info"),
            ("domsetlaunchsecstate", "Set domain launch security state"),
            ("domname", "convert a domain id or UUID to domain name"),
            ("domrename", "rename a domain"),
            ("dompmsuspend", "suspend a domain gracefully using power management functions"),
            ("dompmwakeup", "wakeup a domain from pmsuspended state"),
            ("domuuid", "convert a domain name or id to domain UUID"),
            ("domxml-from-native", "Convert native config to domain XML"),
            ("domxml-to-native", "Convert domain XML to native config"),
            ("dump", "dump the core of a domain to a file for analysis"),
            ("dumpxml", "domain information in XML"),
            ("edit", "edit XML configuration for a domain"),
            ("get-user-sshkeys", "list authorized SSH keys for given user (via agent)"),
            ("inject-nmi", "Inject NMI to the guest"),
            ("iothreadinfo", "view domain IOThreads"),
            ("iothreadpin", "control domain IOThread affinity"),
            ("iothreadadd", "add an IOThread to the guest domain"),
            ("iothreadset", "modifies an existing IOThread of the guest domain"),
            ("iothreaddel", "delete an IOThread from the guest domain"),
            ("send-key", "Send keycodes to the guest"),
            ("send-process-signal", "Send signals to processes"),
            ("lxc-enter-namespace", "LXC Guest Enter Namespace"),
            ("managedsave", "managed save of a domain state"),
            ("managedsave-remove", "Remove managed save of a domain"),
            ("managedsave-edit", "edit XML for a domain's managed save state file"),
            ("managedsave-dumpxml", "Domain information of managed save state file in XML"),
            ("managedsave-define", "redefine the XML for a domain's managed save state file"),
            ("memtune", "Get or set memory parameters"),
            ("perf", "Get or set perf event"),
            ("metadata", "show or set domain's custom XML metadata"),
            ("migrate", "migrate domain to another host"),
            ("migrate-setmaxdowntime", "set maximum tolerable downtime"),
            ("migrate-getmaxdowntime", "get maximum tolerable downtime"),
            ("migrate-compcache", "get/set compression cache size"),
            ("migrate-setspeed", "Set the maximum migration bandwidth"),
            ("migrate-getspeed", "Get the maximum migration bandwidth"),
            ("migrate-postcopy", "Switch running migration from pre-copy to post-copy"),
            ("numatune", "Get or set numa parameters"),
            ("qemu-attach", "QEMU Attach"),
            ("qemu-monitor-command", "QEMU Monitor Command"),
            ("qemu-monitor-event", "QEMU Monitor Events"),
            ("qemu-agent-command", "QEMU Guest Agent Command"),
            ("guest-agent-timeout", "Set the guest agent timeout"),
            ("reboot", "reboot a domain"),
            ("reset", "reset a domain"),
            ("restore", "restore a domain from a saved state in a file"),
            ("resume", "resume a domain"),
            ("save", "save a domain state to a file"),
            ("save-image-define", "redefine the XML for a domain's saved state file"),
            ("save-image-dumpxml", "saved state domain information in XML"),
            ("save-image-edit", "edit XML for a domain's saved state file"),
            ("schedinfo", "show/set scheduler parameters"),
            (
                "screenshot",
                "take a screenshot of a current domain console and store it into a file",
            ),
            ("set-lifecycle-action", "change lifecycle actions"),
            ("set-user-sshkeys", "manipulate authorized SSH keys file for given user (via agent)"),
            ("set-user-password", "set the user password inside the domain"),
            ("setmaxmem", "change maximum memory limit"),
            ("setmem", "change memory allocation"),
            ("setvcpus", "change number of virtual CPUs"),
            ("shutdown", "gracefully shutdown a domain"),
            ("start", "start a (previously defined) inactive domain"),
            ("suspend", "suspend a domain"),
            ("ttyconsole", "tty console"),
            ("undefine", "undefine a domain"),
            ("update-device", "update device from an XML file"),
            ("update-memory-device", "update memory device of a domain"),
            ("vcpucount", "domain vcpu counts"),
            ("vcpuinfo", "detailed domain vcpu information"),
            ("vcpupin", "control or query domain vcpu affinity"),
            ("emulatorpin", "control or query domain emulator affinity"),
            ("vncdisplay", "vnc display"),
            ("guestvcpus", "query or modify state of vcpu in the guest (via agent)"),
            ("setvcpu", "attach/detach vcpu or groups of threads"),
            (
                "domblkthreshold",
                "set the threshold for block-threshold event for a given block device or it's backing chain element",
            ),
            ("guestinfo", "query information about the guest (via agent)"),
            ("domdirtyrate-calc", "Calculate a vm's memory dirty rate"),
            ("dom-fd-associate", "associate a FD with a domain"),
        ),
    ),
    (
        "Domain Monitoring",
        "monitor",
        (
            ("domblkerror", "Show errors on block devices"),
            ("domblkinfo", "domain block device size information"),
            ("domblklist", "list all domain blocks"),
            ("domblkstat", "get device block stats for a domain"),
            ("domcontrol", "domain control interface state"),
            ("domif-getlink", "get link state of a virtual interface"),
            ("domifaddr", "Get network interfaces' addresses for a running domain"),
            ("domiflist", "list all domain virtual interfaces"),
            ("domifstat", "get network interface stats for a domain"),
            ("dominfo", "domain information"),
            ("dommemstat", "get memory statistics for a domain"),
            ("domstate", "domain state"),
            ("domstats", "get statistics about one or multiple domains"),
            ("domtime", "domain time"),
            ("list", "list domains"),
        ),
    ),
    (
        "Domain Events",
        "events",
        (("event", "Domain Events"),),
    ),
    (
        "Host and Hypervisor",
        "host",
        (
            ("allocpages", "Manipulate pages pool size"),
            ("capabilities", "capabilities"),
            ("cpu-baseline", "compute baseline CPU"),
            ("cpu-compare", "compare host CPU with a CPU described by an XML file"),
            ("cpu-models", "CPU models"),
            ("domcapabilities", "domain capabilities"),
            ("freecell", "NUMA free memory"),
            ("freepages", "NUMA free pages"),
            ("hostname", "print the hypervisor hostname"),
            ("hypervisor-cpu-baseline", "compute baseline CPU usable by a specific hypervisor"),
            (
                "hypervisor-cpu-compare",
                "compare a CPU with the CPU created by a hypervisor on the host",
            ),
            ("maxvcpus", "connection vcpu maximum"),
            ("node-memory-tune", "Get or set node memory parameters"),
            ("nodecpumap", "node cpu map"),
            ("nodecpustats", "Prints cpu stats of the node."),
            ("nodeinfo", "node information"),
            ("nodememstats", "Prints memory stats of the node."),
            ("nodesevinfo", "node SEV information"),
            ("nodesuspend", "suspend the host node for a given time duration"),
            ("sysinfo", "print the hypervisor sysinfo"),
            ("uri", "print the hypervisor canonical URI"),
            ("version", "show version"),
        ),
    ),
    (
        "Checkpoint",
        "checkpoint",
        (
            ("checkpoint-create", "Create a checkpoint from XML"),
            ("checkpoint-create-as", "Create a checkpoint from a set of args"),
            ("checkpoint-delete", "Delete a domain checkpoint"),
            ("checkpoint-dumpxml", "Dump XML for a domain checkpoint"),
            ("checkpoint-edit", "edit XML for a checkpoint"),
            ("checkpoint-info", "checkpoint information"),
            ("checkpoint-list", "List checkpoints for a domain"),
            ("checkpoint-parent", "Get the name of the parent of a checkpoint"),
        ),
    ),
    (
        "Interface",
        "interface",
        (
            (
                "iface-begin",
                "create a snapshot of current interfaces settings, which can be later committed (iface-commit) or restored (iface-rollback)",
            ),
            ("iface-bridge", "create a bridge device and attach an existing network device to it"),
            ("iface-commit", "commit changes made since iface-begin and free restore point"),
            (
                "iface-define",
                "define an inactive persistent physical host interface or modify an existing persistent one from an XML file",
            ),
            ("iface-destroy", 'destroy a physical host interface (disable it / "if-down")'),
            ("iface-dumpxml", "interface information in XML"),
            ("iface-edit", "edit XML configuration for a physical host interface"),
            ("iface-list", "list physical host interfaces"),
            ("iface-mac", "convert an interface name to interface MAC address"),
            ("iface-name", "convert an interface MAC address to interface name"),
            ("iface-rollback", "rollback to previous saved configuration created via iface-begin"),
            ("iface-start", 'start a physical host interface (enable it / "if-up")'),
            ("iface-unbridge", "undefine a bridge device after detaching its device(s)"),
            ("iface-undefine", "undefine a physical host interface (remove it from configuration)"),
        ),
    ),
    (
        "Network Filter",
        "filter",
        (
            ("nwfilter-define", "define or update a network filter from an XML file"),
            ("nwfilter-dumpxml", "network filter information in XML"),
            ("nwfilter-edit", "edit XML configuration for a network filter"),
            ("nwfilter-list", "list network filters"),
            ("nwfilter-undefine", "undefine a network filter"),
            ("nwfilter-binding-create", "create a network filter binding from an XML file"),
            ("nwfilter-binding-delete", "delete a network filter binding"),
            ("nwfilter-binding-dumpxml", "network filter information in XML"),
            ("nwfilter-binding-list", "list network filter bindings"),
        ),
    ),
    (
        "Networking",
        "network",
        (
            ("net-autostart", "autostart a network"),
            ("net-create", "create a network from an XML file"),
            (
                "net-define",
                "define an inactive persistent virtual network or modify an existing persistent one from an XML file",
            ),
            ("net-destroy", "destroy (stop) a network"),
            ("net-dhcp-leases", "print lease info for a given network"),
            ("net-dumpxml", "network information in XML"),
            ("net-edit", "edit XML configuration for a network"),
            ("net-event", "Network Events"),
            ("net-info", "network information"),
            ("net-list", "list networks"),
            ("net-name", "convert a network UUID to network name"),
            ("net-start", "start a (previously defined) inactive network"),
            ("net-undefine", "undefine a persistent network"),
            ("net-update", "update parts of an existing network's configuration"),
            ("net-uuid", "convert a network name to network UUID"),
            ("net-port-list", "list network ports"),
            ("net-port-create", "create a network port from an XML file"),
            ("net-port-dumpxml", "network port information in XML"),
            ("net-port-delete", "delete the specified network port"),
        ),
    ),
    (
        "Node Device",
        "nodedev",
        (
            ("nodedev-create", "create a device defined by an XML file on the node"),
            ("nodedev-destroy", "destroy (stop) a device on the node"),
            ("nodedev-detach", "detach node device from its device driver"),
            ("nodedev-dumpxml", "node device details in XML"),
            ("nodedev-list", "enumerate devices on this host"),
            ("nodedev-reattach", "reattach node device to its device driver"),
            ("nodedev-reset", "reset node device"),
            ("nodedev-event", "Node Device Events"),
            ("nodedev-define", "Define a device by an xml file on a node"),
            ("nodedev-undefine", "Undefine an inactive node device"),
            ("nodedev-start", "Start an inactive node device"),
            ("nodedev-autostart", "autostart a defined node device"),
            ("nodedev-info", "node device information"),
        ),
    ),
    (
        "Secret",
        "secret",
        (
            ("secret-define", "define or modify a secret from an XML file"),
            ("secret-dumpxml", "secret attributes in XML"),
            ("secret-event", "Secret Events"),
            ("secret-get-value", "Output a secret value"),
            ("secret-list", "list secrets"),
            ("secret-set-value", "set a secret value"),
            ("secret-undefine", "undefine a secret"),
        ),
    ),
    (
        "Snapshot",
        "snapshot",
        (
            ("snapshot-create", "Create a snapshot from XML"),
            ("snapshot-create-as", "Create a snapshot from a set of args"),
            ("snapshot-current", "Get or set the current snapshot"),
            ("snapshot-delete", "Delete a domain snapshot"),
            ("snapshot-dumpxml", "Dump XML for a domain snapshot"),
            ("snapshot-edit", "edit XML for a snapshot"),
            ("snapshot-info", "snapshot information"),
            ("snapshot-list", "List snapshots for a domain"),
            ("snapshot-parent", "Get the name of the parent of a snapshot"),
            ("snapshot-revert", "Revert a domain to a snapshot"),
        ),
    ),
    (
        "Backup",
        "backup",
        (
            ("backup-begin", "Start a disk backup of a live domain"),
            ("backup-dumpxml", "Dump XML for an ongoing domain block backup job"),
        ),
    ),
    (
        "Storage Pool",
        "pool",
        (
            ("find-storage-pool-sources-as", "find potential storage pool sources"),
            ("find-storage-pool-sources", "discover potential storage pool sources"),
            ("pool-autostart", "autostart a pool"),
            ("pool-build", "build a pool"),
            ("pool-create-as", "create a pool from a set of args"),
            ("pool-create", "create a pool from an XML file"),
            ("pool-define-as", "define a pool from a set of args"),
            (
                "pool-define",
                "define an inactive persistent storage pool or modify an existing persistent one from an XML file",
            ),
            ("pool-delete", "delete a pool"),
            ("pool-destroy", "destroy (stop) a pool"),
            ("pool-dumpxml", "pool information in XML"),
            ("pool-edit", "edit XML configuration for a storage pool"),
            ("pool-info", "storage pool information"),
            ("pool-list", "list pools"),
            ("pool-name", "convert a pool UUID to pool name"),
            ("pool-refresh", "refresh a pool"),
            ("pool-start", "start a (previously defined) inactive pool"),
            ("pool-undefine", "undefine an inactive pool"),
            ("pool-uuid", "convert a pool name to pool UUID"),
            ("pool-event", "Storage Pool Events"),
            ("pool-capabilities", "storage pool capabilities"),
        ),
    ),
    (
        "Storage Volume",
        "volume",
        (
            ("vol-clone", "clone a volume."),
            ("vol-create-as", "create a volume from a set of args"),
            ("vol-create", "create a vol from an XML file"),
            ("vol-create-from", "create a vol, using another volume as input"),
            ("vol-delete", "delete a vol"),
            ("vol-download", "download volume contents to a file"),
            ("vol-dumpxml", "vol information in XML"),
            ("vol-info", "storage vol information"),
            ("vol-key", "returns the volume key for a given volume name or path"),
            ("vol-list", "list vols"),
            ("vol-name", "returns the volume name for a given volume key or path"),
            ("vol-path", "returns the volume path for a given volume name or key"),
            ("vol-pool", "returns the storage pool for a given volume key or path"),
            ("vol-resize", "resize a vol"),
            ("vol-upload", "upload file contents to a volume"),
            ("vol-wipe", "wipe a vol"),
        ),
    ),
    (
        "Virsh itself",
        "virsh",
        (
            ("cd", "change the current directory"),
            ("echo", "echo arguments. Used for internal testing."),
            ("exit", "quit this interactive terminal"),
            ("help", "print help"),
            ("pwd", "print the current directory"),
            ("quit", "quit this interactive terminal"),
            ("connect", "(re)connect to hypervisor"),
        ),
    ),
)
# Every command of virsh 9.0.0: the listed ones, the hidden ``self-test`` and ``complete``
# and the alias ``nodedev-dettach``. A real command the lab does not implement is not
# modelled, never an unknown command.
ALL_COMMANDS = frozenset(
    [name for _, _, commands in GROUPS for name, _ in commands]
    + ["self-test", "complete", "nodedev-dettach"]
)
