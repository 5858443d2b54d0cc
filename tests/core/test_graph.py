"""bot.flows.graph: every shipped flow draws to well-formed SVG; unknown flows are refused."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import FlowError
from bot.flows import DialogSet, StateSpec, TransitionSpec, load_dialogs
from bot.flows.graph import render_flow_svg, write_flow_svg
from tests.core.driver import LANGUAGES, REPO

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def dialogs() -> DialogSet:
    return load_dialogs(REPO / "dialogs", LANGUAGES)


def _texts(root: ET.Element) -> str:
    return "\n".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))


SHIPPED_FLOWS = sorted(p.stem for p in (REPO / "dialogs" / "flows").glob("*.yaml"))


@pytest.mark.parametrize("flow", SHIPPED_FLOWS)
def test_every_shipped_flow_renders_to_well_formed_svg(dialogs: DialogSet, flow: str) -> None:
    svg = render_flow_svg(dialogs, flow)
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width", 0)) > 100 and float(root.get("height", 0)) > 100
    texts = _texts(root)
    states = [s for s in dialogs.states.values() if s.flow == flow]
    for spec in states:
        assert spec.name in texts, spec.qualified
    node_ids = {g.get("id") for g in root.iter(f"{SVG}g") if "node" in (g.get("class") or "")}
    assert {s.qualified for s in states} <= node_ids
    assert "initial" in texts and "Global transitions" in texts


def test_edges_to_other_flows_become_exit_nodes(dialogs: DialogSet) -> None:
    root = ET.fromstring(render_flow_svg(dialogs, "family").encode("utf-8"))
    assert "→ handoff.offer" in _texts(root)
    edges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]
    titles = {"".join(g.find(f"{SVG}title").itertext()) for g in edges}  # type: ignore[union-attr]
    assert "family.start → family.signs" in titles
    assert "family.start → exit:handoff.offer:from:family.start" in titles


def test_text_is_escaped(dialogs: DialogSet) -> None:
    odd = 'a<b & "c"'
    spec = StateSpec(flow="odd", name=odd, say=("key<&>",),
                     on=(TransitionSpec("button:x", target="ask.home"),))
    states = {**dialogs.states, f"odd.{odd}": spec}
    weird = replace(dialogs, states=states, initials={**dialogs.initials, "odd": odd})
    root = ET.fromstring(render_flow_svg(weird, "odd").encode("utf-8"))
    texts = _texts(root)
    assert odd in texts and "say: key<&>" in texts


def test_unknown_flow_is_a_clear_error(dialogs: DialogSet) -> None:
    with pytest.raises(FlowError) as err:
        render_flow_svg(dialogs, "nosuchflow")
    message = str(err.value)
    assert "nosuchflow" in message and "welcome" in message and "handoff" in message


def test_write_flow_svg_uses_the_settings(tmp_path: Path) -> None:
    settings = load_settings({}).with_overrides(dialogs_dir=REPO / "dialogs")
    path = write_flow_svg(settings, "crisis", tmp_path / "crisis.svg")
    assert path == tmp_path / "crisis.svg"
    assert "urgent" in path.read_text(encoding="utf-8")
