"""Inodes: what a file *is*, independent of the names that point at it.

Hard links share one inode, so they share its owner, mode and xattrs. The SELinux label is
the ``security.selinux`` xattr, stored with the trailing NUL the kernel returns.
"""

from __future__ import annotations

import enum
import stat as stat_module

import attrs

from simulator.errors import InvalidArgument

SELINUX_XATTR = b"security.selinux"


class Kind(enum.Enum):
    """File types, with their ``S_IF*`` bits and SELinux object class."""

    REGULAR = "regular"
    DIRECTORY = "directory"
    SYMLINK = "symlink"
    BLOCK = "block"
    CHAR = "char"
    FIFO = "fifo"
    SOCKET = "socket"

    # By value, not by member: an enum member's hash is Python code, a string's is not, and
    # these are read on every permission check.
    @property
    def format_bits(self) -> int:
        return _FORMAT_BITS_BY_VALUE[self._value_]

    @property
    def selinux_class(self) -> str:
        return _SELINUX_CLASS_BY_VALUE[self._value_]

    @property
    def is_device(self) -> bool:
        return self is _BLOCK or self is _CHAR


# The members as module names: ``Kind.DIRECTORY`` is a lookup through the enum's metaclass,
# several times the cost of a global, and the kernel's hot paths compare kinds all the time.
_DIRECTORY, _BLOCK, _CHAR = Kind.DIRECTORY, Kind.BLOCK, Kind.CHAR

_FORMAT_BITS = {
    Kind.REGULAR: stat_module.S_IFREG,
    Kind.DIRECTORY: stat_module.S_IFDIR,
    Kind.SYMLINK: stat_module.S_IFLNK,
    Kind.BLOCK: stat_module.S_IFBLK,
    Kind.CHAR: stat_module.S_IFCHR,
    Kind.FIFO: stat_module.S_IFIFO,
    Kind.SOCKET: stat_module.S_IFSOCK,
}

_SELINUX_CLASS = {
    Kind.REGULAR: "file",
    Kind.DIRECTORY: "dir",
    Kind.SYMLINK: "lnk_file",
    Kind.BLOCK: "blk_file",
    Kind.CHAR: "chr_file",
    Kind.FIFO: "fifo_file",
    Kind.SOCKET: "sock_file",
}
_FORMAT_BITS_BY_VALUE: dict[str, int] = {k.value: bits for k, bits in _FORMAT_BITS.items()}
_SELINUX_CLASS_BY_VALUE: dict[str, str] = {k.value: c for k, c in _SELINUX_CLASS.items()}
# The SELinux class of a kind, by the kind's value: for the permission checks that read it
# without the property call.
SELINUX_CLASS_BY_KIND_VALUE = _SELINUX_CLASS_BY_VALUE
# The S_IF* bits of a kind, by the kind's value: for stat, which reads them on every call.
FORMAT_BITS_BY_KIND_VALUE = _FORMAT_BITS_BY_VALUE


def check_mode(mode: int) -> int:
    if not 0 <= mode <= 0o7777:
        raise InvalidArgument(f"mode {mode:#o} is not within 0 and 0o7777")
    return mode


def check_id(value: int, what: str = "id") -> int:
    if not 0 <= value <= 0xFFFFFFFE:
        raise InvalidArgument(f"{what} {value} is not a valid uid/gid")
    return value


# linux: include/linux/kdev_t.h, MINORBITS 20 and a 12-bit major in a 32-bit dev_t.
MAX_MAJOR = 0xFFF
MAX_MINOR = 0xFFFFF


@attrs.frozen(order=True)
class DeviceNumber:
    """A ``major:minor`` pair, as in ``st_rdev`` and ``st_dev``."""

    major: int = attrs.field()
    minor: int = attrs.field()

    @major.validator
    @minor.validator
    def _in_range(self, attribute: attrs.Attribute[int], value: object) -> None:
        # glibc: major_t and minor_t are unsigned int.
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFFFFFFFF:
            raise InvalidArgument(f"device {attribute.name} {value!r} is out of range")

    @classmethod
    def parse(cls, text: str) -> DeviceNumber:
        major, colon, minor = text.partition(":")
        if not colon or not major.isdigit() or not minor.isdigit() or len(text) > 21:
            raise InvalidArgument(f"device number {text!r} is not MAJOR:MINOR")
        return cls(int(major), int(minor))

    def encode(self) -> int:
        """The Linux ``dev_t`` encoding (``makedev``)."""
        return (
            (self.minor & 0xFF)
            | ((self.major & 0xFFF) << 8)
            | ((self.minor & ~0xFF) << 12)
            | ((self.major & ~0xFFF) << 32)
        )

    def __str__(self) -> str:
        return f"{self.major}:{self.minor}"


@attrs.frozen(eq=False)
class ImageInfo:
    """What ``qemu-img info`` would find in a disk image's header."""

    format: str = "raw"
    backing: str | None = None
    backing_format: str | None = None
    virtual_size: int = 0


# The mode is checked when an inode is made (a saved state loaded); the calls that change
# it check the new mode first, so attribute writes skip the converter (a hot path).
@attrs.define(eq=False, on_setattr=attrs.setters.NO_OP, repr=False)
class Inode:
    """One inode of one filesystem. Identity is (filesystem, number)."""

    ino: int
    kind: Kind
    uid: int
    gid: int
    mode: int = attrs.field(converter=check_mode)
    nlink: int = 0
    size: int = 0
    rdev: DeviceNumber | None = None
    target: str | None = None
    image: ImageInfo | None = None
    data: bytes = attrs.field(default=b"", repr=False)
    xattrs: dict[bytes, bytes] = attrs.field(factory=dict, repr=False)
    entries: dict[str, int] | None = attrs.field(default=None, repr=False)
    parent: int | None = None
    mtime: int = 0
    ctime: int = 0
    atime: int = 0
    # A /proc/PID/root "magic link": resolving it enters that process's mount namespace.
    magic_root_pid: int | None = None

    @property
    def st_mode(self) -> int:
        return self.kind.format_bits | self.mode

    def is_dir(self) -> bool:
        return self.kind is _DIRECTORY

    def child(self, name: str) -> int | None:
        return None if self.entries is None else self.entries.get(name)

    def sorted_xattr_names(self) -> list[bytes]:
        return sorted(self.xattrs)
