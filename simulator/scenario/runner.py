"""Running a scenario: build its host, run its transcript, compare, and report.

The only real I/O is reading the scenario file (and writing it back for ``--update``,
which :mod:`simulator.cli` does). Everything else happens on the lab host.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

import attrs

from simulator.errors import SeclabError
from simulator.host import Host
from simulator.kernel.inode import ImageInfo, Kind
from simulator.reprs import attrs_repr
from simulator.scenario import txtar
from simulator.scenario.config import FileSpec, ScenarioConfig, ScenarioError, parse_config
from simulator.scenario.deadline import DEFAULT_TIMEOUT, ScenarioTimeout, deadline
from simulator.scenario.paths import pure_path
from simulator.scenario.transcript import (
    Step,
    TranscriptError,
    output_matches,
    parse_transcript,
    strip_trailing_blank,
)
from simulator.shell.syntax import ShellSyntaxError, parse_script
from simulator.system import accounts
from simulator.system.libselinux import is_selinux_enabled, security_setenforce, set_boolean

if TYPE_CHECKING:
    from simulator.network import Network

SPECIAL_ENTRIES = ("scenario.toml", "transcript")
MAX_CHAIN = 64  # scenarios in one ``from`` chain


@attrs.frozen(repr=False, eq=False)
class Scenario:
    path: str
    text: str
    title: str
    description: str
    config: ScenarioConfig
    steps: tuple[Step, ...]
    files: tuple[txtar.Entry, ...]
    seed_override: int | None = None
    profile_override: str | None = None  # ``seclab run --profile``


@attrs.frozen(repr=False, eq=False)
class StepResult:
    step: Step
    actual: tuple[str, ...]
    status: int

    @property
    def passed(self) -> bool:
        return self.status == self.step.status and output_matches(
            self.step.expected, list(self.actual)
        )


@attrs.frozen(eq=False, repr=False)
class ScenarioResult:
    __repr__ = attrs_repr  # the text attrs would print, without compiling it at import

    scenario: Scenario | None
    path: str
    steps: tuple[StepResult, ...] = ()
    error: str | None = None
    host: Host | None = attrs.field(default=None, eq=False, repr=False)
    timeout: str | None = None  # ``file:line: ...`` of the command it was on

    @property
    def verdict(self) -> str:
        if self.error is not None:
            return "ERROR"
        if self.timeout is not None:
            return "TIMEOUT"
        return "PASS" if all(s.passed for s in self.steps) else "FAIL"

    @property
    def failed_steps(self) -> tuple[StepResult, ...]:
        return tuple(s for s in self.steps if not s.passed)

    @property
    def passed(self) -> bool:
        return self.verdict == "PASS"

    def updated_text(self) -> str:
        """The scenario file with expected output replaced by actual output (``--update``)."""
        assert self.scenario is not None
        return render_updated(self.scenario.text, self.steps)

    @property
    def diff(self) -> str:
        """A unified diff whose line numbers point into the ``.txtar`` file."""
        if self.scenario is None or self.verdict != "FAIL":
            return ""
        # difflib is imported only when a scenario fails, not on every run
        from simulator.scenario.diff import replacement_opcodes, unified_diff

        before = txtar.lines(self.scenario.text)
        changes = replacements(before, self.steps)
        after = _apply(before, changes)
        opcodes = replacement_opcodes(len(before), changes)
        names = (f"{self.path} (expected)", f"{self.path} (actual)")
        return unified_diff(before, after, opcodes, names)


def _stem(path: str) -> str:
    from pathlib import Path  # only a scenario without a title needs it

    return Path(path).stem


def load(
    path: str, text: str | None = None, *, seed: int | None = None, profile: str | None = None
) -> Scenario:
    if text is None:
        try:
            # Path(path).read_text, without loading pathlib
            with open(pure_path(path), encoding="utf-8") as file:  # noqa: PTH123
                text = file.read()
        except OSError as error:
            raise ScenarioError(path, 1, f"cannot read scenario: {error.strerror}") from None
        except UnicodeDecodeError as error:
            raw = error.object[: error.start]
            line = raw.count(b"\n") + 1
            byte = error.object[error.start]
            raise ScenarioError(path, line, f"not UTF-8: byte 0x{byte:02x}") from None
    archive = txtar.parse(text)
    seen: set[str] = set()
    for entry in archive.entries:
        if entry.name in seen:
            raise ScenarioError(path, entry.line, f"duplicate section '-- {entry.name} --'")
        seen.add(entry.name)
    transcript = archive.entry("transcript")
    if transcript is None:
        raise ScenarioError(path, 1, "missing '-- transcript --' entry")
    toml = archive.entry("scenario.toml")
    config = ScenarioConfig() if toml is None else parse_config(toml.data, path, toml.line + 1)
    if seed is not None:
        config = attrs.evolve(config, seed=seed)
    if profile is not None:
        config = attrs.evolve(config, profile=profile)
    try:
        steps = parse_transcript(transcript.data, transcript.line + 1)
    except TranscriptError as error:
        raise ScenarioError(path, error.line, str(error)) from None
    for step in steps:
        try:
            parse_script(step.command)
        except ShellSyntaxError as error:
            raise ScenarioError(path, step.line, str(error)) from None
        except RecursionError:
            raise ScenarioError(path, step.line, "the command is nested too deeply") from None
        except Exception as error:  # a bug in the shell's parser: this scenario's error
            problem = f"internal error in the lab's shell parser ({type(error).__name__})"
            raise ScenarioError(path, step.line, problem) from None
    files = tuple(e for e in archive.entries if e.name not in SPECIAL_ENTRIES)
    for entry in files:
        if ".." in entry.name.split("/"):
            raise ScenarioError(path, entry.line, f"'..' is not allowed in file name {entry.name}")
        if "\0" in entry.name:
            raise ScenarioError(path, entry.line, "a file name cannot hold a NUL byte")
    lines = txtar.lines(archive.comment)
    return Scenario(
        path=path,
        text=text,
        title=lines[0] if lines else _stem(path),
        description="\n".join(lines[1:]).strip(),
        config=config,
        steps=tuple(steps),
        files=files,
        seed_override=seed,
        profile_override=profile,
    )


def build_host(scenario: Scenario, state: str | None = None) -> Host:
    """The default host (or a saved state) with the scenario's settings and files in place.

    On a saved state only the settings the file names are applied: a state carries its own
    seed, clock, mode and booleans. With ``hosts`` the scenario's hosts are built on one
    network and the first is returned (its ``network`` reaches the others)."""
    config = scenario.config
    if config.hosts:
        return _build_network(scenario, state).first
    if state is None:
        host = Host(
            seed=config.seed,
            clock=config.clock,
            boot_time=config.boot_time,
            profile=config.profile,
        )
    else:
        try:
            host = Host.from_json(state)
        except RecursionError:
            raise ScenarioError(scenario.path, 1, "cannot load state: nested too deeply") from None
        except Exception as error:  # a state file is user input: any failure is its error
            raise ScenarioError(scenario.path, 1, f"cannot load state: {error}") from None
        wanted = config.profile
        if host.profile.name != wanted and (
            "profile" in config.explicit or scenario.profile_override is not None
        ):
            raise ScenarioError(
                scenario.path,
                1,
                f"cannot load state: it is an {host.profile.name} host, not {wanted}",
            )
    _configure(scenario, host, state, scenario.files, config.files)
    return host


def _build_network(scenario: Scenario, state: str | None) -> Network:
    config = scenario.config
    if state is not None or config.start_from is not None:
        line = config.start_from_line or 1
        raise ScenarioError(scenario.path, line, "not modelled: a saved state of several hosts")
    from simulator.network import Network  # only a scenario of several hosts loads it

    network = Network(
        config.hosts, seed=config.seed, clock=config.clock, boot_time=config.boot_time
    )
    entries: dict[str, list[txtar.Entry]] = {name: [] for name in config.hosts}
    specs: dict[str, list[tuple[str, FileSpec]]] = {name: [] for name in config.hosts}
    first = config.hosts[0]
    for entry in scenario.files:
        name, path = _split_host(scenario, entry.name, entry.line, first)
        entries[name].append(attrs.evolve(entry, name=path))
    for spec_path, spec in config.files:
        name, path = _split_host(scenario, spec_path, spec.line or 1, first)
        specs[name].append((path, spec))
    for name, host in network.hosts.items():
        _configure(scenario, host, None, tuple(entries[name]), tuple(specs[name]))
    return network


def _split_host(scenario: Scenario, name: str, line: int, first: str) -> tuple[str, str]:
    """``kvm2:/etc/libvirt/qemu.conf`` -> ("kvm2", "/etc/libvirt/qemu.conf"); no prefix:
    the first host."""
    prefix, colon, path = name.partition(":")
    if not colon or "/" in prefix:
        return first, name
    if prefix not in scenario.config.hosts:
        raise ScenarioError(scenario.path, line, f"{name}: no host '{prefix}' in 'hosts'")
    return prefix, path


def _configure(
    scenario: Scenario,
    host: Host,
    state: str | None,
    files: tuple[txtar.Entry, ...],
    file_specs: tuple[tuple[str, FileSpec], ...],
) -> None:
    config = scenario.config
    host.guest_shutdown_delays.update(config.guests)
    if is_selinux_enabled(host.kernel):
        if state is None or "enforcing" in config.explicit:
            security_setenforce(host.kernel, host.shell, config.enforcing)
        for name, value in config.booleans:
            try:
                set_boolean(host.kernel, name, value)
                host.userspace.persistent_booleans[name] = value  # the host as configured
            except SeclabError as error:
                line = config.line_of(name)
                raise ScenarioError(scenario.path, line, f"scenario.toml: {error}") from None
    specs = dict(file_specs)
    entries = {_host_path(e.name): e for e in files}
    for target in sorted(set(entries) | {_host_path(p) for p in specs}):
        entry = entries.get(target)
        spec = specs.get(target) or specs.get(entry.name if entry else "") or FileSpec()
        try:
            _place(host, target, entry.data if entry else "", spec)
        except (OSError, SeclabError) as error:
            line = entry.line if entry else spec.line or 1
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            raise ScenarioError(scenario.path, line, f"cannot create {target}: {reason}") from None
        except _UnknownName as error:
            raise ScenarioError(
                scenario.path, spec.line or 1, f"scenario.toml: {target}: {error}"
            ) from None


class _UnknownName(Exception):
    """An owner that is not in the host's ``/etc/passwd`` or ``/etc/group``."""


