"""qemu-img, mount, umount, nsenter, hostname, date."""

from __future__ import annotations

import time

from simulator.errors import NfsMountFailed
from simulator.kernel import errno_table as errno
from simulator.kernel.inode import ImageInfo
from simulator.shell.registry import CommandContext, command

SIZE_SUFFIXES = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def _size(text: str) -> int | None:
    number, suffix = text.rstrip("KMGTkmgtBb"), text[len(text.rstrip("KMGTkmgtBb")) :].lower()
    if not number.isdigit() or suffix.rstrip("b") not in SIZE_SUFFIXES:
        return None
    return int(number) * SIZE_SUFFIXES[suffix.rstrip("b") or ""]


def _human(size: int) -> str:
    for unit, factor in (("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:g} {unit}" if value == int(value) else f"{value:.3g} {unit}"
    return f"{size} B"


@command("qemu-img")
def qemu_img(ctx: CommandContext) -> int:
    """``qemu-img create [-f FMT] [-b BACKING -F FMT] FILE [SIZE]`` and ``qemu-img info FILE``."""
    if not ctx.args or ctx.args[0] not in ("create", "info"):
        ctx.err(
            "qemu-img: Command not found\n"
            if ctx.args
            else "qemu-img: Not enough arguments\nTry 'qemu-img --help' for more information\n"
        )
        return 1
    args = ctx.args[1:]
    options: dict[str, str] = {}
    operands: list[str] = []
    while args:
        arg = args.pop(0)
        if arg in ("-f", "-b", "-F", "-o") and args:
            options[arg] = args.pop(0)
        elif arg in ("-q", "-u"):
            continue
        else:
            operands.append(arg)
    if ctx.args[0] == "info":
        return _info(ctx, operands)
    if not operands:
        ctx.err("qemu-img: Expecting image file name\n")
        return 1
    path = operands[0]
    fmt = options.get("-f", "raw")
    backing = options.get("-b")
    size = _size(operands[1]) if len(operands) > 1 else None
    if len(operands) > 1 and size is None:
        ctx.err(
            "qemu-img: Invalid image size specified. You may use k, M, G, T, P or E "
            "suffixes for\nqemu-img: kilobytes, megabytes, gigabytes, terabytes, "
            "petabytes and exabytes.\n"
        )
        return 1
    if backing is not None:
        try:
            base = ctx.host.stat(ctx.proc, backing)
        except OSError as error:
            ctx.err(f"qemu-img: {path}: Could not open '{backing}': {error.strerror}\n")
            return 1
        size = size or (base.image.virtual_size if base.image else base.st_size)
    if size is None:
        ctx.err("qemu-img: Image creation needs a size parameter\n")
        return 1
    try:
        ctx.host.write_file(ctx.proc, path, b"")
        ctx.host.truncate(ctx.proc, path, 196616 if fmt == "qcow2" else size)
        ctx.host.set_image(ctx.proc, path, ImageInfo(fmt, backing, options.get("-F"), size))
    except OSError as error:
        ctx.err(f"qemu-img: {path}: Could not create '{path}': {error.strerror}\n")
        return 1
    extra = f" backing_file={backing}" if backing else ""
    extra += f" backing_fmt={options['-F']}" if "-F" in options else ""
    details = (
        (
            f" cluster_size=65536 extended_l2=off compression_type=zlib size={size}{extra}"
            " lazy_refcounts=off refcount_bits=16"
        )
        if fmt == "qcow2"
        else f" size={size}"
    )
    ctx.out(f"Formatting '{path}', fmt={fmt}{details}\n")
    return 0


def _info(ctx: CommandContext, operands: list[str]) -> int:
    if not operands:
        ctx.err("qemu-img: Expecting one image file name\n")
        return 1
    path = operands[0]
    try:
        st = ctx.host.stat(ctx.proc, path)
        ctx.host.open(ctx.proc, path)
    except OSError as error:
        ctx.err(f"qemu-img: Could not open '{path}': Could not open '{path}': {error.strerror}\n")
        return 1
    image = st.image or ImageInfo("raw", None, None, st.st_size)
    lines = [
        f"image: {path}",
        f"file format: {image.format}",
        f"virtual size: {_human(image.virtual_size)} ({image.virtual_size} bytes)",
        f"disk size: {_human(-(-st.st_size // 4096) * 4096)}",
    ]
    if image.backing:
        lines.append(f"backing file: {image.backing}")
        if image.backing_format:
            lines.append(f"backing file format: {image.backing_format}")
    ctx.out("\n".join(lines) + "\n")
    return 0


@command("mount")
def mount(ctx: CommandContext) -> int:
    args = list(ctx.args)
    fstype: str | None = None
    options: tuple[str, ...] = ()
    bind = False
    operands: list[str] = []
    while args:
        arg = args.pop(0)
        if arg == "-t" and args:
            fstype = args.pop(0)
        elif arg == "-o" and args:
            options = tuple(args.pop(0).split(","))
        elif arg in ("--bind", "-B"):
            bind = True
        else:
            operands.append(arg)
    if not operands:
        for mount_id in ctx.host.namespaces[ctx.proc.ns_id].mount_ids:
            m = ctx.host.mounts[mount_id]
            fs = ctx.host.filesystems[m.fs_id]
            ctx.out(f"{fs.source} on {_mount_path(ctx, mount_id)} type {fs.fstype} (rw)\n")
        return 0
    if len(operands) != 2:
        ctx.err("mount: bad usage\nTry 'mount --help' for more information.\n")
        return 1
    source, target = operands
    try:
        ctx.host.mount(ctx.proc, source, target, fstype, options, bind=bind)
    except NfsMountFailed as error:
        ctx.err(f"mount.nfs: {error}\n")
        return 32
    except OSError as error:
        ctx.err(f"mount: {target}: {error.strerror}.\n")
        return 32
    except ValueError as error:
        ctx.err(f"mount: {target}: {error}\n")
        return 32
    return 0


def _mount_path(ctx: CommandContext, mount_id: int) -> str:
    names: list[str] = []
    mount = ctx.host.mounts[mount_id]
    while mount.parent_id is not None and mount.mountpoint_ino is not None:
        parent = ctx.host.mounts[mount.parent_id]
        fs = ctx.host.filesystems[parent.fs_id]
        ino = mount.mountpoint_ino
        while ino != parent.root_ino:
            inode = fs.inodes[ino]
            assert inode.parent is not None
            directory = fs.inodes[inode.parent]
            names.append(next(n for n, i in (directory.entries or {}).items() if i == ino))
            ino = inode.parent
        mount = parent
    return "/" + "/".join(reversed(names))


# util-linux 2.37: libmount/src/context_umount.c, mnt_context_get_umount_excode.
UMOUNT_MESSAGES = {
    errno.EINVAL: "not mounted",
    errno.EBUSY: "target is busy",
    errno.EPERM: "must be superuser to unmount",
}


@command("umount")
def umount(ctx: CommandContext) -> int:
    if len(ctx.args) != 1:
        ctx.err("umount: bad usage\nTry 'umount --help' for more information.\n")
        return 1
    try:
        ctx.host.umount(ctx.proc, ctx.args[0])
    except OSError as error:
        message = UMOUNT_MESSAGES.get(error.errno or 0, (error.strerror or "").lower())
        ctx.err(f"umount: {ctx.args[0]}: {message}.\n")
        return 32
    return 0


@command("nsenter")
def nsenter(ctx: CommandContext) -> int:
    """``nsenter -t PID -m [--] CMD...``: run a command in that process's mount namespace."""
    args = list(ctx.args)
    pid: int | None = None
    mount_ns = False
    while args and args[0].startswith("-"):
        arg = args.pop(0)
        if arg == "--":
            break
        if arg in ("-t", "--target") and args:
            value = args.pop(0)
            pid = int(value) if value.isdigit() else None
        elif arg in ("-m", "--mount"):
            mount_ns = True
        elif arg.startswith("-t") and arg[2:].isdigit():
            pid = int(arg[2:])
        else:
            ctx.err(
                f"nsenter: unrecognized option '{arg}'\n"
                "Try 'nsenter --help' for more information.\n"
            )
            return 1
    if pid is None or pid not in ctx.host.processes:
        ctx.err(f"nsenter: cannot open /proc/{pid}/ns/mnt: No such file or directory\n")
        return 1
    if not args:
        args = ["/bin/bash"]
    saved = ctx.proc.ns_id
    if mount_ns:  # setns(2)
        ctx.host.move_to_namespace(ctx.proc, ctx.host.processes[pid].ns_id)
    try:
        local: list[tuple[int, bytes]] = []
        status = ctx.shell.run_command(args, ctx.stdin, local)
        ctx.chunks.extend(local)
    finally:
        ctx.host.move_to_namespace(ctx.proc, saved)
    return status


@command("hostname")
def hostname(ctx: CommandContext) -> int:
    ctx.out(ctx.machine.profile.hostname + "\n")
    return 0


@command("date")
def date(ctx: CommandContext) -> int:
    t = time.gmtime(ctx.host.clock.now)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    ctx.out(
        f"{days[t.tm_wday]} {months[t.tm_mon - 1]} {t.tm_mday:2d} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} UTC {t.tm_year}\n"
    )
    return 0


@command("runuser")
def runuser(ctx: CommandContext) -> int:
    """``runuser -u USER [--] CMD...``: run a command with that user's uid, gid and groups
    (the SELinux context stays the caller's, as with util-linux's runuser)."""
    from simulator.shell.accounts import lookup_group, lookup_user, user_groups

    args = list(ctx.args)
    if len(args) < 3 or args[0] != "-u":
        ctx.err("runuser: no command was specified\nTry 'runuser --help' for more information.\n")
        return 1
    user = args[1]
    command_args = args[3:] if args[2] == "--" else args[2:]
    uid = lookup_user(ctx, user)
    if uid is None or not command_args:
        ctx.err(
            f"runuser: user {user} does not exist or the user entry does not contain all "
            "the required fields\n"
        )
        return 1
    gid = lookup_group(ctx, user)
    saved = (ctx.proc.uid, ctx.proc.gid, ctx.proc.groups)
    ctx.proc.uid = uid
    ctx.proc.gid = uid if gid is None else gid
    ctx.proc.groups = tuple(user_groups(ctx, user))
    try:
        local: list[tuple[int, bytes]] = []
        status = ctx.shell.run_command(command_args, ctx.stdin, local)
        ctx.chunks.extend(local)
    finally:
        ctx.proc.uid, ctx.proc.gid, ctx.proc.groups = saved
    return status
