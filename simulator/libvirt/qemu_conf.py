"""qemu.conf: libvirt's config syntax (``src/util/virconf.c``) and the security keys the QEMU
driver reads (``src/qemu/qemu_conf.c``: ``virQEMUDriverConfigLoadSecurityEntry`` and
friends). Unknown keys are ignored, as libvirt ignores them; libvirt's keys the lab does not
model are refused when set (:data:`UNMODELLED_KEYS`)."""

from __future__ import annotations

import attrs

from simulator.errors import NotModelled
from simulator.libvirt.virerror import ErrorCode, LibvirtError

ConfValue = str | int | list[str]

# libvirt.md 7.2 / qemu.conf.in defaults.
DEFAULT_DEVICE_ACL = (
    "/dev/null",
    "/dev/full",
    "/dev/zero",
    "/dev/random",
    "/dev/urandom",
    "/dev/ptmx",
    "/dev/kvm",
    "/dev/userfaultfd",
)
KNOWN_NAMESPACES = ("mount",)


@attrs.frozen(kw_only=True, repr=False, eq=False)
class QemuConfig:
    security_driver: tuple[str, ...] = ()  # empty: probe selinux, apparmor, none
    security_default_confined: bool = True
    security_require_confined: bool = False
    user: str = "qemu"
    group: str = "qemu"
    dynamic_ownership: bool = True
    remember_owner: bool = True
    namespaces: tuple[str, ...] = ("mount",)
    cgroup_device_acl: tuple[str, ...] = DEFAULT_DEVICE_ACL
    set_process_name: bool = False  # qemuBuildNameCommandLine: -name ...,process=qemu:NAME

    @property
    def mount_namespace(self) -> bool:
        return "mount" in self.namespaces


_ASCII_ALPHA = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ASCII_DIGITS = frozenset("0123456789")
_NAME_CHARS = _ASCII_ALPHA | _ASCII_DIGITS | {"_"}
_LLONG_BITS = 64


class _Reader:
    """A cursor over the text, reporting ``virConfError`` texts with file and line.

    Bounded by construction: every loop either advances ``pos`` (which never passes the end
    of the text) or stops, and ``peek`` at the end is ``""``, which is in no character set.
    """

    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.filename = filename
        self.pos = 0
        self.line = 1

    def error(self, info: str) -> LibvirtError:
        return LibvirtError(ErrorCode.CONF_SYNTAX, f"{self.filename}:{self.line}: {info}")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def advance(self) -> str:
        char = self.peek()
        self.pos += 1
        if char == "\n":
            self.line += 1
        return char

    def skip_blanks(self, *, newlines: bool = False, comments: bool | None = None) -> None:
        """``SKIP_BLANKS`` (or ``SKIP_BLANKS_AND_EOL``); between statements also ``#``
        comments, which virConfParseValue does not skip inside a list."""
        comments = newlines if comments is None else comments
        while True:
            char = self.peek()
            if char in (" ", "\t", "\r") or (newlines and char == "\n"):
                self.advance()
            elif char == "#" and comments:  # to the end of the line, which stays
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def name(self) -> str:
        """``virConfParseName``: an ASCII letter, then ASCII letters, digits and ``_``."""
        start = self.pos
        if self.peek() not in _ASCII_ALPHA:
            raise self.error("expecting a name")
        while self.peek() in _NAME_CHARS:
            self.advance()
        return self.text[start : self.pos]

    def string(self) -> str:
        quote = self.advance()
        start = self.pos
        while self.peek() not in (quote, "", "\n"):
            self.advance()
        if self.peek() != quote:
            raise self.error("unterminated string")
        value = self.text[start : self.pos]
        self.advance()
        return value

    def value(self) -> ConfValue:
        char = self.peek()
        if char in ("'", '"'):
            return self.string()
        if char == "[":
            self.advance()
            items: list[str] = []
            self.skip_blanks(newlines=True, comments=False)
            while self.peek() != "]":
                if self.peek() == "#":  # virConfParseValue: a comment is no value
                    raise self.error("expecting a value")
                if self.peek() not in ("'", '"'):
                    raise (
                        self.error("expecting a string in list")
                        if self.peek()
                        else (self.error("list is not closed with ]"))
                    )
                items.append(self.string())
                self.skip_blanks(newlines=True, comments=False)
                if self.peek() == ",":
                    self.advance()
                    self.skip_blanks(newlines=True, comments=False)
                elif self.peek() != "]":
                    raise self.error("expecting a separator in list")
            self.advance()
            return items
        if char not in _ASCII_DIGITS and char not in ("+", "-"):
            raise self.error("expecting a value")
        return self.number()

    def number(self) -> int:
        """``virConfParseLong``: ``l = l * 10 + digit`` in a C ``long long``, which wraps.

        Computed digit by digit modulo 2**64, so a 5,000-digit number costs nothing and
        never meets Python's int-to-str digit limit.
        """
        negative = self.peek() == "-"
        if self.peek() in ("+", "-"):
            self.advance()
        if self.peek() not in _ASCII_DIGITS:
            raise self.error("unterminated number")
        value = 0
        modulus = 1 << _LLONG_BITS
        while self.peek() in _ASCII_DIGITS:
            value = (value * 10 + ord(self.advance()) - ord("0")) % modulus
        if negative:
            value = -value % modulus
        return value - modulus if value >= modulus >> 1 else value


