"""Draw one flow of a DialogSet as a self-contained SVG diagram (no Graphviz needed)."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as _escape

from bot.errors import FlowError, Problem
from bot.flows.loader import load_dialogs
from bot.flows.model import ActionSpec, DialogSet, StateSpec, TransitionSpec

if TYPE_CHECKING:
    from bot.config import Settings

FONT = "Segoe UI, Helvetica, Arial, sans-serif"
CHAR_W = 7.0  # estimated width of one character at 12 px
SMALL_W = 6.2  # ... at 11 px
LINE_H = 15.0
PAD = 10.0
H_GAP = 46.0
V_GAP = 110.0
MARGIN = 40.0
MAX_LINE = 46  # characters before a detail line is shortened
COLORS = {
    "state": ("#ffffff", "#4a5568"),
    "checkpoint": ("#eef7ee", "#2f7d32"),
    "system": ("#f1f1f4", "#6b6b80"),
    "exit": ("#e8f1fb", "#2b6cb0"),
}


def _x(text: object) -> str:
    """Text escaped for XML content and attribute values."""
    return _escape(str(text), {'"': "&quot;", "'": "&apos;"})


def _short(text: str, limit: int = MAX_LINE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _arg(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _actions(actions: Sequence[ActionSpec]) -> str:
    return ", ".join(a.name if a.arg is None else f"{a.name}: {_arg(a.arg)}" for a in actions)


def _trigger_label(t: TransitionSpec) -> str:
    label = t.trigger
    if t.when:
        label += f" [{t.when}]"
    if t.after is not None:
        label += f" (after {t.after})"
    return label


@dataclass
class _Node:
    id: str
    title: str
    lines: list[str]
    kind: str  # state | checkpoint | system | exit
    initial: bool = False
    layer: int = 0
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0
    tags: list[str] = field(default_factory=list)

    def size(self) -> None:
        title_w = len(self.title) * (CHAR_W + 0.6)
        widths = [title_w] + [len(line) * SMALL_W for line in self.lines]
        if self.tags:
            widths.append(len(" · ".join(self.tags)) * SMALL_W)
        self.w = max(widths) + 2 * PAD
        rows = 1 + len(self.lines) + (1 if self.tags else 0)
        self.h = rows * LINE_H + 2 * PAD - 2


@dataclass
class _Edge:
    source: str
    target: str
    labels: list[str]


def _wrapped(prefix: str, items: Sequence[str]) -> list[str]:
    """``prefix`` and the items, comma-separated, wrapped (not cut) at MAX_LINE characters."""
    lines: list[str] = []
    current = prefix
    for item in items:
        if current.strip() != prefix.strip() and len(current) + len(item) + 2 > MAX_LINE:
            lines.append(current + ",")
            current = " " * 4 + item
        elif current.strip() == prefix.strip():
            current += item
        else:
            current += ", " + item
    return lines + [current] if items else []


def _state_node(spec: StateSpec, initial: bool, entered_by: Sequence[str]) -> _Node:
    lines: list[str] = []
    lines += _wrapped("⇠ global: ", entered_by)
    if spec.actions:
        lines.append(_short("do: " + _actions(spec.actions)))
    if spec.say:
        lines.append(_short("say: " + ", ".join(spec.say)))
    buttons = [b.id for row in spec.buttons for b in row]
    if buttons:
        lines.append(_short("buttons: " + ", ".join(buttons)))
    for t in spec.on:
        if t.target is None:
            what = _actions(t.actions) or "nothing"
            lines.append(_short(f"↻ {_trigger_label(t)}: {what}"))
    kind = "system" if spec.system else "checkpoint" if spec.checkpoint else "state"
    tags = [tag for tag, on in (("initial", initial), ("checkpoint", spec.checkpoint),
                                ("system", spec.system)) if on]
    node = _Node(spec.qualified, spec.name, lines, kind, initial, tags=tags)
    node.size()
    return node


def _flow_graph(dialogs: DialogSet, flow: str) -> tuple[dict[str, _Node], list[_Edge]]:
    specs = {n: s for n, s in dialogs.states.items() if s.flow == flow}
    initial = dialogs.entry(flow)
    entered_by: dict[str, list[str]] = {}
    for t in dialogs.global_on:
        if t.target:
            entered_by.setdefault(dialogs.resolve(t.target, ""), []).append(t.trigger)
    nodes = {name: _state_node(spec, name == initial, entered_by.get(name, []))
             for name, spec in specs.items()}
    grouped: dict[tuple[str, str], list[str]] = {}
    for name, spec in specs.items():
        outgoing = [(t.target, _trigger_label(t) + (f" / {_actions(t.actions)}"
                                                    if t.actions else ""))
                    for t in spec.on if t.target]
        if spec.next:
            outgoing.append((spec.next, "next (automatic)"))
        for target, label in outgoing:
            dest = dialogs.resolve(target, flow)
            if dest not in specs:  # one exit pill per source keeps every such edge short
                exit_id = f"exit:{dest}:from:{name}"
                if exit_id not in nodes:
                    node = _Node(exit_id, f"→ {dest}", [], "exit")
                    node.size()
                    nodes[exit_id] = node
                dest = exit_id
            grouped.setdefault((name, dest), []).append(_short(label, 54))
    edges = [_Edge(s, t, labels) for (s, t), labels in grouped.items()]
    _assign_layers(nodes, edges, [initial] + [n for n in specs if n != initial])
    return nodes, edges


def _assign_layers(nodes: dict[str, _Node], edges: list[_Edge], roots: list[str]) -> None:
    """Breadth-first from the initial state; states it never reaches start new BFS roots."""
    children: dict[str, list[str]] = {}
    for e in edges:
        children.setdefault(e.source, []).append(e.target)
    seen: set[str] = set()
    for root in roots:
        if root in seen:
            continue
        if root != roots[0] and not any(line.startswith("⇠") for line in nodes[root].lines):
            nodes[root].tags.append("entered from outside this flow")
            nodes[root].size()
        nodes[root].layer = 0 if root == roots[0] else max(
            [n.layer for n in nodes.values() if n.id in seen] or [0]) + 1
        seen.add(root)
        queue = deque([root])
        while queue:
            current = queue.popleft()
            for child in children.get(current, []):
                if child not in seen:
                    seen.add(child)
                    nodes[child].layer = nodes[current].layer + 1
                    queue.append(child)


def _place(nodes: dict[str, _Node], edges: list[_Edge]) -> tuple[float, float]:
    layers: dict[int, list[_Node]] = {}
    for node in nodes.values():
        layers.setdefault(node.layer, []).append(node)
    parents: dict[str, list[str]] = {}
    for e in edges:
        if e.source != e.target:
            parents.setdefault(e.target, []).append(e.source)
    width = 0.0
    y = MARGIN
    for layer in sorted(layers):
        row = layers[layer]
        if layer > 0:  # barycenter ordering against the layers above: fewer crossings
            row.sort(key=lambda n, lay=layer: (_center(nodes, parents, n, lay), n.kind == "exit"))
        x = MARGIN
        for node in row:
            node.x, node.y = x, y
            x += node.w + H_GAP
        width = max(width, x - H_GAP + MARGIN)
        y += max(n.h for n in row) + V_GAP
    for row in layers.values():  # centre each row
        row_w = row[-1].x + row[-1].w - row[0].x
        shift = (width - 2 * MARGIN - row_w) / 2
        for node in row:
            node.x += shift
    return width, y - V_GAP + MARGIN


def _center(nodes: dict[str, _Node], parents: dict[str, list[str]], node: _Node,
            layer: int) -> float:
    above = [nodes[p] for p in parents.get(node.id, []) if nodes[p].layer < layer]
    return (sum(p.x + p.w / 2 for p in above) / len(above)) if above else 1e9


def _text(x: float, y: float, text: str, size: int = 12, weight: str = "normal",
          anchor: str = "start", fill: str = "#1a202c") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" '
            f'text-anchor="{anchor}" fill="{fill}">{_x(text)}</text>')


def _draw_node(node: _Node) -> list[str]:
    fill, stroke = COLORS[node.kind]
    out = [f'<g class="node {node.kind}" id="{_x(node.id)}">',
           f"<title>{_x(node.id)}</title>"]
    radius = node.h / 2 if node.kind == "exit" else 9
    dash = ' stroke-dasharray="5 3"' if node.kind in ("system", "exit") else ""
    width = 3 if node.initial else 1.5
    out.append(f'<rect x="{node.x:.1f}" y="{node.y:.1f}" width="{node.w:.1f}" '
               f'height="{node.h:.1f}" rx="{radius:.1f}" fill="{fill}" stroke="{stroke}" '
               f'stroke-width="{width}"{dash}/>')
    if node.kind == "checkpoint":
        out.append(f'<rect x="{node.x + 3:.1f}" y="{node.y + 3:.1f}" width="{node.w - 6:.1f}" '
                   f'height="{node.h - 6:.1f}" rx="7" fill="none" stroke="{stroke}" '
                   'stroke-width="0.8"/>')
    if node.initial:  # the start dot and its arrow
        cx, cy = node.x - 26, node.y + node.h / 2
        out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="#1a202c"/>')
        out.append(f'<path d="M{cx + 6:.1f},{cy:.1f} L{node.x - 2:.1f},{cy:.1f}" '
                   'stroke="#1a202c" stroke-width="1.5" marker-end="url(#arrow)"/>')
    y = node.y + PAD + 11
    anchor_x = node.x + node.w / 2 if node.kind == "exit" else node.x + PAD
    anchor = "middle" if node.kind == "exit" else "start"
    out.append(_text(anchor_x, y, node.title, 13, "bold", anchor, stroke))
    if node.tags:
        y += LINE_H
        out.append(_text(anchor_x, y, " · ".join(node.tags), 11, "normal", anchor, "#718096"))
    for line in node.lines:
        y += LINE_H
        out.append(_text(node.x + PAD, y, line, 11, "normal", "start", "#2d3748"))
    out.append("</g>")
    return out


Box = tuple[float, float, float, float]  # x, y, width, height


class _Canvas:
    """Edge paths and their labels; labels are nudged along their curve to avoid overlaps."""

    def __init__(self, nodes: dict[str, _Node]) -> None:
        self.nodes = nodes
        self.taken: list[Box] = [(n.x, n.y, n.w, n.h) for n in nodes.values()]
        self.right = max((n.x + n.w for n in nodes.values()), default=0.0)
        self.bottom = max((n.y + n.h for n in nodes.values()), default=0.0)
        self.out: list[str] = []

    def _free(self, box: Box) -> bool:
        x, y, w, h = box
        if x <= 4 or y <= 4:
            return False
        return not any(x < bx + bw + 4 and bx < x + w + 4 and y < by + bh + 2
                       and by < y + h + 2 for bx, by, bw, bh in self.taken)

    def label(self, spots: Sequence[tuple[float, float]], labels: list[str]) -> None:
        w = max(len(s) for s in labels) * SMALL_W + 8
        h = len(labels) * 13 + 4
        choice = None
        for px, py in spots:
            if self._free((px - w / 2, py - h / 2, w, h)):
                choice = (px, py)
                break
        if choice is None:  # slide sideways from the middle until there is room
            px, py = spots[0]
            for step in range(1, 40):
                for dx in (step * 12.0, -step * 12.0):
                    if self._free((px + dx - w / 2, py - h / 2, w, h)):
                        choice = (px + dx, py)
                        break
                if choice:
                    break
            choice = choice or spots[0]
        x, y = choice
        self.taken.append((x - w / 2, y - h / 2, w, h))
        self.right = max(self.right, x + w / 2)
        self.bottom = max(self.bottom, y + h / 2)
        self.out.append(f'<rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" width="{w:.1f}" '
                        f'height="{h:.1f}" rx="3" fill="#ffffff" fill-opacity="0.94" '
                        'stroke="#cbd5e0" stroke-width="0.6"/>')
        for i, text in enumerate(labels):
            self.out.append(_text(x, y - h / 2 + 13 + i * 13, text, 11, "normal", "middle",
                                  "#4a5568"))

    def edge(self, edge: _Edge, path: str, points: Sequence[tuple[float, float]],
             spots: Sequence[tuple[float, float]]) -> None:
        self.right = max([self.right] + [x for x, _ in points])
        self.bottom = max([self.bottom] + [y for _, y in points])
        self.out.append(f'<g class="edge"><title>{_x(edge.source)} → {_x(edge.target)}</title>')
        self.out.append(f'<path d="{path}" fill="none" stroke="#718096" stroke-width="1.3" '
                        'stroke-linejoin="round" marker-end="url(#arrow)"/>')
        self.label(spots, edge.labels)
        self.out.append("</g>")

    def curve(self, edge: _Edge, curve: list[tuple[float, float]]) -> None:
        (x1, y1), (c1x, c1y), (c2x, c2y), (x2, y2) = curve
        path = f"M{x1:.1f},{y1:.1f} C{c1x:.1f},{c1y:.1f} {c2x:.1f},{c2y:.1f} {x2:.1f},{y2:.1f}"
        spots = [_bezier(curve, t) for t in (0.5, 0.35, 0.65, 0.22, 0.78, 0.12, 0.88)]
        self.edge(edge, path, curve, spots)

    def polyline(self, edge: _Edge, points: list[tuple[float, float]]) -> None:
        path = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points)
        (_, top), (_, bottom) = points[-2], points[-3]
        x = points[-2][0]
        spots = [(x, top + (bottom - top) * t) for t in (0.5, 0.35, 0.65, 0.2, 0.8)]
        self.edge(edge, path, points, spots)


def _ports(edges: list[_Edge], nodes: dict[str, _Node]) -> dict[tuple[int, str], float]:
    """Spread the ends of downward edges along the bottom/top of their boxes."""
    ports: dict[tuple[int, str], float] = {}
    down = [(i, e) for i, e in enumerate(edges)
            if nodes[e.target].layer > nodes[e.source].layer]
    for end, other in (("source", "target"), ("target", "source")):
        by_node: dict[str, list[tuple[int, _Edge]]] = {}
        for i, e in down:
            by_node.setdefault(getattr(e, end), []).append((i, e))
        for name, group in by_node.items():
            node = nodes[name]
            group.sort(key=lambda ie: nodes[getattr(ie[1], other)].x)
            for k, (i, _) in enumerate(group):
                ports[(i, end)] = node.x + node.w * (k + 1) / (len(group) + 1)
    return ports


def _draw_edges(edges: list[_Edge], nodes: dict[str, _Node]) -> _Canvas:
    canvas = _Canvas(nodes)
    ports = _ports(edges, nodes)
    loops = 0
    for i, edge in enumerate(edges):
        a, b = nodes[edge.source], nodes[edge.target]
        if b.layer > a.layer:  # downwards: bottom of a to top of b
            x1, y1 = ports[(i, "source")], a.y + a.h
            x2, y2 = ports[(i, "target")], b.y
            dy = (y2 - y1) / 2
            curve = [(x1, y1), (x1, y1 + dy), (x2, y2 - dy), (x2, y2)]
        elif b.layer == a.layer:  # same row: an arc below both boxes
            x1, y1 = a.x + a.w / 2, a.y + a.h
            x2, y2 = b.x + b.w / 2, b.y + b.h
            depth = max(y1, y2) + 56
            curve = [(x1, y1), (x1, depth), (x2, depth), (x2, y2)]
        else:  # back upwards: down out of a, around the right of everything, into b's side
            loops += 1
            row_bottom = max(n.y + n.h for n in nodes.values() if n.layer == a.layer)
            span = [n.x + n.w for n in nodes.values() if b.layer <= n.layer <= a.layer]
            out_x = max(span) + 40 + 22 * loops  # clear of every box in the rows it passes
            x1, below = a.x + a.w * 0.85, row_bottom + 18 + 8 * loops
            y2 = b.y + b.h / 2
            canvas.polyline(edge, [(x1, a.y + a.h), (x1, below), (out_x, below), (out_x, y2),
                                   (b.x + b.w, y2)])
            continue
        canvas.curve(edge, curve)
    return canvas


def _bezier(curve: Sequence[tuple[float, float]], t: float) -> tuple[float, float]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = curve
    u = 1 - t
    return (u ** 3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t ** 3 * x3,
            u ** 3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t ** 3 * y3)


def _legend(dialogs: DialogSet, x: float, y: float) -> tuple[list[str], float, float]:
    rows = ["Global transitions (in every state that does not handle the trigger itself):"]
    for t in dialogs.global_on:
        parts = [_trigger_label(t)]
        if t.actions:
            parts.append(_actions(t.actions))
        rows.append(_short("  " + " / ".join(parts) + (f"  → {t.target}" if t.target else ""),
                           72))
    rows += ["", "Boxes: bold border = initial state, double border = checkpoint,",
             "dashed grey = system state, blue pill = another flow's state.",
             "↻ inside a box: a transition that stays in the state;",
             "⇠ global: the global triggers that lead into the state."]
    w = max(len(r) for r in rows) * SMALL_W + 2 * PAD
    h = len(rows) * 14 + 2 * PAD
    out = [f'<g class="legend"><rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
           f'height="{h:.1f}" rx="6" fill="#fbfbfd" stroke="#a0aec0"/>']
    for i, row in enumerate(rows):
        weight = "bold" if i == 0 else "normal"
        out.append(_text(x + PAD, y + PAD + 11 + 14 * i, row, 11, weight, "start", "#2d3748"))
    out.append("</g>")
    return out, w, h


def render_flow_svg(dialogs: DialogSet, flow: str) -> str:
    """The flow as an SVG document (states, transitions, exits, and a legend of globals)."""
    if flow not in dialogs.initials:
        known = ", ".join(sorted(dialogs.initials))
        raise FlowError([Problem("dialogs/flows/", 1,
                                 f"unknown flow {flow!r} (known flows: {known})")])
    nodes, edges = _flow_graph(dialogs, flow)
    width, height = _place(nodes, edges)
    canvas = _draw_edges(edges, nodes)
    diagram_w = max(width, canvas.right + MARGIN)
    height = max(height, canvas.bottom + MARGIN)
    title_h = 34.0
    legend, legend_w, legend_h = _legend(dialogs, diagram_w, MARGIN + title_h)
    total_w = diagram_w + legend_w + MARGIN
    total_h = max(height + title_h, legend_h + title_h + 2 * MARGIN)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w:.0f}" height="{total_h:.0f}" '
        f'viewBox="0 0 {total_w:.0f} {total_h:.0f}" font-family="{_x(FONT)}">',
        f"<title>Flow {_x(flow)} (dialogs version {_x(dialogs.version)})</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#718096"/></marker></defs>',
        f'<rect width="{total_w:.0f}" height="{total_h:.0f}" fill="#ffffff"/>',
        _text(MARGIN, MARGIN + 8, f"Flow: {flow}", 16, "bold"),
        _text(MARGIN + 110 + len(flow) * 9, MARGIN + 8,
              f"initial state {dialogs.entry(flow)} · dialogs version {dialogs.version}",
              11, "normal", "start", "#718096"),
        f'<g transform="translate(0,{title_h:.0f})">',
    ]
    out += canvas.out
    for node in nodes.values():
        out += _draw_node(node)
    out.append("</g>")
    out += legend
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write_flow_svg(settings: Settings, flow: str, output: str | Path | None = None) -> Path:
    """Load dialogs/ as configured, draw ``flow`` and write it (default ``FLOW.svg``)."""
    dialogs = load_dialogs(settings.dialogs_dir, settings.languages)
    svg = render_flow_svg(dialogs, flow)
    path = Path(output) if output else Path(f"{flow}.svg")
    path.write_text(svg, encoding="utf-8")
    return path
