"""A running domain's status file, ``/run/libvirt/qemu/NAME.xml``: what a restarted daemon
reconnects from (``virDomainObjFormat``/``virDomainObjParseXML`` of
``src/conf/domain_conf.c``, with the QEMU driver's private data of ``qemu_domain.c``).
"""

from __future__ import annotations

import re

import attrs

from simulator.errors import NotModelled
from simulator.libvirt.domain_xml import DomainDef, domain_from_element, format_domain, parse_xml
from simulator.libvirt.virdomainobjlist import Domain
from simulator.libvirt.virerror import ErrorCode, LibvirtError
from simulator.libvirt.virxml import DOMAIN_URL, invalid_attribute, missing_attribute

STATUS = "/run/libvirt/qemu"  # cfg->stateDir
# The ASCII characters other than "\n" that str.splitlines() ends a line at.
_OTHER_LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1e]")


def status_path(name: str) -> str:
    """``virDomainConfigFile(cfg->stateDir, name)``."""
    return f"{STATUS}/{name}.xml"


# libvirt: virDomainRunningReason / virDomainPausedReason (domain_conf.c) — the status file's
# word for each reason, beside what ``virsh domstate --reason`` prints for it
# (virshDomainStateReasonToString, virsh-domain-monitor.c). The lab's Domain keeps virsh's.
_REASONS: dict[str, tuple[tuple[str, str], ...]] = {
    "running": (
        ("unknown", "unknown"),
        ("booted", "booted"),
        ("migrated", "migrated"),
        ("restored", "restored"),
        ("from snapshot", "from snapshot"),
        ("unpaused", "unpaused"),
        ("migration canceled", "migration canceled"),
        ("save canceled", "save canceled"),
        ("wakeup", "event wakeup"),
        ("crashed", "crashed"),
        ("post-copy", "post-copy"),
        ("post-copy failed", "post-copy failed"),
    ),
    "paused": (
        ("unknown", "unknown"),
        ("user", "user"),
        ("migration", "migrating"),
        ("save", "saving"),
        ("dump", "dumping"),
        ("ioerror", "I/O error"),
        ("watchdog", "watchdog"),
        ("from snapshot", "from snapshot"),
        ("shutdown", "shutting down"),
        ("snapshot", "creating snapshot"),
        ("api error", "API error"),
        ("starting up", "starting up"),
        ("post-copy", "post-copy"),
        ("post-copy failed", "post-copy failed"),
    ),
}
# virDomainStateTypeToString: the states a status file may name; the lab's running domains
# are only ever running or paused, and a file naming another state is not modelled.
_STATES = (
    "nostate",
    "running",
    "blocked",
    "paused",
    "shutdown",
    "shutoff",
    "crashed",
    "pmsuspended",
)
_WORD = {(state, shown): word for state, pairs in _REASONS.items() for word, shown in pairs}
_SHOWN = {(state, word): shown for state, pairs in _REASONS.items() for word, shown in pairs}


@attrs.frozen(repr=False, eq=False)
class Status:
    """What a status file says about a running domain."""

    live: DomainDef
    pid: int
    id: int | None
    paused: bool
    reason: str
    remember_owner: bool
    namespaces: bool


def format_status(domain: Domain, machine: str) -> str:
    """The status file's text: ``<domstatus>`` with the driver's private data, then the live
    definition, each indented two spaces."""
    # libvirt: virDomainObjFormat
    assert domain.live is not None
    state = "paused" if domain.paused else "running"
    reason = _WORD.get((state, domain.reason), "unknown")
    lines = [f"<domstatus state='{state}' reason='{reason}' pid='{domain.pid}'>"]
    # libvirt: qemuDomainObjPrivateXMLFormat (namespaces come before rememberOwner)
    if domain.namespaces:
        lines += ["  <namespaces>", "    <mount/>", "  </namespaces>"]
    if domain.remember_owner:
        lines.append("  <rememberOwner/>")
    body = format_domain(domain.live, domain_id=domain.id, machine=machine)
    if body.isascii() and _OTHER_LINE_BREAKS.search(body) is None:
        # Only "\n" ends a line of it: each line indented by one replace (what the
        # splitlines() below gives, without a list of lines).
        lines.append("  " + body[:-1].replace("\n", "\n  "))
    else:
        lines += ["  " + line for line in body.splitlines()]
    lines.append("</domstatus>")
    return "\n".join(lines) + "\n"