def _host_path(name: str) -> str:
    return name if name.startswith("/") else posixpath.join("/root", name)


def _place(host: Host, path: str, data: str, spec: FileSpec) -> None:
    """Create one file as the root shell would (host.md "New files"), then apply the spec."""
    shell = host.shell
    parent = posixpath.dirname(path)
    parts = [p for p in parent.split("/") if p]
    for i in range(len(parts)):
        prefix = "/" + "/".join(parts[: i + 1])
        try:
            host.lstat(shell, prefix)
        except OSError:
            host.mkdir(shell, prefix)
    if spec.kind == "dir":
        host.mkdir(shell, path)
    elif spec.kind == "symlink":
        assert spec.target is not None
        host.symlink(shell, spec.target, path)
    elif spec.kind in ("block", "char"):
        host.mknod(shell, path, Kind.BLOCK if spec.kind == "block" else Kind.CHAR, 0o660, spec.rdev)
    else:
        host.write_file(shell, path, data.encode())
    follow = spec.kind != "symlink"
    if spec.owner is not None:
        user, _, group = spec.owner.partition(":")
        uid = _id(host, "/etc/passwd", user)
        gid = _id(host, "/etc/group", group)
        host.chown(shell, path, uid, gid, follow=follow)
    if spec.mode is not None and follow:
        host.chmod(shell, path, spec.mode)
    if spec.label is not None:
        host.setfilecon(shell, path, spec.label, follow=follow)
    if spec.size is not None:
        host.truncate(shell, path, spec.size)
    if spec.image_format is not None:
        host.set_image(
            shell,
            path,
            ImageInfo(spec.image_format, spec.image_backing, None, spec.size or len(data)),
        )


