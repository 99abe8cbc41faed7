"""``scenario.toml``: every key of scenarios.md 1, validated, with errors naming the line."""

from __future__ import annotations

import re
from typing import Any

import attrs

from simulator.errors import SeclabError
from simulator.kernel.clock import BOOT_TIME, CLOCK_START
from simulator.kernel.inode import DeviceNumber
from simulator.scenario import toml_subset
from simulator.selinux.context import SecurityContext
from simulator.system.profiles import DEFAULT_PROFILE, PROFILES

KINDS = ("file", "dir", "block", "char", "symlink")
LATEST = 253402300799  # 9999-12-31T23:59:59Z, the last time RFC 3339 can write
MAX_SIZE = 2**63 - 1  # off_t
MAX_MAJOR, MAX_MINOR = 2**12 - 1, 2**20 - 1  # the kernel's dev_t: MINORBITS 20, 12 bits of major


class ScenarioError(SeclabError):
    """A scenario that cannot run: ``file:line: reason``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.reason = message


@attrs.frozen(repr=False, eq=False)
class FileSpec:
    owner: str | None = None
    mode: int | None = None
    label: str | None = None
    kind: str = "file"
    rdev: DeviceNumber | None = None
    target: str | None = None
    size: int | None = None
    image_format: str | None = None
    image_backing: str | None = None
    line: int = attrs.field(default=0, eq=False)  # its [files."PATH"] line in the .txtar


@attrs.frozen(repr=False, eq=False)
class ScenarioConfig:
    seed: int = 0
    tags: tuple[str, ...] = ()
    profile: str = "ol9"
    clock: int = CLOCK_START
    boot_time: int = BOOT_TIME
    enforcing: bool = True
    booleans: tuple[tuple[str, bool], ...] = ()
    files: tuple[tuple[str, FileSpec], ...] = ()
    start_from: str | None = None  # ``from``: the scenario whose final host this one starts on
    start_from_line: int = 0
    hosts: tuple[str, ...] = ()  # ``hosts``: several hosts, the transcript on the first
    explicit: frozenset[str] = frozenset()  # the top-level keys the file sets
    lines: tuple[tuple[str, int], ...] = attrs.field(default=(), eq=False)  # boolean -> line
    # [guests.NAME]: seconds from system_powerdown until the guest powers off (None: never).
    guests: tuple[tuple[str, int | None], ...] = ()

    def line_of(self, name: str) -> int:
        return dict(self.lines).get(name, 1)


TOP_KEYS: dict[str, type | tuple[type, ...]] = {
    "seed": int,
    "tags": list,
    "profile": str,
    "clock": (str, int),
    "boot_time": int,
    "enforcing": bool,
    "booleans": dict,
    "files": dict,
    "from": str,
    "guests": dict,
    "hosts": list,
}
GUEST_KEYS: dict[str, type] = {"shutdown_delay": int, "acpi": bool}
MAX_SHUTDOWN_DELAY = 86400
FILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "owner": str,
    "mode": str,
    "label": str,
    "kind": str,
    "rdev": str,
    "target": str,
    "size": int,
    "image": dict,
}


def parse_config(text: str, path: str, first_line: int) -> ScenarioConfig:
    def fail(message: str, key: str | None = None) -> ScenarioError:
        line = first_line
        if key is not None:
            for offset, raw in enumerate(text.split("\n")):
                if re.search(rf"(^|[\s.\"{{,]){re.escape(key)}([\s.\"=]|$)", raw):
                    line = first_line + offset
                    break
        return ScenarioError(path, line, message)

    data = toml_subset.loads(text)  # the plain TOML most files are, without importing tomllib
    if data is None:
        data = _tomllib_loads(text, path, first_line)
    for key, value in data.items():
        expected = TOP_KEYS.get(key)
        if expected is None:
            raise fail(f"scenario.toml: unknown key '{key}'", key)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise fail(f"scenario.toml: '{key}' has the wrong type", key)
    seed = data.get("seed", 0)
    if not 0 <= seed < 2**64:
        raise fail("scenario.toml: 'seed' must be 0 to 2^64-1", "seed")
    tags = data.get("tags", [])
    if not all(isinstance(t, str) for t in tags):
        raise fail("scenario.toml: 'tags' must be a list of strings", "tags")
    if data.get("profile", DEFAULT_PROFILE) not in PROFILES:
        raise fail(f"scenario.toml: unknown profile '{data['profile']}'", "profile")
    clock = data.get("clock", CLOCK_START)
    if isinstance(clock, str):
        import datetime  # only a clock written as a time loads it

        try:
            moment = datetime.datetime.fromisoformat(clock.replace("Z", "+00:00"))
        except ValueError:
            raise fail(
                f"scenario.toml: 'clock' is not an RFC 3339 time: {clock}", "clock"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        clock = int(moment.timestamp())
    if not 0 <= clock <= LATEST:
        raise fail("scenario.toml: 'clock' must be in 1970 to 9999", "clock")
    boot_time = data.get("boot_time", BOOT_TIME if "clock" not in data else clock - 3600)
    if not 0 <= boot_time <= clock:
        raise fail("scenario.toml: 'boot_time' must be from 1970 up to 'clock'", "boot_time")
    booleans = data.get("booleans", {})
    for name, value in booleans.items():
        if not isinstance(value, bool):
            raise fail(f"scenario.toml: boolean '{name}' must be true or false", name)
    files = []
    for file_path, spec in data.get("files", {}).items():
        if not isinstance(spec, dict):
            raise fail(f'scenario.toml: files."{file_path}" must be a table', file_path)
        line = fail("", file_path).line
        files.append((file_path, attrs.evolve(_file_spec(spec, file_path, fail), line=line)))
    start_from = data.get("from")
    if start_from is not None and (not start_from or "\0" in start_from):
        raise fail("scenario.toml: 'from' must name a scenario file", "from")
    guests = [(name, _guest(spec, name, fail)) for name, spec in data.get("guests", {}).items()]
    hosts = data.get("hosts", [])
    if "hosts" in data:  # only a scenario of several hosts loads the network's model
        from simulator.network import MAX_HOSTS, valid_hostname

        if not all(isinstance(h, str) and valid_hostname(h) for h in hosts):
            raise fail("scenario.toml: 'hosts' must be a list of host names", "hosts")
        if len(set(hosts)) != len(hosts) or not 1 < len(hosts) <= MAX_HOSTS:
            raise fail(
                f"scenario.toml: 'hosts' must name 2 to {MAX_HOSTS} different hosts", "hosts"
            )
    if hosts and "from" in data:
        raise fail("scenario.toml: not modelled: 'from' with several 'hosts'", "from")
    return ScenarioConfig(
        seed=seed,
        hosts=tuple(hosts),
        tags=tuple(tags),
        profile=data.get("profile", DEFAULT_PROFILE),
        clock=clock,
        boot_time=boot_time,
        enforcing=data.get("enforcing", True),
        booleans=tuple(sorted(booleans.items())),
        files=tuple(files),
        start_from=start_from,
        start_from_line=fail("", "from").line if start_from is not None else 0,
        explicit=frozenset(data),
        lines=tuple((name, fail("", name).line) for name in booleans),
        guests=tuple(sorted(guests)),
    )


def _tomllib_loads(text: str, path: str, first_line: int) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except RecursionError:
        raise ScenarioError(path, first_line, "scenario.toml: nested too deeply") from None
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        line = first_line + int(match.group(1)) - 1 if match else first_line
        raise ScenarioError(path, line, f"scenario.toml: {error}") from None
    except ValueError:  # int(): Python reads no integer of more than sys.int_max_str_digits
        digits = re.search(r"[0-9_]{4301}", text)
        line = first_line + text.count("\n", 0, digits.start()) if digits else first_line
        raise ScenarioError(path, line, "scenario.toml: an integer is too long") from None


def _guest(spec: Any, name: str, fail: Any) -> int | None:
    """``[guests.NAME]``: ``shutdown_delay = N`` seconds (default 3), ``acpi = false`` for a
    guest that ignores the power button until ``virsh destroy``."""
    if not isinstance(spec, dict):
        raise fail(f'scenario.toml: guests."{name}" must be a table', name)
    for key, value in spec.items():
        expected = GUEST_KEYS.get(key)
        if expected is None:
            raise fail(f"scenario.toml: unknown key '{key}' in guests.{name}", key)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise fail(f"scenario.toml: '{key}' has the wrong type", key)
    delay = spec.get("shutdown_delay", 3)
    if not 0 <= delay <= MAX_SHUTDOWN_DELAY:
        raise fail(
            f"scenario.toml: 'shutdown_delay' must be 0 to {MAX_SHUTDOWN_DELAY}", "shutdown_delay"
        )
    return delay if spec.get("acpi", True) else None


def _file_spec(spec: dict[str, Any], file_path: str, fail: Any) -> FileSpec:
    for key, value in spec.items():
        expected = FILE_KEYS.get(key)
        if expected is None:
            raise fail(f"scenario.toml: unknown key '{key}' for {file_path}", key)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise fail(f"scenario.toml: '{key}' of {file_path} has the wrong type", key)
    owner = spec.get("owner")
    if owner is not None and not re.fullmatch(r"[\w.-]+:[\w.-]+", owner):
        raise fail(f"scenario.toml: bad owner '{owner}' for {file_path}", "owner")
    mode = spec.get("mode")
    if mode is not None and not re.fullmatch(r"0?[0-7]{3,4}", mode):
        raise fail(f"scenario.toml: bad mode '{mode}' for {file_path}", "mode")
    label = spec.get("label")
    if label is not None:
        try:
            SecurityContext.parse(label)
        except ValueError as error:
            raise fail(f"scenario.toml: bad label for {file_path}: {error}", "label") from None
    kind = spec.get("kind", "file")
    if kind not in KINDS:
        raise fail(f"scenario.toml: bad kind '{kind}' for {file_path}", "kind")
    rdev = None
    if "rdev" in spec:
        try:
            rdev = DeviceNumber.parse(spec["rdev"])
        except ValueError:
            raise fail(
                f"scenario.toml: bad rdev '{spec['rdev']}' for {file_path}", "rdev"
            ) from None
    if rdev is not None and (rdev.major > MAX_MAJOR or rdev.minor > MAX_MINOR):
        raise fail(f"scenario.toml: bad rdev '{spec['rdev']}' for {file_path}", "rdev")
    if kind in ("block", "char") and rdev is None:
        raise fail(f"scenario.toml: {file_path} needs an rdev", "kind")
    if kind == "symlink" and "target" not in spec:
        raise fail(f"scenario.toml: {file_path} needs a target", "kind")
    size = spec.get("size")
    if size is not None and not 0 <= size <= MAX_SIZE:
        raise fail(f"scenario.toml: bad size {size} for {file_path}", "size")
    image = spec.get("image", {})
    for key, value in image.items():
        if key not in ("format", "backing"):
            raise fail(f"scenario.toml: unknown key '{key}' in image of {file_path}", key)
        if not isinstance(value, str):
            raise fail(f"scenario.toml: image {key} of {file_path} must be a string", key)
    return FileSpec(
        owner=owner,
        mode=None if mode is None else int(mode, 8),
        label=label,
        kind=kind,
        rdev=rdev,
        target=spec.get("target"),
        size=size,
        image_format=image.get("format"),
        image_backing=image.get("backing"),
    )
