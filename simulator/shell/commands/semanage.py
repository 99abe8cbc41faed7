"""``semanage fcontext`` (policycoreutils ``seobject.py:fcontextRecords``; commands.md 5.2)."""

from __future__ import annotations

from simulator.errors import SeclabError
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.selinux.file_contexts import FileContextSpec
from simulator.shell.registry import CommandContext, command

FILE_TYPES = {
    "a": ("", "all files"),
    "f": ("--", "regular file"),
    "d": ("-d", "directory"),
    "c": ("-c", "character device"),
    "b": ("-b", "block device"),
    "s": ("-s", "socket"),
    "l": ("-l", "symbolic link"),
    "p": ("-p", "named pipe"),
}
NAMES = dict(FILE_TYPES.values())


def _fail(ctx: CommandContext, message: str) -> int:
    ctx.err(f"ValueError: {message}\n")
    return 1


@command("semanage")
def semanage(ctx: CommandContext) -> int:
    lsm = ctx.host.security
    if not ctx.args or ctx.args[0] != "fcontext" or not isinstance(lsm, SelinuxLsm):
        ctx.err("usage: semanage [-h] {fcontext} ...\n")
        return 2
    if ctx.proc.uid != 0:
        return _fail(ctx, "SELinux policy is not managed or store cannot be accessed.")
    args = list(ctx.args[1:])
    action: str | None = None
    selinux_type: str | None = None
    ftype = "a"
    local_only = False
    specs: list[str] = []
    while args:
        arg = args.pop(0)
        if arg in ("-a", "--add", "-m", "--modify", "-d", "--delete", "-l", "--list"):
            action = arg.lstrip("-")[0]
        elif arg in ("-t", "--type") and args:
            selinux_type = args.pop(0)
        elif arg in ("-f", "--ftype") and args:
            ftype = args.pop(0)
        elif arg in ("-C", "--locallist"):
            local_only = True
        else:
            specs.append(arg)
    state = lsm.selinux
    if action == "l":
        return _list(ctx, lsm, local_only)
    if action is None or len(specs) != 1 or ftype not in FILE_TYPES:
        ctx.err(
            "usage: semanage fcontext [-h] [-n] [-N] [-S STORE] [ --add ( -t TYPE -f FTYPE "
            "-r RANGE -s SEUSER | -e EQUAL ) FILE_SPEC | --delete ( -t TYPE -f FTYPE | -e "
            "EQUAL ) FILE_SPEC | --deleteall | --extract | --list [-C] | --modify ( -t TYPE "
            "-f FTYPE -r RANGE -s SEUSER | -e EQUAL ) FILE_SPEC ]\n"
        )
        return 2
    spec_text = specs[0]
    if " " in spec_text:
        return _fail(ctx, "File specification can not include spaces")
    qualifier = FILE_TYPES[ftype][0]
    files = state.file_contexts
    local = next((s for s in files.local if (s.regex, s.qualifier) == (spec_text, qualifier)), None)
    in_policy = any((s.regex, s.qualifier) == (spec_text, qualifier) for s in files.specs)
    if action == "d":
        if local is None:
            if in_policy:
                return _fail(
                    ctx, f"File context for {spec_text} is defined in policy, cannot be deleted"
                )
            return _fail(ctx, f"File context for {spec_text} is not defined")
        state.file_contexts = files.without_local(spec_text, qualifier)
        return 0
    if selinux_type is None:
        return _fail(ctx, "SELinux Type is required")
    if action == "a" and (local is not None or in_policy):
        return _fail(ctx, f"File context for {spec_text} already defined")
    if action == "m" and local is None and not in_policy:
        return _fail(ctx, f"File context for {spec_text} is not defined")
    context = None
    if selinux_type != "<<none>>":
        if not state.policy.is_type(selinux_type) or "file_type" not in state.policy.names_of(
            selinux_type
        ):
            return _fail(ctx, f"Type {selinux_type} is invalid, must be a file or device type")
        context = f"system_u:object_r:{selinux_type}:s0"
    try:
        spec = FileContextSpec.of(spec_text, qualifier, context)
    except SeclabError as error:
        return _fail(ctx, str(error))
    state.file_contexts = files.with_local(spec)
    return 0


def _list(ctx: CommandContext, lsm: SelinuxLsm, local_only: bool) -> int:
    files = lsm.selinux.file_contexts
    chosen = list(files.local) if local_only else [*files.specs, *files.local]
    if not chosen:
        return 0
    ctx.out(f"{'SELinux fcontext':<50} {'type':<18} Context\n\n")
    for spec in sorted(chosen, key=lambda s: (s.regex, s.qualifier)):
        context = (
            "<<None>>"
            if spec.context is None
            else (
                f"{spec.context.user}:{spec.context.role}:{spec.context.type}:{spec.context.range}"
            )
        )
        ctx.out(f"{spec.regex:<50} {NAMES[spec.qualifier]:<18} {context} \n")
    return 0
