"""virsh (libvirt 9.0.0 ``tools/virsh*.c``; formats: commands.md 8). A thin face: it parses
options, calls the daemon, and prints what libvirt prints, then the closing empty line."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import attrs

from simulator.errors import NotModelled
from simulator.libvirt.domain_xml import Disk, StorageSource, format_domain, parse_disk
from simulator.libvirt.qemu_driver import Daemon
from simulator.libvirt.virdomainobjlist import Domain
from simulator.libvirt.virerror import LibvirtError
from simulator.shell.commands.procps import cpu_seconds
from simulator.shell.commands.virsh_options import (
    ALIAS,
    ALL_COMMANDS,
    ARGV,
    BOOL,
    DATA,
    GROUPS,
    HELP,
    INT,
    STRING,
    CommandDef,
    Opt,
)
from simulator.shell.commands.virsh_options import COMMANDS as COMMAND_DEFS
from simulator.shell.registry import COMMANDS, CommandContext, Input, command
from simulator.shell.syntax import ShellSyntaxError, parse_script

# The options each handler honours; any other option virsh accepts (virsh_options.COMMANDS)
# stops with ``not modelled`` before anything runs.
_LIFECYCLE = frozenset({"domain"})
_HOTPLUG = frozenset({"domain", "persistent", "config", "live", "current"})
MODELLED: dict[str, frozenset[str]] = {
    "define": frozenset({"file"}),
    "create": frozenset({"file"}),
    "undefine": _LIFECYCLE,
    "start": _LIFECYCLE,
    "shutdown": _LIFECYCLE,
    "destroy": _LIFECYCLE,
    "suspend": _LIFECYCLE,
    "resume": _LIFECYCLE,
    "dominfo": _LIFECYCLE,
    "domblkerror": _LIFECYCLE,
    "domid": _LIFECYCLE,
    "domname": _LIFECYCLE,
    "domuuid": _LIFECYCLE,
    "uri": frozenset(),
    "edit": _LIFECYCLE,
    "domstate": frozenset({"domain", "reason"}),
    "dumpxml": frozenset({"domain", "inactive", "security-info"}),
    "domblklist": frozenset({"domain", "details", "inactive"}),
    # every cmdList option but --title (domain titles are not modelled)
    "list": frozenset(o.name for o in COMMAND_DEFS["list"].opts) - {"title"},
    "attach-disk": _HOTPLUG
    | {"source", "target", "targetbus", "driver", "subdriver", "type", "mode", "sourcetype"},
    "detach-disk": _HOTPLUG | {"target"},
    "attach-device": _HOTPLUG | {"file"},
    "detach-device": _HOTPLUG | {"file"},
}
# VSH_EXCLUSIVE_OPTIONS(_VAR) at the top of the handlers, in their order: "Options --A and
# --B are mutually exclusive", before the domain is looked up
_HOTPLUG_EXCLUSIVE = (("persistent", "current"), ("current", "live"), ("current", "config"))
EXCLUSIVE: dict[str, tuple[tuple[str, str], ...]] = {
    "list": (("table", "name"), ("table", "uuid"), ("table", "id")),  # cmdList
    "attach-disk": _HOTPLUG_EXCLUSIVE,  # cmdAttachDisk
    "detach-disk": _HOTPLUG_EXCLUSIVE,  # cmdDetachDisk
    "attach-device": _HOTPLUG_EXCLUSIVE,  # cmdAttachDevice
    "detach-device": _HOTPLUG_EXCLUSIVE,  # cmdDetachDevice
}


class VirshError(Exception):
    """A command failed: ``error: ...`` lines on stderr, then the closing blank line."""

    def __init__(self, *lines: str) -> None:
        super().__init__(lines[0])
        self.lines = lines


class ParseError(VirshError):
    """vsh.c vshCommandParse refused the line: it runs no command (no blank line)."""


Values = dict[str, str | bool]


@attrs.frozen(repr=False, eq=False)
class Parsed:
    """One command of the line, parsed (vsh.c ``vshCmd``): its table and its options."""

    definition: CommandDef
    values: Values


def _get_option(
    definition: CommandDef, name: str, value: str | None, seen: set[str]
) -> tuple[Opt | None, str | None]:
    """vsh.c ``vshCmddefGetOption``: ``--help`` first, then the command's options in order;
    an alias stands for a later option (``shareable`` for ``mode=shareable``, with that
    value). Returns the option and the value ``--name=value`` or the alias gave it; None for
    an option ``help`` does not know (it ignores them)."""
    if name == "help":
        return HELP_OPT, value
    for index, opt in enumerate(definition.opts):
        if opt.name != name:
            continue
        if opt.kind == ALIAS:
            target, eq, default = opt.help.partition("=")
            if eq:
                if value is not None:
                    raise ParseError(f"invalid '=' after option --{opt.name}")
                value = default
            later = [o for o in definition.opts[index + 1 :] if o.name == target]
            return _get_option(attrs.evolve(definition, opts=tuple(later)), target, value, seen)
        if name in seen and opt.kind != ARGV:
            raise ParseError(f"option --{name} already seen")
        seen.add(name)
        return opt, value
    if definition.name == "help":
        return None, None
    raise ParseError(f"command '{definition.name}' doesn't support option --{name}")


HELP_OPT = Opt("help", BOOL, "print help for this function")


def _parse_command(words: list[str]) -> Parsed:
    """vsh.c ``vshCommandParse`` for one command: options by name (``--name value``,
    ``--name=value``), the others by position into the options that take data, in order
    (``vshCmddefGetData``); ``--`` ends the options; ``--help`` asks for the help text."""
    name = words[0]
    definition = HELP if name == "help" else COMMAND_DEFS.get(name)
    if definition is None:
        if name in ALL_COMMANDS:
            raise NotModelled(f"virsh {name}")
        raise ParseError(f"unknown command: '{name}'")
    # vshCmddefOptParse: what may come by position, and what is required
    need_arg = [o for o in definition.opts if o.kind not in (BOOL, ALIAS) and not o.req_opt]
    values: Values = {}
    seen: set[str] = set()
    data_only = False
    asked_help = False
    rest = iter(words[1:])
    for word in rest:
        opt: Opt | None
        value: str | None
        if not data_only and word.startswith("--") and word[2:3].isascii() and word[2:3].isalnum():
            option, eq, inline = word[2:].partition("=")
            opt, value = _get_option(definition, option, inline if eq else None, seen)
            if opt is None:
                continue  # 'help' ignores what it does not know
            if opt.kind == BOOL and value is not None:
                raise ParseError(f"invalid '=' after option --{opt.name}")
            if opt is HELP_OPT:
                asked_help = True
                continue
            if opt.kind == BOOL:
                values[opt.name] = True
                continue
            if value is None:
                value = next(rest, None)
            if value is None:
                kind = "number" if opt.kind == INT else "string"
                raise ParseError(f"expected syntax: --{opt.name} <{kind}>")
            need_arg = [o for o in need_arg if o.name != opt.name or o.kind == ARGV]
            values[opt.name] = value
            continue
        if not data_only and word == "--":
            data_only = True
            continue
        # vshCmddefGetData: the first option still waiting for data
        if not need_arg:
            if definition.name == "help":
                continue
            raise ParseError(f"unexpected data '{word}'")
        opt = need_arg[0]
        if opt.kind != ARGV:
            need_arg = need_arg[1:]
        seen.add(opt.name)
        values[opt.name] = word
    if asked_help:  # the command becomes 'help NAME'
        return Parsed(HELP, {"command": name})
    missing = [
        f"command '{name}' requires <{o.name}> option"
        if o.kind in (DATA, ARGV)
        else f"command '{name}' requires --{o.name} option"
        for o in definition.opts
        if o.required and o.name not in seen
    ]
    if missing:
        raise ParseError(*missing)
    if name != "help":
        for option in values:
            if option not in MODELLED[name]:
                raise NotModelled(f"virsh {name} --{option}")
    return Parsed(definition, values)


def _split_commands(line: str) -> list[list[str]]:
    """vsh.c ``vshCommandStringGetArg``: one argument holds a command string: blanks separate
    words, ';' and newlines commands, ``#`` at a word's start comments out the rest of the
    line; quotes and backslashes as in a shell (no expansion)."""
    commands: list[list[str]] = [[]]
    i, n = 0, len(line)
    while i < n:
        char = line[i]
        if char in " \t" or (char == "\\" and line[i + 1 : i + 2] == "\n"):
            i += 1 + (char == "\\")
            continue
        if char in ";\n":
            commands.append([])
            i += 1
            continue
        if char == "#":
            end = line.find("\n", i)
            i = n if end < 0 else end + 1
            commands.append([])
            continue
        word: list[str] = []
        single = double = False
        while i < n:
            char = line[i]
            if not single and not double and char in " \t;\n":
                break
            if not double and char == "'":
                single = not single
            elif not single and char == "\\":
                i += 1
                if i >= n:
                    raise ParseError("dangling \\")
                if line[i] != "\n":
                    word.append(line[i])
            elif not single and char == '"':
                double = not double
            else:
                word.append(char)
            i += 1
        if double:
            raise ParseError('missing "')
        commands[-1].append("".join(word))
    return [c for c in commands if c]


def _read(ctx: CommandContext, path: str) -> str:
    try:
        return ctx.host.read_file(ctx.proc, path).decode()
    except OSError as error:
        raise VirshError(f"Failed to open file '{path}': {error.strerror}") from None


_C_SPACE = " \t\n\v\f\r"
_HEX = frozenset("0123456789abcdefABCDEF")


def _c_int(text: str) -> int | None:
    """virStrToLong_i: strtol in base 10 over the whole text (leading blanks, a sign), an int."""
    digits = text.lstrip(_C_SPACE)
    body = digits[1:] if digits[:1] in ("+", "-") else digits
    if not body or not body.isascii() or not body.isdigit():
        return None
    number = int(digits)
    return number if -(2**31) <= number < 2**31 else None


def _uuid(text: str) -> str | None:
    """viruuid.c ``virUUIDParse``: blanks around, '-' or ' ' between the pairs of exactly 32
    hex digits (either case); the UUID as libvirt formats it (lower case, 8-4-4-4-12)."""
    rest = text.lstrip(_C_SPACE)
    pairs: list[str] = []
    while len(pairs) < 16:
        if rest[:1] in ("-", " ") and rest:
            rest = rest[1:]
            continue
        pair, rest = rest[:2], rest[2:]
        if len(pair) != 2 or not _HEX.issuperset(pair):
            return None
        pairs.append(pair.lower())
    if rest.strip(_C_SPACE):
        return None
    d = "".join(pairs)
    return f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:]}"


def _domain(daemon: Daemon, key: str, *, by: tuple[str, ...] = ("id", "uuid", "name")) -> Domain:
    """virsh-util.c ``virshLookupDomainInternal``: by id (a number >= 0), then by UUID (a
    36-character key), then by name, as ``by`` allows; one error line when none matches."""
    found = None
    number = _c_int(key) if "id" in by else None
    if number is not None and number >= 0:
        found = daemon.domains.find_by_id(number)
    if found is None and "uuid" in by and len(key) == 36:
        uuid = _uuid(key)
        found = daemon.domains.find_by_uuid(uuid) if uuid is not None else None
    if found is None and "name" in by:
        found = daemon.domains.get(key)
    if found is None:
        raise VirshError(f"failed to get domain '{key}'")
    return found


@attrs.frozen(repr=False, eq=False)
class Table:
    """A table a handler returns; printed by ``vshTablePrintToStdout`` (virsh decides on
    the header: ``-q`` leaves it out)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def render(self, quiet: bool) -> str:
        """vsh-table.c ``vshTablePrint``: left-aligned cells, two-space gaps, dashes under the
        header; the widths are over the lines printed (without the header under ``-q``)."""
        lines = [*([] if quiet else [self.headers]), *self.rows]
        widths = [max(len(r[i]) for r in lines) for i in range(len(self.headers))]
        text = []
        for row in lines:
            cells = []
            for i, cell in enumerate(row):
                pad = "" if i == len(row) - 1 else " " * (widths[i] - len(cell) + 2)
                cells.append(" " + cell + pad)
            text.append("".join(cells) + "\n")
        if not quiet:
            text.insert(1, "-" * sum(w + 3 for w in widths) + "\n")
        return "".join(text)