def _id(host: Host, database: str, name: str) -> int:
    if name.isdigit():
        return int(name)
    found = accounts.id_of(host.read_file(host.shell, database).decode(), name)
    if found is None:
        kind = "user" if database == "/etc/passwd" else "group"
        raise _UnknownName(f"no {kind} '{name}' in {database}")
    return found


@attrs.define(repr=False, eq=False)
class _Progress:
    """Where a run is, so a timeout can say which command it was on."""

    path: str
    line: int = 1
    command: str = ""


def run(
    scenario: Scenario, state: str | None = None, *, timeout: float | None = None
) -> ScenarioResult:
    """Run a scenario on a fresh host, on ``state`` (JSON from ``lab state --json``), or
    on the host its ``from`` scenario leaves; ``timeout`` bounds the wall-clock time."""
    progress = _Progress(scenario.path)
    try:
        with deadline(timeout):
            return _run(scenario, state, progress, ())
    except ScenarioTimeout:
        command = progress.command.split("\n", 1)[0]
        where = f"{progress.path}:{progress.line}"
        message = f"{where}: timed out after {timeout:g} s" + (f" on: {command}" if command else "")
        return ScenarioResult(scenario, scenario.path, timeout=message)


def _run(
    scenario: Scenario, state: str | None, progress: _Progress, chain: tuple[str, ...]
) -> ScenarioResult:
    path = scenario.path
    try:
        if scenario.config.start_from is not None:
            state = _state_from(scenario, state, progress, chain)
    except ScenarioError as error:
        return ScenarioResult(scenario, path, error=str(error))
    return _run_on(scenario, state, progress)


