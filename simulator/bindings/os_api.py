"""``os``, ``io``, ``open()``, ``pathlib`` and ``shutil`` on a lab host, through pyfakefs.

pyfakefs's :class:`~pyfakefs.fake_filesystem_unittest.Patcher` finds every reference to
``os``, ``io`` and ``open`` in loaded modules and swaps in fake modules; here the fake
modules are the lab's: every call is a system call of one lab process (root's login shell
by default, or any pid, so a tool can run as uid 107 in ``svirt_t`` inside a VM's mount
namespace), with the lab kernel's DAC and SELinux checks, audit records and faults, and the
kernel's ``OSError``. ``pathlib`` and ``shutil`` stay the real modules, running on the fake
``os`` and ``io``. File-system calls of ``os`` the lab does not model raise
:class:`NotModelledError`; the rest of ``os`` (``environ``, ``getpid``, ``fspath``, ...) is
the real module's.
"""

from __future__ import annotations

import errno
import grp as _real_grp
import io
import os
import posixpath
import pwd as _real_pwd
import stat as stat_module
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

from simulator.errors import SeclabError
from simulator.system import accounts

if TYPE_CHECKING:
    from simulator.kernel.calls_files import OpenFile, StatResult
    from simulator.kernel.kernel import Kernel
    from simulator.kernel.process import Process

_real_os = os

# The file-system functions of ``os`` pyfakefs patches (fake_os.FakeOsModule.dir(), Linux).
FS_FUNCTIONS = [
    "access",
    "chdir",
    "chmod",
    "chown",
    "close",
    "dup",
    "dup2",
    "fstat",
    "fsync",
    "getcwd",
    "lchmod",
    "link",
    "listdir",
    "lseek",
    "lstat",
    "makedirs",
    "mkdir",
    "mknod",
    "open",
    "read",
    "readlink",
    "remove",
    "removedirs",
    "rename",
    "rmdir",
    "scandir",
    "stat",
    "symlink",
    "umask",
    "unlink",
    "utime",
    "walk",
    "write",
    "getcwdb",
    "replace",
    "fdatasync",
    "getxattr",
    "listxattr",
    "removexattr",
    "setxattr",
    "getgid",
    "getuid",
]

_TWO_PATHS = frozenset({"rename", "link", "symlink"})


class NotModelledError(NotImplementedError):
    """A file-system call the lab does not model: ``seclab: not modelled: os.NAME``."""


def _oserror(code: int, path: str | None = None) -> OSError:
    return (
        OSError(code, os.strerror(code), path)
        if path is not None
        else OSError(code, os.strerror(code))
    )


def _path(value: Any) -> str:
    path = os.fspath(value)
    if isinstance(path, bytes):
        return path.decode("utf-8", "surrogateescape")
    if not isinstance(path, str):
        raise TypeError(f"expected str, bytes or os.PathLike object, not {type(value).__name__}")
    return path


def stat_result(info: StatResult) -> os.stat_result:
    """The kernel's stat as Python's ``os.stat_result`` (seconds of the virtual clock)."""
    dev = os.makedev(info.st_dev.major, info.st_dev.minor)
    return os.stat_result(
        (
            info.st_mode,
            info.st_ino,
            dev,
            info.st_nlink,
            info.st_uid,
            info.st_gid,
            info.st_size,
            info.st_atime,
            info.st_mtime,
            info.st_ctime,
        )
    )


class _Descriptor:
    """One open file description with the whole file's bytes and an offset."""

    def __init__(self, handle: OpenFile, data: bytes, *, append: bool) -> None:
        self.handle = handle
        self.data = bytearray(data)
        self.offset = len(data) if append else 0
        self.append = append


