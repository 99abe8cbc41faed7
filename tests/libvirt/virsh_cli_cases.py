"""Cases for the virsh command-line corpus (tools/record-virsh records them with real virsh
9.0.0 against libvirt's test driver; test_virsh_cli.py replays them in the lab).

A case is a virsh command line as a user types it in the lab (``virsh ARGS``) and the set-up
it needs: ``None`` (client-side behaviour, no domains) or ``"several"``, the domains of
DOMAINS defined, started and paused by virsh commands (SETUP). The recorder runs the set-up
and the case in one virsh invocation (the test driver forgets its state between
invocations) and keeps only the case's output; the replay runs the same set-up in the lab.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Case:
    args: tuple[str, ...]  # after ``virsh``: global options, the command and its options
    setup: str | None = None
    # "exact"; "layout" (dominfo: the labels of the lines); "driver": the test driver's own
    # behaviour where the lab follows the qemu driver (recorded, not compared)
    compare: str = "exact"
    reason: str = ""  # why a case cannot match (driver-specific values): not replayed exact

    @property
    def cmd(self) -> str:
        import shlex

        return " ".join(["virsh", *(shlex.quote(a) for a in self.args)])


XML_DIR = "/tmp/virsh-cli"
IMAGES = "/var/lib/libvirt/images"
# name -> (uuid, transient): names of different widths, one starting upper-case (virsh sorts
# inactive domains case-insensitively), one transient (created)
DOMAINS = {
    "vm1": ("11111111-2222-3333-4444-555555555501", False),
    "web-server-01": ("11111111-2222-3333-4444-555555555502", False),
    "db": ("11111111-2222-3333-4444-555555555503", False),
    "Alpha": ("11111111-2222-3333-4444-555555555504", False),
    "tr": ("11111111-2222-3333-4444-555555555505", True),
}


def domain_xml(name: str, virt_type: str) -> str:
    """The definition both sides use (the test driver wants type='test', the lab 'kvm')."""
    uuid, _ = DOMAINS[name]
    return (
        f"<domain type='{virt_type}'>\n  <name>{name}</name>\n  <uuid>{uuid}</uuid>\n"
        "  <memory unit='KiB'>1048576</memory>\n  <vcpu>1</vcpu>\n"
        "  <os><type arch='x86_64'>hvm</type></os>\n  <devices>\n"
        "    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        f"<source file='{IMAGES}/{name}.qcow2'/><target dev='vda' bus='virtio'/></disk>\n"
        "    <disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
        "<target dev='sda' bus='sata'/><readonly/></disk>\n"
        "  </devices>\n</domain>\n"
    )


# The set-up, as virsh commands (the test driver's own domain 'test' goes first; the lab
# starts and removes one of that name too, so that the ids match: 2, 3, 4)
SETUP = {
    "several": (
        "destroy test",
        "undefine test",
        f"define {XML_DIR}/vm1.xml",
        f"define {XML_DIR}/web-server-01.xml",
        f"define {XML_DIR}/db.xml",
        f"define {XML_DIR}/Alpha.xml",
        "start web-server-01",
        "start db",
        "suspend db",
        f"create {XML_DIR}/tr.xml",
    ),
}

# The commands the lab implements (simulator/shell/commands/virsh.py HANDLERS)
LAB_COMMANDS = (
    "define", "undefine", "create", "start", "shutdown", "destroy", "list", "domstate",
    "dominfo", "dumpxml", "domblklist", "attach-disk", "detach-disk", "attach-device",
    "detach-device", "edit", "suspend", "resume", "domblkerror", "migrate", "domid", "domname",
    "domuuid", "uri",
)  # fmt: skip

DOMINFO_VALUES = (
    "test driver values: OS Type linux (qemu: hvm), CPU time from the host clock, Security "
    "model testSecurity with an empty DOI and label libvirt-test (qemu: selinux, 0, the "
    "domain's svirt label)"
)


# Driver-side differences: the test driver's own errors, where the lab follows the qemu
# driver (libvirt 9.0.0 src/qemu/qemu_driver.c); recorded, not compared
NOT_RUNNING = (
    "test driver: 'internal error: domain 'X' not running' / 'not paused'; qemu_driver.c "
    "(virDomainObjCheckActive): 'Requested operation is not valid: domain is not running'"
)
RESUME_RUNNING = (
    "test driver: 'internal error: domain 'X' not paused'; qemu_driver.c qemuDomainResume: "
    "'Requested operation is not valid: domain is already running'"
)
SUSPEND_PAUSED = (
    "test driver refuses to suspend a paused domain; qemu_driver.c qemuDomainSuspend stops "
    "the CPUs only when the domain is not paused and succeeds"
)
UNDEFINE_TRANSIENT = (
    "test driver undefines a transient domain; qemu_driver.c qemuDomainUndefineFlags: "
    "'Requested operation is not valid: cannot undefine transient domain'"
)
URI = "the connection's URI: test:///default when recorded, qemu:///system in the lab"
BLOCK_ERRORS = (
    "test driver invents a disk error per disk (testDomainGetDiskErrors); the lab reports "
    "the errors its guests met (none here)"
)


def _c(*args: str, setup: str | None = None, compare: str = "exact", reason: str = "") -> Case:
    return Case(tuple(args), setup, compare, reason)


def _parsing() -> list[Case]:
    s = "several"
    return [
        _c("frobnicate"),
        _c("frobnicate", "--all"),
        _c("domrename"),  # a real command the lab does not implement
        _c("list", "--frob"),
        _c("list", "--al"),
        _c("list", "--ALL"),
        _c("list", "extra"),
        _c("list", "-a"),
        _c("list", "-"),
        _c("list", "--", setup=s),
        _c("list", "--", "--all"),
        _c("list", "--all", "--all"),
        _c("list", "--all=yes"),
        _c("list", "---all"),
        _c("list", "--all", "--frob", "--bogus"),
        *(_c(name) for name in LAB_COMMANDS if name not in ("list", "uri")),
        _c("uri", compare="driver", reason=URI),
        _c("attach-disk", "vm1"),
        _c("attach-disk", "vm1", "/x.img"),
        _c("detach-disk", "vm1"),
        _c("migrate", "vm1"),
        _c("dominfo", "a", "b"),
        _c("dominfo", "--domain"),
        _c("dominfo", "--domain", "a", "--domain", "b"),
        _c("dominfo", "a", "--domain", "b"),
        _c("dominfo", "--domain", "a", "b"),
        _c("domstate", "a", "--reason", "--reason"),
        _c("domstate", "--reason"),
        _c("attach-disk", "a", "b", "c", "--targetbus"),
        _c("attach-disk", "a", "b", "c", "--shareable=yes"),
        _c("attach-disk", "--shareable", "--mode", "readonly", "a", "b", "c"),
        _c("migrate", "--timeout"),
        _c("start", "--help", "--frob"),
        _c("start", "--frob", "--help"),
        _c("start", "--help", "extra", "more"),
        _c("start", "vm1", "--help"),
        _c("help", "frobnicate"),
        _c("help", "list", "extra"),
        _c("help", "--frob", "list"),
        # options before the command (virsh.c virshParseArgv, getopt_long "+:c:d:e:hk:K:l:qrtvV")
        _c("-x", "list"),
        _c("--frob", "list"),
        _c("--k", "list"),
        _c("-c"),
        _c("-v"),
        _c("--version"),
        _c("--vers"),
        _c("--version=long"),
        _c("-q", "frobnicate"),
        _c("-q", "list", "--frob"),
        _c("-q", "dominfo", "nosuch", setup=s),
        _c("-q", "list", "--all", setup=s),
        _c("--quiet", "list", "--all", setup=s),
        _c("--qui", "list", setup=s),
        _c("-q", "list", "--name", "--all", setup=s),
        _c("-q", "domblklist", "vm1", setup=s),
        _c("-q", "domblklist", "vm1", "--details", setup=s),
        _c("-q", "domstate", "vm1", "--reason", setup=s),
        _c("-q", "start", "vm1", setup=s),
        _c("-q", "destroy", "vm1", setup=s),
        # one argument: a command string (vshCommandStringParse): ';' separates commands
        _c("domstate vm1; domstate db", setup=s),
        _c("domstate nosuch; domstate vm1", setup=s),
        _c("domstate vm1; domstate nosuch", setup=s),
        _c("list --frob; domstate vm1", setup=s),
        _c("domstate vm1;", setup=s),
        _c("domstate 'vm1'", setup=s),
        _c('domstate "web-server-01" --reason', setup=s),
        _c("domstate vm1 # a comment", setup=s),
        _c("  list   --all  ", setup=s),
        _c("frobnicate; list", setup=s),
        _c(""),
        _c('domstate "vm1', setup=s),
        _c("domstate vm1\\", setup=s),
        _c("domstate v\\m1", setup=s),
        _c(";;", setup=s),
        _c("help"),
        _c("help", "domain"),
        _c("help", "Storage Volume"),
        _c("help", "virsh"),
        _c("-q", "help"),
        _c("-h"),
        _c("--help", "list"),
        _c("--he"),
        _c("help", "domrename"),
        _c("-q", "help", "domstate"),
        _c("--version=foo"),
        _c("--quiet=1", "list"),
        _c("-qv"),
        _c("uri", "extra"),
        _c("uri", "--all"),
        _c("help", "help"),
        _c("list", "--1"),
        _c("list", "--\u00e9t\u00e9"),
        _c("dominfo", "--", "--", "x"),
        _c("start", "a", "b"),
        _c("list --all", "extra"),
        _c("domstate", "--domain", "--reason", setup=s),
        _c("help", "--command", "domstate"),
        _c("help", "nodedev-dettach"),
        _c("--", "list", setup=s),
        _c("-", "list"),
        _c("-qx", "list"),
        _c("-q", "-q", "list", setup=s),
        _c("--version", "list"),
        _c("--connect"),
        _c("start", "--help=x"),
        _c("domstate", "vm1", "--reason=yes"),
        _c("dumpxml", "vm1", "extra"),
        _c("dumpxml", "vm1", "--xpath"),
        _c("attach-disk", "vm1", "/x.img", "vdb", "--mode", "bogus", setup=s),
        _c("attach-disk", "nosuch", "/x.img", "vdb", "--mode", "bogus", setup=s),
        _c("attach-disk", "vm1", "/x.img", "vdb", "--sourcetype", "bogus", setup=s),
        _c("attach-disk", "vm1", "/x.img", "vdb", "--mode", "", setup=s),
        _c("attach-disk", "vm1", "", "vdb", "--mode", "bogus", setup=s),
        _c("attach-disk", "vm1", "/x.img", "", setup=s),
        _c("detach-disk", "vm1", "", setup=s),
        _c("undefine", "vm1", "extra", setup=s),
        _c("start", "vm1", "--paused", setup=s),
        _c("suspend", "vm1", setup=s, compare="driver", reason=NOT_RUNNING),
        _c("resume", "vm1", setup=s, compare="driver", reason=NOT_RUNNING),
        _c("resume", "web-server-01", setup=s, compare="driver", reason=RESUME_RUNNING),
        _c("suspend", "db", setup=s, compare="driver", reason=SUSPEND_PAUSED),
        _c("shutdown", "vm1", setup=s, compare="driver", reason=NOT_RUNNING),
        _c("undefine", "tr", setup=s, compare="driver", reason=UNDEFINE_TRANSIENT),
        _c("undefine", "web-server-01", setup=s),
        _c("destroy tr; list --all", setup=s),
        _c("destroy db; domstate db --reason", setup=s),
        _c("undefine web-server-01; list --all; destroy web-server-01; list --all", setup=s),
        _c("start vm1; domstate vm1 --reason; list", setup=s),
        _c("domblkerror", "vm1", setup=s),
        _c("domblkerror", "web-server-01", setup=s, compare="driver", reason=BLOCK_ERRORS),
    ]


def _help() -> list[Case]:
    cases = []
    for name in LAB_COMMANDS:
        cases.append(_c("help", name))
        cases.append(_c(name, "--help"))
    return cases


def _domains() -> list[Case]:
    s = "several"
    cases = [_c("list", *flags, setup=s) for flags in LIST_FLAGS]
    for name in ("vm1", "web-server-01", "db", "Alpha", "tr", "2", "3", "4", "1"):
        cases.append(_c("domstate", name, setup=s))
        cases.append(_c("domstate", name, "--reason", setup=s))
    cases += [
        _c("domstate", DOMAINS["db"][0], setup=s),
        _c("domstate", "--domain=vm1", setup=s),
        _c("domstate", "--domain", "vm1", setup=s),
        _c("domstate", "--", "vm1", setup=s),
        _c("domstate", "--", "--reason", setup=s),
        _c("domstate", "vm1", "--", "--reason", setup=s),
        _c("domstate", "--reason", "--", "vm1", setup=s),
        _c("domstate", "", setup=s),
        _c("domstate", "--domain=", setup=s),
        _c("dominfo", "", setup=s),
        _c("domblklist", "vm1", setup=s),
        _c("domblklist", "vm1", "--details", setup=s),
        _c("domblklist", "vm1", "--inactive", setup=s),
        _c("domblklist", "web-server-01", "--details", "--inactive", setup=s),
        _c("domblklist", "--details", "2", setup=s),
        _c("dominfo", "vm1", setup=s, compare="layout", reason=DOMINFO_VALUES),
        _c("dominfo", "web-server-01", setup=s, compare="layout", reason=DOMINFO_VALUES),
        _c("dominfo", "db", setup=s, compare="layout", reason=DOMINFO_VALUES),
        _c("dominfo", "tr", setup=s, compare="layout", reason=DOMINFO_VALUES),
        _c("start", "vm1", setup=s),
        _c("start", "web-server-01", setup=s),
        _c("start", "--domain", "vm1", setup=s),
        _c("shutdown", "web-server-01", setup=s),
        _c("destroy", "web-server-01", setup=s),
        _c("destroy", "2", setup=s),
        _c("start", DOMAINS["vm1"][0], setup=s),
        _c("destroy", DOMAINS["web-server-01"][0].upper(), setup=s),
        _c("undefine", DOMAINS["Alpha"][0], setup=s),
        _c("shutdown", "+2", setup=s),
        _c("suspend", " 2", setup=s),
        _c("domblklist", DOMAINS["vm1"][0], setup=s),
        _c("suspend", "web-server-01", setup=s),
        _c("resume", "db", setup=s),
        _c("undefine", "vm1", setup=s),
        _c("undefine", "Alpha", setup=s),
        _c("define", f"{XML_DIR}/nosuch.xml", setup=s),
        _c("create", f"{XML_DIR}/nosuch.xml", setup=s),
        _c("attach-device", "vm1", f"{XML_DIR}/nosuch.xml", setup=s),
        _c("detach-disk", "vm1", "vdz", setup=s),
        _c("detach-disk", "vm1", "vdz", "--config", setup=s),
        _c("attach-disk", "vm1", "/x.img", "vdb", "--persistent", "--current", setup=s),
        _c("attach-disk", "vm1", "/x.img", "vdb", "--live", "--current", setup=s),
        _c("attach-disk", "vm1", "/x.img", "vdb", "--config", "--current", setup=s),
        _c("detach-disk", "vm1", "vda", "--live", "--current", setup=s),
        _c("attach-device", "vm1", "/x.xml", "--config", "--current", setup=s),
        _c("detach-device", "vm1", "/x.xml", "--persistent", "--current", setup=s),
    ]
    for command in ("dominfo", "start", "destroy", "dumpxml", "domblklist", "domstate",
                    "undefine", "shutdown", "suspend", "resume", "domblkerror", "edit"):  # fmt: skip
        cases.append(_c(command, "nosuch", setup=s))
    for name in ("vm1", "web-server-01", "2", "3", "0", "+2", "02", " 2", "-1", "1x",
                 DOMAINS["db"][0], DOMAINS["db"][0].upper(), DOMAINS["db"][0].replace("-", "") + "----",
                 "nosuch"):  # fmt: skip
        cases += [_c("domid", name, setup=s), _c("domname", name, setup=s)]
        cases += [_c("domuuid", name, setup=s), _c("domstate", name, setup=s)]
    cases += [
        _c("attach-disk", "nosuch", "/x.img", "vdb", setup=s),
        _c("detach-disk", "nosuch", "vdb", setup=s),
        _c("attach-device", "nosuch", "/x.xml", setup=s),
        _c("detach-device", "nosuch", "/x.xml", setup=s),
        _c("dominfo", "99", setup=s),
        _c("dominfo", "11111111-2222-3333-4444-000000000000", setup=s),
    ]
    return cases


LIST_FLAGS = (
    (),
    ("--all",),
    ("--inactive",),
    ("--inactive", "--all"),
    ("--name",),
    ("--all", "--name"),
    ("--inactive", "--name"),
    ("--uuid",),
    ("--all", "--uuid"),
    ("--id",),
    ("--all", "--id"),
    ("--name", "--uuid"),
    ("--name", "--id"),
    ("--uuid", "--id"),
    ("--name", "--uuid", "--id", "--all"),
    ("--table",),
    ("--table", "--name"),
    ("--table", "--all"),
    ("--state-running",),
    ("--state-paused",),
    ("--state-shutoff",),
    ("--state-other",),
    ("--state-running", "--state-shutoff"),
    ("--all", "--state-running"),
    ("--inactive", "--state-paused"),
    ("--persistent",),
    ("--transient",),
    ("--all", "--persistent"),
    ("--all", "--transient"),
    ("--persistent", "--transient"),
    ("--autostart",),
    ("--all", "--no-autostart"),
    ("--with-managed-save",),
    ("--all", "--without-managed-save"),
    ("--all", "--managed-save"),
    ("--all", "--with-snapshot"),
    ("--all", "--without-snapshot"),
    ("--all", "--with-checkpoint"),
    ("--all", "--without-checkpoint"),
    ("--all", "--title"),
)


def all_cases() -> list[Case]:
    return [*_parsing(), *_help(), *_domains()]
