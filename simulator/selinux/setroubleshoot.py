"""setroubleshoot's analysis of one denial: which plugins fire, what they suggest, and how
confident each is (``setroubleshoot`` 3.3: ``plugins/src/*.py``, ``signature.py``).

Only the text is computed here; the journal line and ``sealert -l`` layout are rendered by
the commands that show them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

from simulator.selinux.context import MlsRange, SecurityContext
from simulator.selinux.decision import decide
from simulator.selinux.file_contexts import FileContexts
from simulator.selinux.state import SelinuxState

RW_FILE_PERMS = frozenset({"open", "getattr", "read", "write", "append", "ioctl", "lock"})
R_DIR_PERMS = frozenset({"open", "read", "getattr", "lock", "search", "ioctl"})
LABEL_TYPES = frozenset(
    {"unlabeled_t", "usr_t", "etc_t", "mnt_t", "var_t", "var_lib_t", "default_t"}
)
# ``rpm -ql filesystem``: directories qemu_file_image never suggests relabelling.
STANDARD_DIRECTORIES = frozenset(
    {
        "/",
        "/root",
        "/home",
        "/tmp",
        "/var",
        "/var/lib",
        "/srv",
        "/mnt",
        "/opt",
        "/etc",
        "/usr",
        "/dev",
        "/run",
        "/var/tmp",
        "/media",
    }
)
CLASS_NAMES = {"dir": "directory"}  # translate_class()

QEMU_IMAGE_DO = (
    "# semanage fcontext -a -t virt_image_t '$FIX_TARGET_PATH'\n# restorecon -v '$FIX_TARGET_PATH'"
)
DEFAULT_IF = "If you want to allow $SOURCE_BASE_PATH to have $ACCESS access on the $TARGET_BASE_PATH $TARGET_CLASS"  # noqa: E501


@attrs.frozen(eq=False)
class Denial:
    """One AVC, with what setroubleshoot reads from its event."""

    scontext: SecurityContext
    tcontext: SecurityContext
    tclass: str
    perms: tuple[str, ...]
    source: str  # comm
    source_path: str  # the SYSCALL record's exe, else comm
    target_path: str | None  # path=, else name=
    syscall: str | None = None


@attrs.frozen(eq=False)
class Suggestion:
    plugin: str
    priority: int
    if_text: str
    then_text: str
    do_text: str
    confidence: str = ""


@attrs.frozen(eq=False)
class Alert:
    summary: str
    suggestions: tuple[Suggestion, ...]


def confidence(priority: int, total: int) -> str:
    """``"%.4s" % (prio / total * 100 + .5)``: truncated, so 98.8 and 2.13, or "100."."""
    return str(priority / total * 100 + 0.5)[:4]


def summary(denial: Denial) -> str:
    """``signature.py summary()`` with ngettext's singular and plural."""
    tclass = CLASS_NAMES.get(denial.tclass, denial.tclass)
    if denial.target_path in (None, "(null)", "Unknown"):
        target = f"{tclass} labeled {denial.tcontext.type}"
    else:
        target = f"{tclass} {denial.target_path}"
    who = f"SELinux is preventing {denial.source_path} from"
    if len(denial.perms) == 1:
        return f"{who} {denial.perms[0]} access on the {target}."
    return f"{who} '{', '.join(denial.perms)}' accesses on the {target}."


class _Context:
    """What the plugins look at."""

    def __init__(self, denial: Denial, state: SelinuxState, file_contexts: FileContexts) -> None:
        self.denial = denial
        self.state = state
        self.file_contexts = file_contexts
        decision = decide(state, denial.scontext, denial.tcontext, denial.tclass, denial.perms)
        self.booleans = tuple(sorted({b for v in decision.verdicts for b in v.booleans}))

    def allowed_types(self) -> list[str]:
        """Types the source could use for these permissions (catchall_labels' list)."""
        policy = self.state.policy
        out = []
        for type_ in sorted(policy.type_attributes):
            if "file_type" not in policy.names_of(type_):
                continue
            target = SecurityContext("system_u", "object_r", type_, MlsRange.parse("s0"))
            decision = decide(
                self.state, self.denial.scontext, target, self.denial.tclass, self.denial.perms
            )
            if not decision.denied:
                out.append(type_)
        return out


Plugin = Callable[[_Context], list[Suggestion]]


def _qemu_file_image(ctx: _Context) -> list[Suggestion]:
    d = ctx.denial
    if (
        d.scontext.type == "svirt_t"
        and set(d.perms) <= RW_FILE_PERMS | R_DIR_PERMS
        and d.tclass in ("file", "dir")
        and d.target_path not in STANDARD_DIRECTORIES
    ):
        return [
            Suggestion(
                "qemu_file_image",
                60,
                "If $TARGET_BASE_PATH is a virtualization target",
                "You need to change the label on $TARGET_BASE_PATH'",
                QEMU_IMAGE_DO,
            )
        ]
    return []


def _qemu_blk_image(ctx: _Context) -> list[Suggestion]:
    d = ctx.denial
    if d.scontext.type == "svirt_t" and d.tclass == "blk_file":
        return [
            Suggestion(
                "qemu_blk_image",
                60,
                DEFAULT_IF,
                "You need to change the label on '$FIX_TARGET_PATH'",
                QEMU_IMAGE_DO,
            )
        ]
    return []


