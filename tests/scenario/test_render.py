"""Handouts: Markdown and a self-contained HTML page with every command and output line."""

from __future__ import annotations

import html.parser
from pathlib import Path

from simulator.cli import main
from simulator.scenario.render import to_html, to_markdown
from simulator.scenario.runner import run_path

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "walkthrough" / "03-static-relabel-no-denied.txtar"


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [v or "" for k, v in attrs if k in ("src", "href")]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_holds_every_command_and_output_line() -> None:
    result = run_path(str(SCENARIO))
    page = to_html(result)
    parser = _Text()
    parser.feed(page)
    text = "".join(parser.text)
    for step in result.steps:
        assert step.step.command in text
        for line in step.actual:
            assert line in text
    assert "style" in parser.tags
    assert parser.links == []  # self-contained
    assert "MCS" in text or "no allow rule" in text  # the denial is explained


def test_markdown_and_cli(tmp_path: Path) -> None:
    result = run_path(str(SCENARIO))
    text = to_markdown(result)
    assert text.startswith("# Static label, relabel='no'")
    assert "[root@ol9-host ~]# virsh start web" in text
    assert main(["render", str(SCENARIO), "--format", "html", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "03-static-relabel-no-denied.html").read_text().startswith("<!DOCTYPE html>")