def parse_conf(text: str, filename: str = "/etc/libvirt/qemu.conf") -> dict[str, ConfValue]:
    """``virConfReadString``: ``name = value`` lines, ``#`` comments, lists across lines."""
    reader = _Reader(text, filename)
    entries: dict[str, ConfValue] = {}
    while True:
        reader.skip_blanks(newlines=True)
        if not reader.peek():
            return entries
        key = reader.name()
        reader.skip_blanks()
        if reader.advance() != "=":
            raise reader.error("expecting an assignment")
        reader.skip_blanks()
        entries[key] = reader.value()
        reader.skip_blanks()
        if reader.peek() == "#":
            reader.skip_blanks(newlines=True)
            continue
        if reader.peek() == ";":
            reader.advance()
            reader.skip_blanks()
        if reader.peek() not in ("", "\n"):
            raise reader.error("expecting a separator")


def _bool(entries: dict[str, ConfValue], key: str, default: bool, filename: str) -> bool:
    value = entries.get(key, int(default))
    if not isinstance(value, int):
        raise LibvirtError(
            ErrorCode.INTERNAL_ERROR, f"{filename}: expected a bool for '{key}' parameter"
        )
    if value not in (0, 1):
        raise LibvirtError(
            ErrorCode.INTERNAL_ERROR, f"{filename}: value for '{key}' parameter must be 0 or 1"
        )
    return bool(value)


def _string(entries: dict[str, ConfValue], key: str, default: str, filename: str) -> str:
    value = entries.get(key, default)
    if not isinstance(value, str):
        raise LibvirtError(
            ErrorCode.INTERNAL_ERROR, f"{filename}: expected a string for '{key}' parameter"
        )
    return value


def _list(
    entries: dict[str, ConfValue], key: str, default: tuple[str, ...], filename: str
) -> tuple[str, ...]:
    value = entries.get(key, list(default))
    if isinstance(value, int):
        raise LibvirtError(
            ErrorCode.INTERNAL_ERROR,
            f"{filename}: expected a string list for '{key}' parameter",
        )
    return (value,) if isinstance(value, str) else tuple(value)


def load_config(text: str, filename: str = "/etc/libvirt/qemu.conf") -> QemuConfig:
    """The typed config, with libvirt's errors for bad syntax, types and values."""
    entries = parse_conf(text, filename)
    drivers = _list(entries, "security_driver", (), filename)
    seen: list[str] = []
    for driver in drivers:
        if driver in seen:
            raise LibvirtError(ErrorCode.CONF_SYNTAX, f"Duplicate security driver {driver}")
        seen.append(driver)
    refuse_unmodelled(entries)
    namespaces = _list(entries, "namespaces", ("mount",), filename)
    for namespace in namespaces:
        if namespace not in KNOWN_NAMESPACES:
            raise LibvirtError(ErrorCode.CONFIG_UNSUPPORTED, f"Unknown namespace: {namespace}")
    return QemuConfig(
        security_driver=drivers,
        security_default_confined=_bool(entries, "security_default_confined", True, filename),
        security_require_confined=_bool(entries, "security_require_confined", False, filename),
        user=_string(entries, "user", "qemu", filename),
        group=_string(entries, "group", "qemu", filename),
        dynamic_ownership=_bool(entries, "dynamic_ownership", True, filename),
        remember_owner=_bool(entries, "remember_owner", True, filename),
        namespaces=tuple(dict.fromkeys(namespaces)),
        cgroup_device_acl=_list(entries, "cgroup_device_acl", DEFAULT_DEVICE_ACL, filename),
        set_process_name=_bool(entries, "set_process_name", False, filename),
    )


# -- keys the lab does not model ----------------------------------------------------------------

# The keys ``virQEMUDriverConfigLoadFile`` reads (src/qemu/qemu.conf.in) that the lab does
# not model, with the value that behaves as the lab does (None: any setting is refused).
# A setting that would change what the lab shows stops the daemon's start with
# ``seclab: not modelled: ...`` instead of being accepted and ignored.
UNMODELLED_KEYS: dict[str, ConfValue | None] = {
    "stdio_handler": "file",  # the lab labels file chardevs itself (docs/deviations.md)
    "cgroup_controllers": None,
    "save_image_format": "raw",
    "dump_image_format": "raw",
    "snapshot_image_format": "raw",
    "auto_dump_path": None,
    "auto_dump_bypass_cache": 0,
    "auto_start_bypass_cache": 0,
    "hugetlbfs_mount": None,
    "memory_backing_dir": None,
    "bridge_helper": None,
    "pr_helper": None,
    "slirp_helper": None,
    "dbus_daemon": None,
    "max_processes": None,
    "max_files": None,
    "max_threads_per_process": None,
    "max_core": None,
    "dump_guest_core": 0,
    "mac_filter": 0,
    "relaxed_acs_check": 0,
    "lock_manager": None,
    "seccomp_sandbox": None,
    "nvram": None,
    "swtpm_user": "tss",
    "swtpm_group": "tss",
    "capability_filters": None,
    "deprecation_behavior": "none",
    "storage_use_nbdkit": 0,
    "shared_filesystems": None,
    "sched_core": "none",
    "vnc_auto_unix_socket": 0,
    "spice_auto_unix_socket": 0,
    "gluster_debug_level": None,
    "virtiofsd_debug": 0,
    "migration_address": None,
    "migration_host": None,
    "auto_dump_format": None,
}


def refuse_unmodelled(entries: dict[str, ConfValue]) -> None:
    """``seclab: not modelled`` for a libvirt key the lab does not model, set to a value
    other than the one the lab behaves as."""
    for key, value in entries.items():
        if key in UNMODELLED_KEYS and value != UNMODELLED_KEYS[key]:
            raise NotModelled(f"qemu.conf setting '{key}'")