def _restorecon(ctx: _Context) -> list[Suggestion]:
    d = ctx.denial
    path = d.target_path
    if path is None or not path.startswith("/"):
        return []
    default = ctx.file_contexts.default_context(path, d.tclass)
    current = d.tcontext.type
    if (
        default is None
        or default.type == current
        or current in ctx.state.policy.customizable
        or current in ("nfs_t", "cifs_t")
    ):
        return []
    return [
        Suggestion(
            "restorecon",
            100,
            f"If you want to fix the label. \n$TARGET_PATH default label should be {default.type}.",
            "You can run restorecon. The access attempt may have been stopped due to "
            "insufficient permissions to access a parent directory in which case try to change "
            "the following command accordingly.",
            "# /sbin/restorecon -v $TARGET_PATH",
        )
    ]


def _file(ctx: _Context) -> list[Suggestion]:
    if ctx.denial.tcontext.type != "unlabeled_t":
        return []
    return [
        Suggestion(
            "file",
            70,
            "If you think this is caused by a badly mislabeled machine.",
            "You need to fully relabel.",
            "touch /.autorelabel; reboot",
        )
    ]


def _catchall_boolean(ctx: _Context) -> list[Suggestion]:
    out = []
    for name in ctx.booleans:
        description = ctx.state.policy.booleans[name].description
        out.append(
            Suggestion(
                "catchall_boolean",
                8,
                "If you want to " + description[:1].lower() + description[1:],
                f"You must tell SELinux about this by enabling the '{name}' boolean.\n",
                f"setsebool -P {name} 1",
            )
        )
    return out


def _device(ctx: _Context) -> list[Suggestion]:
    d = ctx.denial
    if d.tcontext.type != "device_t" or d.tclass not in ("chr_file", "blk_file"):
        return []
    return [
        Suggestion(
            "device",
            10,
            DEFAULT_IF,
            "You need to change the label on $TARGET_PATH to a type of a similar device.",
            "# semanage fcontext -a -t SIMILAR_TYPE '$FIX_TARGET_PATH'\n"
            "# restorecon -v '$FIX_TARGET_PATH'",
        )
    ]


def _catchall_labels(ctx: _Context) -> list[Suggestion]:
    d = ctx.denial
    if (
        d.tcontext.type not in LABEL_TYPES
        or d.tclass not in ("dir", "file", "lnk_file", "sock_file")
        or d.syscall == "execve"
    ):
        return []
    types = ", ".join(ctx.allowed_types())
    return [
        Suggestion(
            "catchall_labels",
            5,
            DEFAULT_IF,
            "You need to change the label on $FIX_TARGET_PATH",
            "# semanage fcontext -a -t FILE_TYPE '$FIX_TARGET_PATH'\n"
            f"where FILE_TYPE is one of the following: {types}.\n"
            "Then execute:\nrestorecon -v '$FIX_TARGET_PATH'\n",
        )
    ]


def _catchall(ctx: _Context) -> list[Suggestion]:
    del ctx
    return [
        Suggestion(
            "catchall",
            1,
            "If you believe that $SOURCE_BASE_PATH should be allowed $ACCESS access on the "
            "$TARGET_BASE_PATH $TARGET_CLASS by default.",
            "You should report this as a bug.\nYou can generate a local policy module to allow "
            "this access.",
            "Allow this access for now by executing:\n"
            "# ausearch -c '$SOURCE' --raw | audit2allow -M my-$MODULE_NAME\n"
            "# semodule -X 300 -i my-$MODULE_NAME.pp",
        )
    ]


PLUGINS: tuple[Plugin, ...] = (
    _restorecon,
    _file,
    _qemu_file_image,
    _qemu_blk_image,
    _device,
    _catchall_boolean,
    _catchall_labels,
    _catchall,
)


def substitutions(denial: Denial) -> dict[str, str]:
    target = denial.target_path or "Unknown"
    return {
        "SOURCE_PATH": denial.source_path,
        "SOURCE_BASE_PATH": denial.source_path.rsplit("/", 1)[-1],
        "SOURCE": denial.source,
        "TARGET_PATH": target,
        "TARGET_BASE_PATH": target.rsplit("/", 1)[-1] or target,
        "FIX_TARGET_PATH": target,
        "TARGET_CLASS": CLASS_NAMES.get(denial.tclass, denial.tclass),
        "ACCESS": " ".join(denial.perms),
        "MODULE_NAME": re.sub("[^a-zA-Z0-9]", "", denial.source),
    }


def expand(text: str, values: dict[str, str]) -> str:
    """``string.Template``-style ``$NAME`` substitution, longest names first."""
    for name in sorted(values, key=len, reverse=True):
        text = text.replace("$" + name, values[name])
    return text


def analyse(denial: Denial, state: SelinuxState, file_contexts: FileContexts) -> Alert:
    """Every plugin that fires, highest priority first, with its confidence."""
    ctx = _Context(denial, state, file_contexts)
    fired = [s for plugin in PLUGINS for s in plugin(ctx)]
    fired.sort(key=lambda s: -s.priority)  # stable: ties keep plugin order
    total = sum(s.priority for s in fired)
    values = substitutions(denial)
    suggestions = tuple(
        attrs.evolve(
            s,
            if_text=expand(s.if_text, values),
            then_text=expand(s.then_text, values),
            do_text=expand(s.do_text, values),
            confidence=confidence(s.priority, total),
        )
        for s in fired
    )
    return Alert(summary(denial), suggestions)


def plugin_header(suggestion: Suggestion) -> str:
    """``"\n\n*****  Plugin %s (%.4s confidence) suggests   "`` padded with ``*`` to 80
    characters, the two leading newlines included: the visible line is 78 wide."""
    head = f"*****  Plugin {suggestion.plugin} ({suggestion.confidence} confidence) suggests   "
    return head + "*" * max(0, 78 - len(head))