def _table(headers: list[str], rows: list[list[str]]) -> Table:
    return Table(tuple(headers), tuple(tuple(r) for r in rows))


def _flags(values: Values, active: bool) -> tuple[bool, bool]:
    """(live, config) as virsh's --live/--config/--persistent/--current select them."""
    live = bool(values.get("live")) or bool(values.get("persistent"))
    config = bool(values.get("config")) or bool(values.get("persistent"))
    if not live and not config:
        live, config = active, not active
    if values.get("persistent") and not active:
        live = False
    return live, config


Handler = Callable[[CommandContext, Daemon, Values], str | Table]
HANDLERS: dict[str, Handler] = {}
# virsh commands in modules of their own, loaded the first time one runs
LATE_HANDLERS = {"migrate": "simulator.shell.commands.virsh_migrate"}


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[name] = function
        return function

    return register


@handler("define")
def _define(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    path = str(values["file"])
    text = _read(ctx, path)
    try:
        domain = daemon.define(text)
    except LibvirtError as error:
        raise VirshError(f"Failed to define domain from {path}", str(error)) from None
    return f"Domain '{domain.name}' defined from {path}\n"


@handler("create")
def _create(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    path = str(values["file"])
    text = _read(ctx, path)
    try:
        domain = daemon.create(text)
    except LibvirtError as error:
        raise VirshError(f"Failed to create domain from {path}", str(error)) from None
    return f"Domain '{domain.name}' created from {path}\n"


@handler("undefine")
def _undefine(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    key = str(values["domain"])
    domain = _domain(daemon, key)
    try:
        daemon.undefine(domain.name)
    except LibvirtError as error:
        raise VirshError(f"Failed to undefine domain '{key}'", str(error)) from None
    return f"Domain '{key}' has been undefined\n"


@handler("start")
def _start(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    domain = _domain(daemon, str(values["domain"]))
    if domain.active:
        raise VirshError("Domain is already active")
    try:
        daemon.start(domain)
    except LibvirtError as error:
        raise VirshError(f"Failed to start domain '{domain.name}'", str(error)) from None
    return f"Domain '{domain.name}' started\n"


def _stop_command(verb: str, past: str) -> Handler:
    def run(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
        key = str(values["domain"])
        domain = _domain(daemon, key)
        try:
            getattr(daemon, verb)(domain.name)
        except LibvirtError as error:
            raise VirshError(f"Failed to {verb} domain '{key}'", str(error)) from None
        return f"Domain '{key}' {past}\n"

    return run


HANDLERS["shutdown"] = _stop_command("shutdown", "is being shutdown")
HANDLERS["destroy"] = _stop_command("destroy", "destroyed")


# cmdList's filters (virConnectListAllDomains, virdomainobjlist.c
# virDomainObjListFilter): within a group any flag may match, every group given must match.
# The lab has no autostart, managed save, snapshot or checkpoint (their commands are not
# modelled), so no domain has one.
def _none(_: Domain) -> bool:
    return False


def _every(_: Domain) -> bool:
    return True


LIST_FILTERS: tuple[dict[str, Callable[[Domain], bool]], ...] = (
    {"persistent": lambda d: d.persistent, "transient": lambda d: not d.persistent},
    {"with-managed-save": _none, "without-managed-save": _every},
    {"autostart": _none, "no-autostart": _every},
    {"with-snapshot": _none, "without-snapshot": _every},
    {"with-checkpoint": _none, "without-checkpoint": _every},
    {
        "state-running": lambda d: d.state == "running",
        "state-paused": lambda d: d.state == "paused",
        "state-shutoff": lambda d: d.state == "shut off",
        "state-other": lambda d: d.state not in ("running", "paused", "shut off"),
    },
)


@handler("list")
def _list(ctx: CommandContext, daemon: Daemon, values: Values) -> str | Table:
    """virsh-domain-monitor.c ``cmdList``: active domains unless ``--inactive`` or
    ``--state-shutoff`` (inactive ones) or ``--all``; ``--uuid``, ``--id`` and ``--name``
    print those fields instead of the table (``--id`` skips inactive domains when alone)."""
    active, inactive = True, False
    if values.get("inactive") or values.get("state-shutoff"):
        active, inactive = False, True
    if values.get("all"):
        active = inactive = True
    domains = [d for d in daemon.sorted_domains() if (active if d.active else inactive)]
    for group in LIST_FILTERS:
        chosen = [test for flag, test in group.items() if values.get(flag)]
        if chosen:
            domains = [d for d in domains if any(test(d) for test in chosen)]
    fields = [f for f in ("uuid", "id", "name") if values.get(f)]
    if not fields:
        rows = [[str(d.id) if d.active else "-", d.name, d.state] for d in domains]
        return _table(["Id", "Name", "State"], rows)
    lines = []
    for d in domains:
        if fields == ["id"] and not d.active:
            continue
        row = {"uuid": d.definition.uuid, "id": str(d.id) if d.active else "-", "name": d.name}
        lines.append(" ".join(row[f] for f in fields) + "\n")
    return "".join(lines)


@handler("domid")
def _domid(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    """virsh-domain.c ``cmdDomid``: by name or UUID; ``-`` for an inactive domain."""
    domain = _domain(daemon, str(values["domain"]), by=("name", "uuid"))
    return f"{domain.id}\n" if domain.active else "-\n"


@handler("domname")
def _domname(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    """virsh-domain.c ``cmdDomname``: by id or UUID."""
    return f"{_domain(daemon, str(values['domain']), by=('id', 'uuid')).name}\n"


@handler("domuuid")
def _domuuid(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    """virsh-domain.c ``cmdDomuuid``: by name or id."""
    return f"{_domain(daemon, str(values['domain']), by=('id', 'name')).definition.uuid}\n"


@handler("uri")
def _uri(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    """virsh-host.c ``cmdURI``: virConnectGetURI, the lab's one connection."""
    return "qemu:///system\n"


@handler("domstate")
def _domstate(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    domain = _domain(daemon, str(values["domain"]))
    if values.get("reason"):
        # virshDomainStateReasonToString: the reason the daemon recorded with the state
        return f"{domain.state} ({domain.reason})\n"
    return f"{domain.state}\n"


def _cpu_time_row(ctx: CommandContext, domain: Domain) -> list[tuple[str, str]]:
    """cmdDominfo: ``CPU time:`` with ``%.1lfs`` when the domain has used any (running)."""
    proc = ctx.host.processes.get(domain.pid) if domain.active and domain.pid else None
    used = cpu_seconds(proc, ctx.host.clock.now) if proc is not None else 0
    return [("CPU time:", f"{used:.1f}s")] if used else []


@handler("dominfo")
def _dominfo(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    domain = _domain(daemon, str(values["domain"]))
    # virsh-domain-monitor.c cmdDominfo from virDomainGetInfo (qemuDomainGetInfo: the live
    # definition of a running domain, else the persistent one)
    definition = domain.live if domain.active and domain.live is not None else domain.definition
    rows = [
        ("Id:", str(domain.id) if domain.active else "-"),
        ("Name:", domain.name),
        ("UUID:", domain.definition.uuid),
        ("OS Type:", "hvm"),
        ("State:", domain.state),
        ("CPU(s):", str(definition.vcpus_current)),
        *_cpu_time_row(ctx, domain),
        ("Max memory:", f"{definition.total_memory_kib} KiB"),
        ("Used memory:", f"{definition.current_memory_kib} KiB"),
        ("Persistent:", "yes" if domain.persistent else "no"),
        ("Autostart:", "disable"),
        ("Managed save:", "no"),
    ]
    manager = daemon.manager
    if manager is not None:
        rows.append(("Security model:", manager.primary_model))
        rows.append(("Security DOI:", "0"))
        selinux = domain.live.seclabel("selinux") if domain.live else None
        if selinux is not None and selinux.label:
            mode = "enforcing" if daemon.ops().enforcing else "permissive"
            rows.append(("Security label:", f"{selinux.label} ({mode})"))
    return "".join(f"{name:<15} {value}\n" for name, value in rows)


@handler("dumpxml")
def _dumpxml(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    domain = _domain(daemon, str(values["domain"]))
    if domain.live is not None and not values.get("inactive"):
        return format_domain(domain.live, domain_id=domain.id, machine=daemon.machine_type)
    return format_domain(domain.definition, inactive=True, machine=daemon.machine_type)


@handler("domblklist")
def _domblklist(ctx: CommandContext, daemon: Daemon, values: Values) -> Table:
    domain = _domain(daemon, str(values["domain"]))
    definition = domain.live if domain.live and not values.get("inactive") else domain.definition
    if values.get("details"):
        rows = [[d.type, d.device, d.target, d.src.path or "-"] for d in definition.disks]
        return _table(["Type", "Device", "Target", "Source"], rows)
    return _table(["Target", "Source"], [[d.target, d.src.path or "-"] for d in definition.disks])


@handler("attach-disk")
def _attach_disk(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    # cmdAttachDisk checks the source type and the mode before it looks the domain up
    if values.get("sourcetype") not in (None, "file", "block"):
        if values.get("sourcetype") != "network":
            raise VirshError(f"Unknown source type: '{values['sourcetype']}'")
        raise NotModelled("virsh attach-disk --sourcetype network")
    if values.get("driver", "qemu") != "qemu":  # <driver name='...'>: qemu is the lab's
        raise NotModelled(f"virsh attach-disk --driver {values['driver']}")
    mode = values.get("mode")
    if mode not in (None, "readonly", "shareable"):
        raise VirshError(f"No support for {mode} in command 'attach-disk'")
    domain = _domain(daemon, str(values["domain"]))
    source = str(values["source"])
    if not source:  # VSH_OFLAG_EMPTY_OK: a <disk> with no <source>, no media
        raise NotModelled("virsh attach-disk with an empty source (a disk without media)")
    sourcetype = str(values.get("sourcetype", "block" if source.startswith("/dev/") else "file"))
    disk = Disk(
        type=sourcetype,
        device=str(values.get("type", "disk")),
        target=str(values["target"]),
        src=StorageSource(path=source, format=str(values.get("subdriver", "raw"))),
        bus=str(values["targetbus"]) if "targetbus" in values else None,
        driver_type=str(values.get("subdriver", "raw")),
        readonly=mode == "readonly",
        shareable=mode == "shareable",
    )
    live, config = _flags(values, domain.active)
    try:
        daemon.attach_disk(domain.name, disk, live=live, config=config)
    except LibvirtError as error:
        raise VirshError("Failed to attach disk", str(error)) from None
    return "Disk attached successfully\n"


@handler("detach-disk")
def _detach_disk(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    domain = _domain(daemon, str(values["domain"]))
    target = str(values["target"])
    live, config = _flags(values, domain.active)
    chosen = domain.live if live and domain.live else domain.definition
    if not any(target in (d.target, d.src.path) for d in chosen.disks):
        raise VirshError(f"No disk found whose source path or target is {target}")
    try:
        daemon.detach_disk(domain.name, target, live=live, config=config)
    except LibvirtError as error:
        raise VirshError("Failed to detach disk", str(error)) from None
    return "Disk detached successfully\n"


@handler("attach-device")
def _attach_device(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    domain = _domain(daemon, str(values["domain"]))
    path = str(values["file"])
    text = _read(ctx, path)
    live, config = _flags(values, domain.active)
    try:
        daemon.attach_disk(domain.name, parse_disk(text), live=live, config=config)
    except LibvirtError as error:
        raise VirshError(f"Failed to attach device from {path}", str(error)) from None
    return "Device attached successfully\n"


@handler("detach-device")
def _detach_device(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    domain = _domain(daemon, str(values["domain"]))
    path = str(values["file"])
    text = _read(ctx, path)
    live, config = _flags(values, domain.active)
    try:
        disk = parse_disk(text)
        daemon.detach_disk(domain.name, disk.target, live=live, config=config)
    except LibvirtError as error:
        raise VirshError(f"Failed to detach device from {path}", str(error)) from None
    return "Device detached successfully\n"


# vsh.c vshEditFile runs "EDITOR FILE" (directly, or through sh -c when EDITOR holds blanks or
# shell characters); the lab runs it as a command line of its own shell.
EDITING_MARK = "__SECLAB_VIRSH_EDITING"  # set while an editor runs (no nested edits)


@handler("edit")
def _edit(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    """virsh-domain.c ``cmdEdit`` with vsh-edit.c: the inactive XML goes to a temporary file,
    ``$VISUAL`` or ``$EDITOR`` edits it, and a changed file is defined."""
    domain = _domain(daemon, str(values["domain"]))
    editor = ctx.shell.vars.get("VISUAL") or ctx.shell.vars.get("EDITOR") or "vi"
    first = editor.split()[0] if editor.split() else ""
    if ctx.shell.vars.get(EDITING_MARK):  # an editor that runs virsh edit would never end
        raise NotModelled("virsh edit run from the editor of another virsh edit")
    if first not in COMMANDS:  # vi, the default, is interactive: no lab command
        raise NotModelled(f"virsh edit with the editor '{editor}' (set EDITOR to a lab command)")
    before = format_domain(domain.definition, inactive=True, machine=daemon.machine_type)
    path = f"/tmp/virsh{abs(hash_text(domain.name + str(ctx.host.clock.now))) % 10**6:06d}.xml"
    try:
        node = parse_script(f"{editor} {path}")
    except ShellSyntaxError:
        raise NotModelled(f"virsh edit with the editor '{editor}'") from None
    ctx.host.write_file(ctx.proc, path, before.encode(), mode=0o600)
    ctx.shell.vars[EDITING_MARK] = "1"
    try:
        sink: list[tuple[int, bytes]] = []
        status = ctx.shell.execute(node, Input(b""), sink) if node is not None else 0
        for stream, data in sink:
            (ctx.out if stream == 1 else ctx.err)(data)
        after = ctx.host.read_file(ctx.proc, path).decode(errors="replace")
    finally:
        ctx.shell.vars.pop(EDITING_MARK, None)
        ctx.host.unlink(ctx.proc, path)
    if status != 0:
        raise NotModelled(f"virsh edit when the editor fails (exit {status})")
    if after == before:
        return f"Domain '{domain.name}' XML configuration not changed.\n"
    try:
        edited = daemon.define(after)
    except LibvirtError:
        raise NotModelled("virsh edit with XML the daemon rejects (virsh asks again)") from None
    return f"Domain '{edited.name}' XML configuration edited.\n"


def hash_text(text: str) -> int:
    """A stable number for the temporary file's name (mkostemps would pick a random one)."""
    value = 0
    for char in text:
        value = (value * 31 + ord(char)) % 2**32
    return value


# Commands whose output goes through vshPrintExtra, which ``-q`` silences; tables lose
# their header and rule (vshTablePrintToStdout).
EXTRA_OUTPUT = frozenset(
    {
        "define",
        "create",
        "undefine",
        "start",
        "shutdown",
        "destroy",
        "attach-disk",
        "detach-disk",
        "attach-device",
        "detach-device",
        "edit",
        "suspend",
        "resume",
    }
)


# virsh.c virshParseArgv: getopt_long(argc, argv, "+:c:d:e:hk:K:l:qrtvV", ...); the letter of
# each long option, and whether it takes a value
GLOBAL_LONG = {
    "connect": ("c", True),
    "debug": ("d", True),
    "escape": ("e", True),
    "help": ("h", False),
    "keepalive-interval": ("k", True),
    "keepalive-count": ("K", True),
    "log": ("l", True),
    "quiet": ("q", False),
    "readonly": ("r", False),
    "timing": ("t", False),
    "version": ("v", None),  # optional_argument
}
GLOBAL_SHORT = {"c": True, "d": True, "e": True, "h": False, "k": True, "K": True, "l": True}
GLOBAL_SHORT.update({"q": False, "r": False, "t": False, "v": False, "V": False})
CONNECT_URIS = frozenset({"qemu:///system"})


class VirshExit(Exception):
    """virshParseArgv ends virsh: ``text`` on stdout, ``error`` on stderr (``error: ``)."""

    def __init__(self, status: int, text: str = "", error: str = "") -> None:
        super().__init__(error or text)
        self.status = status
        self.text = text
        self.error = error


def _long_option(word: str) -> tuple[str, bool | None, str | None]:
    """glibc getopt_long: a long option by its name or an unambiguous prefix of one."""
    name, eq, value = word[2:].partition("=")
    if name in GLOBAL_LONG:
        matches = [name]
    else:
        matches = [long for long in GLOBAL_LONG if long.startswith(name)]
    if len(matches) != 1 or not name:  # unknown or ambiguous: '?' with optopt 0
        raise VirshExit(1, error=f"unsupported option '{word}'. See --help.")
    letter, takes = GLOBAL_LONG[matches[0]]
    if eq and takes is False:  # glibc: '?' with optopt set to the option's letter
        raise VirshExit(1, error=f"unsupported option '-{letter}'. See --help.")
    return letter, takes, value if eq else None


def _global_options(args: list[str], version: str) -> tuple[list[str], bool]:
    """virsh.c ``virshParseArgv``: the options before the command ('+': the first word that
    is not an option ends them). ``-q`` and ``-c qemu:///system`` are modelled; ``-v`` prints
    the version of the host's libvirt; the others say ``not modelled``."""
    quiet = False
    while args and args[0].startswith("-") and args[0] != "-":
        word = args.pop(0)
        if word == "--":
            break
        found: list[tuple[str, str | None]] = []
        if word.startswith("--"):
            letter, takes, value = _long_option(word)
            if takes and value is None:
                if not args:
                    long = next(k for k, v in GLOBAL_LONG.items() if v[0] == letter)
                    raise VirshExit(1, error=f"option '-{letter}'/'--{long}' requires an argument")
                value = args.pop(0)
            found.append((letter, value))
        else:
            letters = word[1:]
            while letters:
                letter, letters = letters[0], letters[1:]
                if letter not in GLOBAL_SHORT:
                    raise VirshExit(1, error=f"unsupported option '-{letter}'. See --help.")
                if not GLOBAL_SHORT[letter]:
                    found.append((letter, None))
                    continue
                if not letters and not args:
                    long = next(k for k, v in GLOBAL_LONG.items() if v[0] == letter)
                    raise VirshExit(1, error=f"option '-{letter}'/'--{long}' requires an argument")
                found.append((letter, letters or args.pop(0)))
                letters = ""
        for letter, value in found:
            if letter == "q":
                quiet = True
            elif letter == "c" and value in CONNECT_URIS:
                continue
            elif letter == "v" and value != "long":
                raise VirshExit(0, text=f"{version}\n")  # puts(VERSION)
            elif letter in "vV":
                raise NotModelled("virsh -V (the features libvirt was built with)")
            elif letter == "h":
                raise VirshExit(0, text=usage())
            elif letter == "c":
                raise NotModelled(f"virsh -c {value} (the lab has qemu:///system)")
            else:
                raise NotModelled(f"virsh -{letter}")
    return args, quiet


def help_text(definition: CommandDef) -> str:
    """vsh.c ``vshCmddefHelp``: NAME, SYNOPSIS, DESCRIPTION and OPTIONS (aliases unlisted)."""
    synopsis = [definition.name]
    options: list[str] = []
    shortopt = False  # 'arg' works instead of '--opt arg'
    for opt in definition.opts:
        if opt.kind == ALIAS:
            continue
        if opt.kind == BOOL:
            synopsis.append(f"[--{opt.name}]")
            label = f"--{opt.name}"
        elif opt.kind == INT:
            synopsis.append(f"<{opt.name}>" if opt.required else f"[--{opt.name} <number>]")
            shortopt = shortopt or not opt.req_opt
            label = f"[--{opt.name}] <number>" if opt.required else f"--{opt.name} <number>"
        elif opt.kind == STRING:
            synopsis.append(f"[--{opt.name} <string>]")
            shortopt = shortopt or not opt.req_opt
            label = f"--{opt.name} <string>"
        elif opt.kind == DATA:
            synopsis.append(f"<{opt.name}>" if opt.required else f"[<{opt.name}>]")
            shortopt = shortopt or not opt.req_opt
            label = f"[--{opt.name}] <string>"
        else:  # ARGV
            if shortopt:
                form = "{[--%s] <string>}..." if opt.required else "[[--%s] <string>]..."
            else:
                form = "<%s>..." if opt.required else "[<%s>]..."
            synopsis.append(form % opt.name)
            label = f"[--{opt.name}] <string>" if shortopt else f"<{opt.name}>"
        options.append(f"    {label:<15}  {opt.help}\n")
    text = f"  NAME\n    {definition.name} - {definition.help}\n"
    text += "\n  SYNOPSIS\n    " + " ".join(synopsis) + "\n"
    if definition.desc:
        text += f"\n  DESCRIPTION\n    {definition.desc}\n"
    if options:
        text += "\n  OPTIONS\n" + "".join(options)
    return text + "\n"


def _group_lines(commands: tuple[tuple[str, str], ...]) -> str:
    return "".join(f"    {name:<30} {info}\n" for name, info in commands)


def _help(values: Values) -> str:
    """vsh.c ``cmdHelp``: every group's commands, one command's help (vshCmddefHelp) or one
    group's commands (vshCmdGrpHelp); a command the lab lacks has no help table here."""
    name = values.get("command")
    if not isinstance(name, str):
        return "Grouped commands:\n\n" + "".join(
            f" {group} (help keyword '{keyword}'):\n{_group_lines(commands)}\n"
            for group, keyword, commands in GROUPS
        )
    if name in COMMAND_DEFS or name == "help":
        return help_text(COMMAND_DEFS.get(name, HELP))
    if name in ALL_COMMANDS:
        raise NotModelled(f"virsh help {name} (the help of a command the lab does not have)")
    for group, keyword, commands in GROUPS:  # vshCmdGrpSearch: by name or keyword
        if name in (group, keyword):
            return f" {group} (help keyword '{keyword}'):\n{_group_lines(commands)}"
    raise VirshError(f"command or command group '{name}' doesn't exist")


def usage() -> str:
    """virsh.c ``virshUsage`` (``virsh --help``)."""
    text = (
        "\nvirsh [options]... [<command_string>]\nvirsh [options]... <command> [args...]\n\n"
        "  options:\n"
        "    -c | --connect=URI      hypervisor connection URI\n"
        "    -d | --debug=NUM        debug level [0-4]\n"
        "    -e | --escape <char>    set escape sequence for console\n"
        "    -h | --help             this help\n"
        "    -k | --keepalive-interval=NUM\n"
        "                            keepalive interval in seconds, 0 for disable\n"
        "    -K | --keepalive-count=NUM\n"
        "                            number of possible missed keepalive messages\n"
        "    -l | --log=FILE         output logging to file\n"
        "    -q | --quiet            quiet mode\n"
        "    -r | --readonly         connect readonly\n"
        "    -t | --timing           print timing information\n"
        "    -v                      short version\n"
        "    -V                      long version\n"
        "         --version[=TYPE]   version, TYPE is short or long (default short)\n"
        "  commands (non interactive mode):\n\n"
    )
    for group, keyword, commands in GROUPS:
        text += f" {group} (help keyword '{keyword}')\n{_group_lines(commands)}\n"
    return (
        text + "\n  (specify help <group> for details about the commands in the group)\n"
        "\n  (specify help <command> for details about the command)\n\n"
    )


def _check_options(parsed: Parsed) -> None:
    """What the handlers check before anything else: exclusive options (VSH_EXCLUSIVE_OPTIONS)
    and empty values (vshCommandOptStringReq: ``Option argument is empty``)."""
    values = parsed.values
    for first, second in EXCLUSIVE.get(parsed.definition.name, ()):
        if values.get(first) and values.get(second):
            raise VirshError(f"Options --{first} and --{second} are mutually exclusive")
    for opt in parsed.definition.opts:
        if values.get(opt.name) == "" and not opt.empty_ok:
            raise VirshError(f"Failed to get option '{opt.name}': Option argument is empty")


# -- paused guests (issue 13.5): suspend, resume, domblkerror --------------------------------


def _pause_command(verb: str, past: str) -> Handler:
    """``cmdSuspend``/``cmdResume``: ``Domain 'NAME' suspended|resumed``."""

    def run(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
        key = str(values["domain"])
        domain = _domain(daemon, key)
        try:
            getattr(daemon, verb)(domain.name)
        except LibvirtError as error:
            raise VirshError(f"Failed to {verb} domain '{key}'", str(error)) from None
        return f"Domain '{key}' {past}\n"

    return run


HANDLERS["suspend"] = _pause_command("suspend", "suspended")
HANDLERS["resume"] = _pause_command("resume", "resumed")


@handler("domblkerror")
def _domblkerror(ctx: CommandContext, daemon: Daemon, values: Values) -> str:
    """``cmdDomBlkError``: ``TARGET: ERROR`` per disk, or ``No errors found``."""
    domain = _domain(daemon, str(values["domain"]))
    if not domain.active:
        raise VirshError("Requested operation is not valid: domain is not running")
    errors = daemon.guests.disk_errors(domain)
    if not errors:
        return "No errors found\n"
    return "".join(f"{target}: {error}\n" for target, error in errors)


def _parse_line(args: list[str]) -> list[Parsed]:
    """virsh.c: several words are one command (vshCommandArgvParse); one word is a command
    string (vshCommandStringParse). The whole line is parsed before anything runs."""
    if len(args) == 1:
        commands = _split_commands(args[0])
        if not commands and not args[0]:
            raise VirshExit(1)  # vshCommandStringParse refuses an empty string
    else:
        commands = [args]
    parsed = []
    for words in commands:
        if words[0] not in HANDLERS and words[0] in LATE_HANDLERS:
            importlib.import_module(LATE_HANDLERS[words[0]])  # it adds itself to HANDLERS
        parsed.append(_parse_command(words))
    return parsed


@command("virsh")
def virsh(ctx: CommandContext) -> int:
    try:
        args, quiet = _global_options(list(ctx.args), ctx.machine.profile.version("libvirt"))
        if not args:
            raise NotModelled("the interactive virsh shell (give a command)")
        commands = _parse_line(args)
    except VirshExit as done:
        ctx.out(done.text)
        if done.error:
            ctx.err(f"error: {done.error}\n")
        return done.status
    except ParseError as error:  # vshCommandParse: the line runs no command
        for line in error.lines:
            ctx.err(f"error: {line}\n")
        return 1
    ok = True
    for parsed in commands:  # vsh.c vshCommandRun: each in turn; the last one's status
        ok = _run(ctx, parsed, quiet)
    return 0 if ok else 1


def _run(ctx: CommandContext, parsed: Parsed, quiet: bool) -> bool:
    name, values = parsed.definition.name, parsed.values
    daemon = ctx.machine.libvirt
    try:
        if name == "help":  # VSH_CMD_FLAG_NOCONNECT
            ctx.out(_help(values))
            if not quiet:
                ctx.out("\n")
            return True
        if daemon.unmodelled is not None:
            raise daemon.unmodelled
        if not daemon.running:
            raise VirshError(
                "failed to connect to the hypervisor",
                f"Failed to connect socket to '{ctx.machine.profile.daemon_socket}': "
                "Connection refused",
            )
        daemon.notice_dead_processes()
        if daemon.process is None:  # it died handling that EOF: socket activation again
            daemon = ctx.machine.libvirt
            if not daemon.running:  # and died again reconnecting (a second fault step)
                raise VirshError(
                    "failed to connect to the hypervisor",
                    "End of file while reading data: Input/output error",
                )
        _check_options(parsed)
        text = HANDLERS[name](ctx, daemon, values)
        if isinstance(text, Table):
            text = text.render(quiet)
        elif quiet and name in EXTRA_OUTPUT:
            text = ""
        ctx.out(text)
    except VirshError as error:
        if daemon.process is None:
            # The daemon died mid-call (a fault step): virsh loses its connection; the next
            # command starts the daemon again through socket activation.
            ctx.err("error: Disconnected from qemu:///system due to end of file\n")
        for line in error.lines:
            ctx.err(f"error: {line}\n")
        if not quiet:
            ctx.out("\n")
        return False
    if not quiet:
        ctx.out("\n")  # vshCommandRun: vshPrintExtra(ctl, "\n")
    return True