def _run_on(scenario: Scenario, state: str | None, progress: _Progress) -> ScenarioResult:
    """Run the transcript on the default host or ``state``, ignoring ``from``."""
    path = scenario.path
    progress.path, progress.line, progress.command = path, 1, ""
    try:
        host = build_host(scenario, state)
    except ScenarioError as error:
        return ScenarioResult(scenario, path, error=str(error))
    except RecursionError:
        return ScenarioResult(scenario, path, error=f"{path}:1: the host is nested too deeply")
    except Exception as error:  # a model bug while setting up: this scenario's error
        problem = f"internal error in the lab while setting up the host ({type(error).__name__})"
        return ScenarioResult(scenario, path, error=f"{path}:1: {problem}")
    results = []
    for step in scenario.steps:
        progress.path, progress.line, progress.command = path, step.line, step.command
        try:
            outcome = host.run(step.command)
        except RecursionError:
            problem = "the command is nested too deeply"
            return ScenarioResult(scenario, path, error=f"{path}:{step.line}: {problem}")
        except MemoryError:
            problem = "the command ran out of memory"
            return ScenarioResult(scenario, path, error=f"{path}:{step.line}: {problem}")
        except Exception as error:  # a model bug: this scenario's error, not the run's end
            problem = f"internal error in the lab ({type(error).__name__})"
            return ScenarioResult(scenario, path, error=f"{path}:{step.line}: {problem}")
        if host.network is not None:
            host.network.sync_clocks()
        actual = tuple(txtar.lines(outcome.output))
        results.append(StepResult(step, actual, outcome.status))
    return ScenarioResult(scenario, path, tuple(results), host=host)


def setup(scenario: Scenario, state: str | None = None) -> Host:
    """The host as it is before the transcript's first command (``seclab shell
    --setup-only``): the default host, ``state``, or what the ``from`` chain leaves, with
    this scenario's settings and files in place. Raises :class:`ScenarioError`."""
    if scenario.config.start_from is not None:
        with deadline(DEFAULT_TIMEOUT):
            state = _state_from(scenario, state, _Progress(scenario.path), ())
    return build_host(scenario, state)


# Final states of ``from`` scenarios already run in this process, by file, text, seed and
# starting state: a chain of N workshop steps runs each step once, not N times.
_STATES: dict[tuple[str, str, int | None, str | None, str | None], str] = {}


