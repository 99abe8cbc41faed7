"""Every transcript in README.md and docs/*.md is real lab output (issue 11 part 5).

A fenced block that shows a session (a ``$ `` command, or the lab's prompt) must follow
a marker comment saying where it comes from, and the test checks it against that source:

- ``<!-- seclab: session PATH -->``: the block's lines (``$ cmd``, or
  ``[root@ol9-host ~]# cmd``, and output) are a contiguous part of what scenario PATH
  really prints, and PATH passes;
- ``<!-- seclab: file PATH -->``: the block is a contiguous part of the file PATH, which
  passes;
- ``<!-- seclab: commands PATH -->``: the same, with the transcript's expected output left
  out of PATH (a scenario as written before ``seclab run --update``);
- ``<!-- seclab: scenario -->``: the block is a whole scenario file, and it passes;
- ``<!-- seclab: python -->``: the block runs, and each ``# 'value'`` comment is the
  ``repr`` of the expression on the line above it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import attrs
import pytest

from simulator.scenario.runner import ScenarioResult, run_path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))]
MARKER = re.compile(r"^<!-- seclab: (session|file|commands|scenario|python)(?: (\S+))? -->$")
# RHEL's PS1 ``[\u@\h \W]\$ `` as seclab shell prints it (simulator/shell_repl.py).
PROMPT = re.compile(r"^\[root@ol9-host [^\]/]+\]# ")
SESSION_LINE = re.compile(r"^( {2})?\$ |" + PROMPT.pattern)


@attrs.frozen
class Block:
    document: str
    line: int  # of the opening fence
    kind: str | None  # the marker's kind, None without a marker
    source: str | None
    lines: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{self.document}:{self.line}"


def blocks(document: str) -> list[Block]:
    lines = (ROOT / document).read_text(encoding="utf-8").splitlines()
    found = []
    marker: re.Match[str] | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            kind, source = (marker.group(1), marker.group(2)) if marker else (None, None)
            found.append(Block(document, i + 1, kind, source, tuple(lines[i + 1 : end])))
            marker, i = None, end + 1
            continue
        if line.strip():
            assert marker is None, f"{document}:{i}: a seclab marker not followed by a block"
            marker = MARKER.match(line)
            assert marker or not line.startswith("<!-- seclab"), f"{document}:{i + 1}: bad marker"
        i += 1
    return found


ALL_BLOCKS = [block for document in DOCUMENTS for block in blocks(document)]


def _contains(haystack: list[str], needle: list[str]) -> bool:
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack) + 1))


@functools.cache
def _run(source: str) -> ScenarioResult:
    result = run_path(str(ROOT / source))
    assert result.passed, f"{source} fails:\n{result.error or result.diff}"
    return result


def session(result: ScenarioResult) -> list[str]:
    """What the scenario printed, as a terminal shows it: ``$ command`` and the output."""
    out = []
    for step in result.steps:
        first, *more = step.step.command.split("\n")
        out += [f"$ {first}", *(f"> {line}" for line in more), *step.actual]
    return out


def _typed(block: Block) -> list[str]:
    """The block as ``$ command`` lines: an interactive session (the lab's prompt) starts
    with the ``seclab shell ... SCENARIO`` line that opened it, which names the scenario."""
    lines = list(block.lines)
    if not any(PROMPT.match(line) for line in lines):
        return lines
    opening = lines.pop(0)
    assert opening.startswith("$ seclab shell ") and opening.endswith(f" {block.source}"), (
        f"{block.where}: an interactive session starts with '$ seclab shell ... {block.source}'"
    )
    return [PROMPT.sub("$ ", line, count=1) for line in lines]


def _without_output(text: str) -> list[str]:
    out, in_transcript = [], False
    for line in text.splitlines():
        if line.startswith("-- ") and line.endswith(" --"):
            in_transcript = line == "-- transcript --"
        elif in_transcript and line.strip() and not line.startswith(("  $ ", "  > ")):
            continue
        out.append(line)
    return out


def _check_python(block: Block) -> None:
    namespace: dict[str, object] = {}
    previous = ""
    for line in block.lines:
        comment = re.fullmatch(r"# (.*)", line)
        if comment:
            value = eval(previous, namespace)  # the expression the comment shows the value of
            assert repr(value) == comment.group(1), f"{block.where}: {previous} is {value!r}"
            continue
        exec(line.split("  #")[0], namespace)
        previous = line.split("  #")[0]


@pytest.mark.parametrize("block", [b for b in ALL_BLOCKS if b.kind], ids=lambda b: b.where)
def test_documented_transcripts_are_real(block: Block, tmp_path: Path) -> None:
    if block.kind == "python":
        _check_python(block)
        return
    if block.kind == "scenario":
        path = tmp_path / "example.txtar"
        path.write_text("\n".join(block.lines) + "\n")
        result = run_path(str(path))
        assert result.passed, f"{block.where}:\n{result.error or result.diff}"
        return
    assert block.source is not None, f"{block.where}: the marker names no scenario"
    result = _run(block.source)
    if block.kind == "session":
        assert _contains(session(result), _typed(block)), (
            f"{block.where} is not what {block.source} prints:\n" + "\n".join(session(result))
        )
    else:
        text = (ROOT / block.source).read_text(encoding="utf-8")
        lines = text.splitlines() if block.kind == "file" else _without_output(text)
        assert _contains(lines, list(block.lines)), f"{block.where} is not in {block.source}"


def test_every_documented_transcript_is_checked() -> None:
    unmarked = [
        b.where for b in ALL_BLOCKS if b.kind is None and any(map(SESSION_LINE.match, b.lines))
    ]
    assert unmarked == [], "transcripts without a '<!-- seclab: ... -->' marker"


def test_the_workshop_table_is_what_each_step_types() -> None:
    """Each row's commands are typed in its step, and every virsh subcommand a step
    runs is in its row (the table once skipped 'virsh define' in four steps)."""
    text = (ROOT / "docs" / "workshop.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| [0-9:]+ \| (.*?) \| (.*?) \| .* \|$", text, re.MULTILINE)
    assert len(rows) >= 9
    folder = ROOT / "scenarios" / "walkthrough"
    for steps, typed in rows:
        names = re.findall(r"`([0-9][0-9a-z-]+)`", steps)
        if steps == "wrap-up":
            continue
        assert names, f"a workshop row names no step: {steps}"
        shown = [t.replace("\\|", "|") for t in re.findall(r"`([^`]+)`", typed)]
        commands = []
        for name in names:
            result = _run(str((folder / f"{name}.txtar").relative_to(ROOT)))
            commands += [s.step.command for s in result.steps]
        for snippet in shown:
            assert any(snippet in command for command in commands), (
                f"workshop row {names}: `{snippet}` is not typed in the step"
            )
        for command in commands:
            words = command.split()
            if words[:1] == ["virsh"] and len(words) > 1:
                assert any(s.startswith(f"virsh {words[1]}") for s in shown), (
                    f"workshop row {names} leaves out `virsh {words[1]}`"
                )


def test_the_scenario_toml_reference_is_complete() -> None:
    """Every key the loader accepts has a row in writing-scenarios.md's reference."""
    from simulator.scenario.config import FILE_KEYS, TOP_KEYS

    text = (ROOT / "docs" / "writing-scenarios.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", text, re.MULTILINE))
    assert set(TOP_KEYS) - documented == set()
    assert set(FILE_KEYS) - documented == set()