class LabOsModule:
    """A fake ``os`` whose file-system calls are lab system calls of one process."""

    host: ClassVar[Kernel]
    proc: ClassVar[Process]
    fds: ClassVar[dict[int, _Descriptor]]  # one table per patch, shared by os and io

    @staticmethod
    def dir() -> list[str]:
        return [name for name in FS_FUNCTIONS if hasattr(_real_os, name)]

    def __init__(self, filesystem: Any = None) -> None:
        del filesystem  # pyfakefs's own FakeFilesystem is not used: the lab kernel decides
        self._fds = type(self).fds
        self.path = LabPathModule(self)

    def __getattr__(self, name: str) -> Any:
        # What this platform's os lacks (lchmod on Linux) stays missing: callers test for it.
        return getattr(_real_os, name)

    def _call(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(self.proc, *args, **kwargs)
        except OSError as error:
            # CPython's path_error(): the path arguments ride on the exception.
            paths = [a for a in args[:2] if isinstance(a, str)]
            if error.filename is None and paths and error.errno is not None:
                two = paths[1] if function.__name__ in _TWO_PATHS and len(paths) > 1 else None
                raise type(error)(error.errno, error.strerror, paths[0], None, two) from None
            raise
        except SeclabError as error:
            # Values the kernel refuses before any lookup (uids out of range, ...): EINVAL.
            raise OSError(errno.EINVAL, f"{os.strerror(errno.EINVAL)}: {error}") from None

    # -- identity and working directory -------------------------------------------------------

    def getuid(self) -> int:
        return self.proc.uid

    def getgid(self) -> int:
        return self.proc.gid

    def geteuid(self) -> int:
        return self.proc.uid

    def getegid(self) -> int:
        return self.proc.gid

    def getcwd(self) -> str:
        return self.proc.cwd

    def getcwdb(self) -> bytes:
        return self.proc.cwd.encode()

    def chdir(self, path: Any) -> None:
        self._call(self.host.chdir, _path(path))

    def umask(self, mask: int) -> int:
        old = self.proc.umask
        self.proc.umask = mask & 0o777
        return old

    # -- inspecting ---------------------------------------------------------------------------

    def stat(
        self, path: Any, *, dir_fd: Any = None, follow_symlinks: bool = True
    ) -> os.stat_result:
        if dir_fd is not None:
            raise NotModelledError("seclab: not modelled: os.stat(dir_fd=...)")
        if isinstance(path, int):
            return self.fstat(path)
        return stat_result(self._call(self.host.stat, _path(path), follow=follow_symlinks))

    def lstat(self, path: Any, *, dir_fd: Any = None) -> os.stat_result:
        return self.stat(path, dir_fd=dir_fd, follow_symlinks=False)

    def fstat(self, fd: int) -> os.stat_result:
        return stat_result(self.host.stat_location(self._fd(fd).handle.location))

    def access(self, path: Any, mode: int, **kwargs: Any) -> bool:
        if kwargs:
            raise NotModelledError("seclab: not modelled: os.access options")
        try:
            self._call(self.host.access, _path(path), mode)
        except OSError:
            return False
        return True

    def listdir(self, path: Any = ".") -> list[str]:
        return list(self._call(self.host.listdir, _path(path)))

    def scandir(self, path: Any = ".") -> Iterator[LabDirEntry]:
        base = _path(path)
        names = self.listdir(base)
        return iter([LabDirEntry(self, base, name) for name in names])

    def readlink(self, path: Any, *, dir_fd: Any = None) -> str:
        if dir_fd is not None:
            raise NotModelledError("seclab: not modelled: os.readlink(dir_fd=...)")
        return str(self._call(self.host.readlink, _path(path)))

    def walk(
        self, top: Any, topdown: bool = True, onerror: Any = None, followlinks: bool = False
    ) -> Iterator[tuple[str, list[str], list[str]]]:
        """``os.walk`` (Lib/os.py) over the lab, iteratively."""
        stack: list[Any] = [_path(top)]
        while stack:
            item = stack.pop()
            if isinstance(item, tuple):
                yield item
                continue
            try:
                entries = list(self.scandir(item))
            except OSError as error:
                if onerror is not None:
                    onerror(error)
                continue
            dirs: list[str] = []
            files: list[str] = []
            for entry in entries:
                (dirs if entry.is_dir(follow_symlinks=followlinks) else files).append(entry.name)
            if topdown:
                yield item, dirs, files
                for name in reversed(dirs):
                    stack.append(posixpath.join(item, name))
            else:
                stack.append((item, dirs, files))
                for name in reversed(dirs):
                    stack.append(posixpath.join(item, name))

    # -- changing names -----------------------------------------------------------------------

    def mkdir(self, path: Any, mode: int = 0o777, *, dir_fd: Any = None) -> None:
        if dir_fd is not None:
            raise NotModelledError("seclab: not modelled: os.mkdir(dir_fd=...)")
        self._call(self.host.mkdir, _path(path), mode)

    def makedirs(self, name: Any, mode: int = 0o777, exist_ok: bool = False) -> None:
        """``os.makedirs`` (Lib/os.py): parents first, EEXIST unless ``exist_ok``."""
        path = _path(name)
        parts = [p for p in path.split("/") if p]
        prefix = "/" if path.startswith("/") else ""
        for i in range(len(parts)):
            current = prefix + "/".join(parts[: i + 1])
            last = i == len(parts) - 1
            try:
                self.mkdir(current, mode if last else 0o777)
            except FileExistsError:
                if last and not (exist_ok and self.path.isdir(current)):
                    raise

    def rmdir(self, path: Any, *, dir_fd: Any = None) -> None:
        self._call(self.host.rmdir, _path(path))

    def remove(self, path: Any, *, dir_fd: Any = None) -> None:
        if self.path.isdir(path) and not self.path.islink(path):
            raise _oserror(errno.EISDIR, _path(path))
        self._call(self.host.unlink, _path(path))

    unlink = remove

    def rename(self, src: Any, dst: Any, **kwargs: Any) -> None:
        if kwargs:
            raise NotModelledError("seclab: not modelled: os.rename(src_dir_fd/dst_dir_fd)")
        self._call(self.host.rename, _path(src), _path(dst))

    replace = rename

    def symlink(self, src: Any, dst: Any, target_is_directory: bool = False, **kwargs: Any) -> None:
        self._call(self.host.symlink, _path(src), _path(dst))

    def link(self, src: Any, dst: Any, **kwargs: Any) -> None:
        self._call(self.host.link, _path(src), _path(dst))

    def chmod(
        self, path: Any, mode: int, *, dir_fd: Any = None, follow_symlinks: bool = True
    ) -> None:
        if not follow_symlinks:
            # Linux has no lchmod: CPython raises NotImplementedError for it.
            raise NotImplementedError("chmod: follow_symlinks unavailable on this platform")
        self._call(self.host.chmod, _path(path), mode)

    def chown(
        self, path: Any, uid: int, gid: int, *, dir_fd: Any = None, follow_symlinks: bool = True
    ) -> None:
        self._call(self.host.chown, _path(path), uid, gid, follow=follow_symlinks)

    def lchown(self, path: Any, uid: int, gid: int) -> None:
        self.chown(path, uid, gid, follow_symlinks=False)

    # -- extended attributes ------------------------------------------------------------------

    def getxattr(self, path: Any, attribute: Any, *, follow_symlinks: bool = True) -> bytes:
        return bytes(
            self._call(self.host.getxattr, _path(path), _name(attribute), follow=follow_symlinks)
        )

    def setxattr(
        self,
        path: Any,
        attribute: Any,
        value: bytes,
        flags: int = 0,
        *,
        follow_symlinks: bool = True,
    ) -> None:
        if flags:
            raise NotModelledError("seclab: not modelled: os.setxattr flags")
        self._call(
            self.host.setxattr, _path(path), _name(attribute), bytes(value), follow=follow_symlinks
        )

    def listxattr(self, path: Any = None, *, follow_symlinks: bool = True) -> list[str]:
        names = self._call(
            self.host.listxattr, _path("." if path is None else path), follow=follow_symlinks
        )
        return [n.decode("utf-8", "surrogateescape") for n in names]

    def removexattr(self, path: Any, attribute: Any, *, follow_symlinks: bool = True) -> None:
        self._call(self.host.removexattr, _path(path), _name(attribute), follow=follow_symlinks)

    # -- descriptors --------------------------------------------------------------------------

    def open(self, path: Any, flags: int, mode: int = 0o777, *, dir_fd: Any = None) -> int:
        if dir_fd is not None:
            raise NotModelledError("seclab: not modelled: os.open(dir_fd=...)")
        handle = self._call(self.host.open, _path(path), flags, mode)
        data = self.host.read(self.proc, handle) if _readable_or_rw(flags) else b""
        if not _readable_or_rw(flags) and not flags & os.O_TRUNC:
            data = bytes(self.host.inode_at(handle.location).data)
        self._fds[handle.fd] = _Descriptor(handle, data, append=bool(flags & os.O_APPEND))
        return int(handle.fd)

    def _fd(self, fd: int) -> _Descriptor:
        try:
            return self._fds[fd]
        except KeyError:
            raise _oserror(errno.EBADF) from None

    def read(self, fd: int, n: int) -> bytes:
        desc = self._fd(fd)
        if not desc.handle.readable:
            raise _oserror(errno.EBADF)
        desc.data = bytearray(self.host.read(self.proc, desc.handle))
        chunk = bytes(desc.data[desc.offset : desc.offset + max(n, 0)])
        desc.offset += len(chunk)
        return chunk

    def write(self, fd: int, data: bytes) -> int:
        desc = self._fd(fd)
        payload = bytes(data)
        if desc.append:
            self.host.write(self.proc, desc.handle, payload)
            desc.data += payload
            desc.offset = len(desc.data)
            return len(payload)
        end = desc.offset + len(payload)
        if desc.offset > len(desc.data):
            desc.data += b"\0" * (desc.offset - len(desc.data))
        desc.data[desc.offset : end] = payload
        desc.offset = end
        self.host.write(self.proc, desc.handle, bytes(desc.data))
        return len(payload)

    def lseek(self, fd: int, position: int, whence: int) -> int:
        desc = self._fd(fd)
        base = {os.SEEK_SET: 0, os.SEEK_CUR: desc.offset, os.SEEK_END: len(desc.data)}.get(whence)
        if base is None or base + position < 0:
            raise _oserror(errno.EINVAL)
        desc.offset = base + position
        return desc.offset

    def close(self, fd: int) -> None:
        self._fd(fd)
        del self._fds[fd]

    def fsync(self, fd: int) -> None:
        self._fd(fd)

    fdatasync = fsync


def _refuse(name: str) -> Any:
    def refuse(self: LabOsModule, *args: Any, **kwargs: Any) -> Any:
        raise NotModelledError(f"seclab: not modelled: os.{name}")

    refuse.__name__ = name
    return refuse


for _name_ in LabOsModule.dir():
    if not hasattr(LabOsModule, _name_):
        setattr(LabOsModule, _name_, _refuse(_name_))


def _readable_or_rw(flags: int) -> bool:
    return flags & os.O_ACCMODE in (os.O_RDONLY, os.O_RDWR)


def _name(attribute: Any) -> bytes:
    return (
        attribute.encode("utf-8", "surrogateescape")
        if isinstance(attribute, str)
        else bytes(attribute)
    )


class LabDirEntry:
    """``os.DirEntry`` for a lab directory entry (stat on demand, through the lab)."""

    def __init__(self, fake_os: LabOsModule, base: str, name: str) -> None:
        self._os = fake_os
        self.name = name
        self.path = posixpath.join(base, name)

    def __fspath__(self) -> str:
        return self.path

    def __repr__(self) -> str:
        return f"<DirEntry {self.name!r}>"

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        return self._os.stat(self.path, follow_symlinks=follow_symlinks)

    def inode(self) -> int:
        return self.stat(follow_symlinks=False).st_ino

    def _mode(self, follow: bool) -> int:
        try:
            return self.stat(follow_symlinks=follow).st_mode
        except FileNotFoundError:
            return 0

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        return stat_module.S_ISDIR(self._mode(follow_symlinks))

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        return stat_module.S_ISREG(self._mode(follow_symlinks))

    def is_symlink(self) -> bool:
        return stat_module.S_ISLNK(self._mode(False))


class LabPathModule:
    """``os.path`` whose file-system questions go to the lab; string work is posixpath's."""

    def __init__(self, fake_os: LabOsModule) -> None:
        self._os = fake_os

    def __getattr__(self, name: str) -> Any:
        return getattr(posixpath, name)

    def _mode(self, path: Any, follow: bool = True) -> int | None:
        try:
            return self._os.stat(path, follow_symlinks=follow).st_mode
        except (OSError, ValueError):
            return None

    def exists(self, path: Any) -> bool:
        return self._mode(path) is not None

    def lexists(self, path: Any) -> bool:
        return self._mode(path, follow=False) is not None

    def isdir(self, path: Any) -> bool:
        mode = self._mode(path)
        return mode is not None and stat_module.S_ISDIR(mode)

    def isfile(self, path: Any) -> bool:
        mode = self._mode(path)
        return mode is not None and stat_module.S_ISREG(mode)

    def islink(self, path: Any) -> bool:
        mode = self._mode(path, follow=False)
        return mode is not None and stat_module.S_ISLNK(mode)

    def ismount(self, path: Any) -> bool:
        raise NotModelledError("seclab: not modelled: os.path.ismount")

    def getsize(self, path: Any) -> int:
        return self._os.stat(path).st_size

    def getmtime(self, path: Any) -> float:
        return float(self._os.stat(path).st_mtime)

    def getatime(self, path: Any) -> float:
        return float(self._os.stat(path).st_atime)

    def getctime(self, path: Any) -> float:
        return float(self._os.stat(path).st_ctime)

    def abspath(self, path: Any) -> str:
        value = _path(path)
        return posixpath.normpath(
            value if value.startswith("/") else posixpath.join(self._os.proc.cwd, value)
        )

    def realpath(self, path: Any, *, strict: bool = False) -> str:
        try:
            return str(self._os._call(self._os.host.realpath, _path(path)))
        except OSError:
            if strict:
                raise
            return self.abspath(path)

    def relpath(self, path: Any, start: Any = None) -> str:
        return posixpath.relpath(self.abspath(path), self.abspath(start or self._os.proc.cwd))

    def expanduser(self, path: Any) -> str:
        value = _path(path)
        if value == "~" or value.startswith("~/"):
            home = "/root" if self._os.proc.uid == 0 else "/"
            return home + value[1:]
        return value


class _LabRaw(io.RawIOBase):
    """The raw file under Python's buffered and text layers: one lab descriptor."""

    def __init__(self, fake_os: LabOsModule, fd: int, name: str, mode: str) -> None:
        super().__init__()
        self._os = fake_os
        self._fd = fd
        self.name = name
        self.mode = mode

    def readable(self) -> bool:
        return self._os._fd(self._fd).handle.readable

    def writable(self) -> bool:
        return self._os._fd(self._fd).handle.writable

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._os.read(self._fd, len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def write(self, data: Any) -> int:
        return self._os.write(self._fd, bytes(data))

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._os.lseek(self._fd, offset, whence)

    def tell(self) -> int:
        return self._os.lseek(self._fd, 0, os.SEEK_CUR)

    def fileno(self) -> int:
        # Not a real descriptor: shutil and others fall back to plain reads and writes.
        raise io.UnsupportedOperation("fileno")

    def close(self) -> None:
        if not self.closed:
            self._os.close(self._fd)
        super().close()


_MODE_FLAGS = {
    "r": os.O_RDONLY,
    "w": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    "a": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
    "x": os.O_WRONLY | os.O_CREAT | os.O_EXCL,
}


class LabIoModule:
    """A fake ``io`` (and so ``open()``): files are lab files opened by the chosen process."""

    os_class: ClassVar[type[LabOsModule]]

    @staticmethod
    def dir() -> list[str]:
        return ["open", "open_code"]

    def __init__(self, filesystem: Any = None) -> None:
        del filesystem

    def __getattr__(self, name: str) -> Any:
        return getattr(io, name)

    def open(
        self,
        file: Any,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
        closefd: bool = True,
        opener: Any = None,
    ) -> Any:
        if isinstance(file, int) or opener is not None:
            raise NotModelledError("seclab: not modelled: open() of a descriptor or with opener")
        fake_os = type(self).os_class()
        kinds = set(mode) & set(_MODE_FLAGS)
        if len(kinds) != 1 or set(mode) - set("rwaxbt+"):
            raise ValueError(f"invalid mode: '{mode}'")
        flags = _MODE_FLAGS[kinds.pop()]
        if "+" in mode:
            flags = (flags & ~os.O_ACCMODE) | os.O_RDWR
        name = _path(file)
        fd = fake_os.open(name, flags, 0o666)
        raw = _LabRaw(fake_os, fd, name, mode)
        buffered: Any
        if "+" in mode:
            buffered = io.BufferedRandom(raw)
        elif flags & os.O_ACCMODE == os.O_RDONLY:
            buffered = io.BufferedReader(raw)
        else:
            buffered = io.BufferedWriter(raw)
        if "b" in mode:
            return buffered
        return io.TextIOWrapper(buffered, encoding or "utf-8", errors, newline)

    def open_code(self, path: str) -> Any:
        # Python code imported while patched comes from the real interpreter's files (as
        # pyfakefs's default PatchMode.OFF does): importing is not a file access of the lab.
        return io.open_code(path)


class _AccountsModule:
    """A fake ``pwd`` or ``grp`` answering from the lab's ``/etc/passwd`` or ``/etc/group``,
    read by the patched process (glibc's files backend, as nsswitch.conf says on EL9),
    through the lab's one parser of both (:mod:`simulator.system.accounts`)."""

    os_class: ClassVar[type[LabOsModule]]
    database: ClassVar[str]
    real: ClassVar[ModuleType]

    def __init__(self, filesystem: Any = None) -> None:
        del filesystem

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def _entries(self) -> tuple[accounts.Entry, ...]:
        fake_os = self.os_class()
        data = fake_os._call(fake_os.host.read_file, self.database)
        return accounts.entries(data.decode("utf-8", "surrogateescape"))

    def _by_name(self, name: str, what: str) -> accounts.Entry:
        found = next((e for e in self._entries() if e.name == name), None)
        if found is None:
            raise KeyError(f"{what}(): name not found: '{name}'")
        return found

    def _by_id(self, value: int, what: str, kind: str) -> accounts.Entry:
        found = next((e for e in self._entries() if e.id == value), None)
        if found is None:
            raise KeyError(f"{what}(): {kind} not found: {value}")
        return found


class LabPwdModule(_AccountsModule):
    database: ClassVar[str] = accounts.PASSWD_PATH
    real: ClassVar[ModuleType] = _real_pwd

    @staticmethod
    def _struct(entry: accounts.Entry) -> Any:
        fields = [*entry.fields, "", "", "", ""][:7]
        gid = int(fields[3]) if fields[3].isdigit() else 0
        return _real_pwd.struct_passwd((fields[0], fields[1], entry.id, gid, *fields[4:7]))

    def getpwnam(self, name: str) -> Any:
        return self._struct(self._by_name(name, "getpwnam"))

    def getpwuid(self, uid: int) -> Any:
        return self._struct(self._by_id(uid, "getpwuid", "uid"))

    def getpwall(self) -> list[Any]:
        return [self._struct(e) for e in self._entries()]


class LabGrpModule(_AccountsModule):
    database: ClassVar[str] = accounts.GROUP_PATH
    real: ClassVar[ModuleType] = _real_grp

    @staticmethod
    def _struct(entry: accounts.Entry) -> Any:
        return _real_grp.struct_group((entry.name, entry.fields[1], entry.id, list(entry.members)))

    def getgrnam(self, name: str) -> Any:
        return self._struct(self._by_name(name, "getgrnam"))

    def getgrgid(self, gid: int) -> Any:
        return self._struct(self._by_id(gid, "getgrgid", "gid"))

    def getgrall(self) -> list[Any]:
        return [self._struct(e) for e in self._entries()]


def lab_modules(host: Kernel, proc: Process) -> dict[str, type]:
    """The fake ``os``, ``io``, ``pwd`` and ``grp`` for one patch, bound to a host and a
    process, by the module name pyfakefs's Patcher replaces."""
    os_class = type(
        "LabOs", (LabOsModule,), {"host": host, "proc": proc, "fds": {}, "__module__": __name__}
    )
    bound = {"os_class": os_class, "__module__": __name__}
    return {
        "os": os_class,
        "io": type("LabIo", (LabIoModule,), bound),
        "pwd": type("LabPwd", (LabPwdModule,), bound),
        "grp": type("LabGrp", (LabGrpModule,), bound),
    }