def _state_from(
    scenario: Scenario, state: str | None, progress: _Progress, chain: tuple[str, ...]
) -> str:
    """The JSON state the scenario named by ``from`` leaves."""
    config = scenario.config
    assert config.start_from is not None
    line = config.start_from_line
    from pathlib import Path  # only a ``from`` chain needs it

    here = str(Path(scenario.path).resolve())
    target = Path(scenario.path).parent / config.start_from
    resolved = str(target.resolve())
    if resolved in (*chain, here):
        names = [Path(p).name for p in (*chain, here, resolved)]
        raise ScenarioError(scenario.path, line, "'from' makes a cycle: " + " -> ".join(names))
    if len(chain) >= MAX_CHAIN:
        raise ScenarioError(scenario.path, line, f"'from' chain longer than {MAX_CHAIN}")
    try:
        previous = load(str(target), seed=scenario.seed_override, profile=scenario.profile_override)
    except ScenarioError as error:
        raise ScenarioError(scenario.path, line, f"from: {error}") from None
    if previous.config.start_from is not None:
        try:
            state = _state_from(previous, state, progress, (*chain, here))
        except ScenarioError as error:
            raise ScenarioError(scenario.path, line, f"from: {error}") from None
    import hashlib  # only a ``from`` chain needs it

    digest = hashlib.sha256(state.encode()).hexdigest() if state is not None else None
    key = (resolved, previous.text, scenario.seed_override, digest, scenario.profile_override)
    if key not in _STATES:
        result = _run_on(previous, state, progress)
        if result.host is None:
            raise ScenarioError(scenario.path, line, f"from: {result.error}")
        if len(_STATES) > 256:
            _STATES.clear()
        _STATES[key] = result.host.snapshot().to_json()
    return _STATES[key]


def run_path(
    path: str,
    *,
    seed: int | None = None,
    state: str | None = None,
    timeout: float | None = None,
    profile: str | None = None,
) -> ScenarioResult:
    try:
        scenario = load(path, seed=seed, profile=profile)
    except ScenarioError as error:
        return ScenarioResult(None, path, error=str(error))
    return run(scenario, state, timeout=timeout)


# -- --update -----------------------------------------------------------------------------------


def _needs_escape(line: str) -> bool:
    return any(ord(c) < 32 and c != "\t" for c in line) or line.endswith(
        (" (re)", " (glob)", " (esc)")
    )


def _expected_lines(result: StepResult) -> list[str]:
    """New expected lines: keep (re)/(glob)/(esc) lines that still match."""
    out = []
    expected = result.step.expected
    for index, line in enumerate(strip_trailing_blank(list(result.actual))):
        old = expected[index] if index < len(expected) else None
        if old is not None and old.kind != "literal" and old.matches(line):
            out.append(f"  {old.source()}")
        elif _needs_escape(line):
            escaped = line.encode("unicode_escape").decode()
            out.append(f"  {escaped} (esc)")
        else:
            out.append(f"  {line}" if line else "")
    if result.status != 0:
        out.append(f"  [{result.status}]")
    return out


def replacements(
    lines: list[str], results: tuple[StepResult, ...]
) -> list[tuple[int, int, list[str], list[str]]]:
    """For each failing command, its expected-output lines (0-based ``start:end`` of
    ``lines``) and what ``--update`` writes there instead."""
    out = []
    for result in results:
        if result.passed:
            continue
        start, end = result.step.command_end, result.step.end_line
        out.append((start, end, lines[start:end], _expected_lines(result)))
    return out


def _apply(lines: list[str], changes: list[tuple[int, int, list[str], list[str]]]) -> list[str]:
    out: list[str] = []
    done = 0
    for start, end, _, new in changes:
        out += lines[done:start]
        out += new
        done = end
    return out + lines[done:]


def render_updated(text: str, results: tuple[StepResult, ...]) -> str:
    lines = txtar.lines(text)
    out = _apply(lines, replacements(lines, results))
    return "".join(line + "\n" for line in out)
