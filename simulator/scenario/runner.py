"""Running a scenario: build its host, run its transcript, compare, and report.

The only real I/O is reading the scenario file (and writing it back for ``--update``,
which :mod:`simulator.cli` does). Everything else happens on the lab host.
"""

from __future__ import annotations

import difflib
import posixpath
from pathlib import Path

import attrs

from simulator.errors import SeclabError
from simulator.host import Host
from simulator.kernel.inode import ImageInfo, Kind
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.scenario import txtar
from simulator.scenario.config import FileSpec, ScenarioConfig, ScenarioError, parse_config
from simulator.scenario.transcript import (
    Step,
    TranscriptError,
    output_matches,
    parse_transcript,
    strip_trailing_blank,
)
from simulator.shell.syntax import ShellSyntaxError, parse_script

SPECIAL_ENTRIES = ("scenario.toml", "transcript")


@attrs.frozen
class Scenario:
    path: str
    text: str
    title: str
    description: str
    config: ScenarioConfig
    steps: tuple[Step, ...]
    files: tuple[txtar.Entry, ...]


@attrs.frozen
class StepResult:
    step: Step
    actual: tuple[str, ...]
    status: int

    @property
    def passed(self) -> bool:
        return self.status == self.step.status and output_matches(
            self.step.expected, list(self.actual)
        )


@attrs.frozen
class ScenarioResult:
    scenario: Scenario | None
    path: str
    steps: tuple[StepResult, ...] = ()
    error: str | None = None
    host: Host | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def verdict(self) -> str:
        if self.error is not None:
            return "ERROR"
        return "PASS" if all(s.passed for s in self.steps) else "FAIL"

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
        before = [line.rstrip("\n") + "\n" for line in self.scenario.text.splitlines()]
        after = [line.rstrip("\n") + "\n" for line in self.updated_text().splitlines()]
        return "".join(
            difflib.unified_diff(before, after, f"{self.path} (expected)", f"{self.path} (actual)")
        )


def load(path: str, text: str | None = None, *, seed: int | None = None) -> Scenario:
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise ScenarioError(path, 1, f"cannot read scenario: {error.strerror}") from None
        except UnicodeDecodeError as error:
            raise ScenarioError(
                path, 1, f"cannot read scenario: not UTF-8 ({error.reason})"
            ) from None
    archive = txtar.parse(text)
    transcript = archive.entry("transcript")
    if transcript is None:
        raise ScenarioError(path, 1, "missing '-- transcript --' entry")
    toml = archive.entry("scenario.toml")
    config = ScenarioConfig() if toml is None else parse_config(toml.data, path, toml.line + 1)
    if seed is not None:
        config = attrs.evolve(config, seed=seed)
    try:
        steps = parse_transcript(transcript.data, transcript.line + 1)
    except TranscriptError as error:
        raise ScenarioError(path, error.line, str(error)) from None
    for step in steps:
        try:
            parse_script(step.command)
        except ShellSyntaxError as error:
            raise ScenarioError(path, step.line, str(error)) from None
    files = tuple(e for e in archive.entries if e.name not in SPECIAL_ENTRIES)
    for entry in files:
        if ".." in entry.name.split("/"):
            raise ScenarioError(path, entry.line, f"'..' is not allowed in file name {entry.name}")
    lines = archive.comment.splitlines()
    return Scenario(
        path=path,
        text=text,
        title=lines[0] if lines else Path(path).stem,
        description="\n".join(lines[1:]).strip(),
        config=config,
        steps=tuple(steps),
        files=files,
    )


def build_host(scenario: Scenario, state: str | None = None) -> Host:
    """The default host (or a saved state) with the scenario's settings and files in place."""
    config = scenario.config
    if state is None:
        host = Host(seed=config.seed, clock=config.clock, boot_time=config.boot_time)
    else:
        try:
            host = Host.from_json(state)
        except SeclabError as error:
            raise ScenarioError(scenario.path, 1, f"cannot load state: {error}") from None
    host.guest_shutdown_delays.update(config.guests)
    lsm = host.security
    if isinstance(lsm, SelinuxLsm):
        lsm.setenforce(config.enforcing)
        for name, value in config.booleans:
            try:
                lsm.set_boolean(name, value)
            except SeclabError as error:
                raise ScenarioError(scenario.path, 1, f"scenario.toml: {error}") from None
    specs = dict(config.files)
    entries = {_host_path(e.name): e for e in scenario.files}
    for target in sorted(set(entries) | {_host_path(p) for p in specs}):
        entry = entries.get(target)
        spec = specs.get(target) or specs.get(entry.name if entry else "") or FileSpec()
        try:
            _place(host, target, entry.data if entry else "", spec)
        except (OSError, SeclabError) as error:
            line = entry.line if entry else 1
            raise ScenarioError(scenario.path, line, f"cannot create {target}: {error}") from None
    return host


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
    for line in host.read_file(host.shell, database).decode().splitlines():
        fields = line.split(":")
        if fields[0] == name:
            return int(fields[2])
    raise ValueError(f"unknown user or group '{name}'")


def run(scenario: Scenario, state: str | None = None) -> ScenarioResult:
    """Run a scenario on a fresh host, or on ``state`` (JSON from ``lab state --json``)."""
    try:
        host = build_host(scenario, state)
    except ScenarioError as error:
        return ScenarioResult(scenario, scenario.path, error=str(error))
    results = []
    for step in scenario.steps:
        outcome = host.run(step.command)
        actual = tuple(outcome.output.splitlines())
        results.append(StepResult(step, actual, outcome.status))
    return ScenarioResult(scenario, scenario.path, tuple(results), host=host)


def run_path(path: str, *, seed: int | None = None, state: str | None = None) -> ScenarioResult:
    try:
        scenario = load(path, seed=seed)
    except ScenarioError as error:
        return ScenarioResult(None, path, error=str(error))
    return run(scenario, state)


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


def render_updated(text: str, results: tuple[StepResult, ...]) -> str:
    lines = text.splitlines(keepends=True)
    newline = dict(enumerate(lines, start=1))
    replaced: dict[int, list[str]] = {}
    dropped: set[int] = set()
    for result in results:
        if result.passed:
            continue
        step = result.step
        first, last = step.command_end + 1, step.end_line
        comments = [
            newline[n].rstrip("\n")
            for n in range(first, last + 1)
            if not newline[n].startswith("  ") and newline[n].strip()
        ]
        dropped.update(range(first, last + 1))
        replaced[step.command_end] = _expected_lines(result) + comments
    out = []
    for number, line in enumerate(lines, start=1):
        if number not in dropped:
            out.append(line)
        if number in replaced:
            out.extend(item + "\n" for item in replaced[number])
    return "".join(out)