def parse_status(text: str, url: str = DOMAIN_URL) -> Status:
    """A status file's contents, or the error libvirt logs for it (``url``, the file's
    path, names it in libxml2's errors, as virDomainObjParseFile -> virXMLParseWithIndent
    does)."""
    # libvirt: virDomainObjParseFile -> virDomainObjParseXML
    root = parse_xml(text, url=url)
    if root.tag != "domstatus":
        raise LibvirtError(
            ErrorCode.XML_ERROR, f"expecting root element of 'domstatus', not '{root.tag}'"
        )
    inner = root.find("domain")
    if inner is None:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, "no domain config")
    live = domain_from_element(inner, live=True)
    # virDomainDefParseXML -> virDomainDefParseIDs: virXMLPropInt(node, "id", 10,
    # VIR_XML_PROP_NONNEGATIVE, &def->id, -1) on the inner <domain>; a status file is
    # parsed without VIR_DOMAIN_DEF_PARSE_INACTIVE, so its id is read
    domain_id = None
    id_text = inner.get("id")
    if id_text is not None:
        domain_id = _strtol(id_text, 32)
        if domain_id is None:
            raise invalid_attribute("domain", "id", id_text, "Expected integer value")
        if domain_id < 0:
            raise invalid_attribute("domain", "id", id_text, "Expected non-negative value")
    # virDomainObjParseXML: the state and reason the previous daemon recorded, read after
    # the definition and before the pid, each with virxml.c's attribute helpers
    state = root.get("state")
    if state is None:
        raise missing_attribute("domstatus", "state")
    if state not in _STATES:
        # virXMLPropEnum(virDomainStateTypeFromString, VIR_XML_PROP_REQUIRED)
        raise invalid_attribute("domstatus", "state", state)
    if state not in _REASONS:
        raise NotModelled(f"a status file in state '{state}'")
    # virDomainStateReasonFromString: an absent reason is 0 ("unknown"); a present one,
    # empty included, must name a reason of that state
    word = root.get("reason", "unknown")
    if (state, word) not in _SHOWN:
        raise LibvirtError(ErrorCode.CONFIG_UNSUPPORTED, f"invalid domain state reason '{word}'")
    # virXMLPropLongLong(ctxt->node, "pid", 10, VIR_XML_PROP_REQUIRED, ...), then
    # obj->pid = (pid_t) vmpid: no range check, a negative pid is taken as it is
    pid_text = root.get("pid")
    if pid_text is None:
        raise missing_attribute("domstatus", "pid")
    pid = _strtol(pid_text, 64)
    if pid is None:
        raise invalid_attribute("domstatus", "pid", pid_text, "Expected long long integer value")
    pid = (pid + 2**31) % 2**32 - 2**31
    return Status(
        live=live,
        pid=pid,
        id=domain_id or None,  # the lab's ids start at 1; 0 is read as none
        paused=state == "paused",
        reason=_SHOWN[state, word],
        # libvirt: qemuDomainObjPrivateXMLParse
        remember_owner=root.find("rememberOwner") is not None,
        namespaces=root.find("namespaces") is not None,
    )


# strtol(3) in the C locale: leading isspace(), an optional sign, then decimal digits
# compiled (and cached by re) when a status file is read, not at import
_C_INTEGER = r"[ \t\n\v\f\r]*([+-]?[0-9]+)"


def _strtol(text: str, bits: int) -> int | None:
    """``virStrToLong_ll`` (bits 64) / ``virStrToLong_i`` (bits 32) in base 10: the whole
    string must be read and the value must fit, else None."""
    match = re.fullmatch(_C_INTEGER, text)
    if match is None:
        return None
    value = int(match.group(1))
    if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
        return None
    return value
