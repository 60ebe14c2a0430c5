"""Positions and sizes, computed with networkx before the page is written, so the browser draws at once.

Pyvis's default is to let the browser run a physics simulation until the graph settles: measured here, 45–85 s
for 300 nodes in headless Chromium, and never for 3,000. Here the layout is computed once, in Python, and the
page turns physics off.

- ``spring``: networkx's Fruchterman–Reingold (``spring_layout``; ForceAtlas2 from 500 nodes on) with a fixed
  seed (same input, same picture), then labels pushed apart until none overlaps;
- ``layered``: flows from left to right, one column per step (longest path), rows ordered by barycentres; a
  view's ``root`` (the report's total) alone in the first column, each connected part of the flow below the last;
- ``tree``: a forest of tidy trees (root on the left), packed into columns to fill a wide screen;
- low-information nodes (quotes, selectors, literals …) are placed around the node they hang from, so showing
  them does not move anything else.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ipgraph.viz.kinds import KINDS
from ipgraph.viz.model import View

SPACING = 110.0  #: about the distance between neighbouring nodes, in page pixels
MIN_SIZE, MAX_SIZE = 9.0, 42.0


def _is_detail(view: View, node_id: str) -> bool:
    k = view.kinds.get(view.nodes[node_id].kind) or KINDS.get(view.nodes[node_id].kind)
    return bool(k and k.detail)


def apply_layout(view: View, size_by: str = "count", seed: int = 7) -> None:
    """Give every node of the view a position (``x``, ``y``) and a size.

    >>> from ipgraph.viz.model import Edge, Node
    >>> v = View("t", "T", "", layout="layered")
    >>> for i in "abc": _ = v.add_node(Node(i, i, "", "category"))
    >>> v.add_edge(Edge("a", "b", "")); v.add_edge(Edge("b", "c", ""))
    >>> apply_layout(v)
    >>> [round(v.nodes[i].x) for i in "abc"]
    [0, 341, 682]
    """
    core = [k for k in view.nodes if not _is_detail(view, k)]
    _sizes(view, size_by)
    if view.layout == "layered":
        _layered(view, core)
    elif view.layout == "tree":
        _tree(view, core)
    elif view.layout == "spring":
        _spring(view, core, seed)
    _place_details(view)


def _graph(view: View, nodes: list[str]):  # type: ignore[no-untyped-def]
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(nodes)
    for e in view.edges:
        if e.source in g and e.target in g:
            g.add_edge(e.source, e.target)
    return g


def _spring(view: View, core: list[str], seed: int) -> None:
    import networkx as nx

    g = _graph(view, core)
    if len(g) == 0:
        return
    # lay out each connected component on its own, biggest first, then pack them in rows
    comps = sorted(nx.connected_components(g), key=lambda c: (-len(c), min(c)))
    boxes: list[tuple[dict[str, tuple[float, float]], float, float]] = []
    for comp in comps:
        sub = g.subgraph(sorted(comp))
        n = len(sub)
        if n == 1:
            pos = {next(iter(sub.nodes)): (0.0, 0.0)}
        else:
            if n < 500:
                raw = nx.spring_layout(sub, seed=seed, iterations=120, method="force")
            else:  # networkx's spring layout needs scipy from 500 nodes on; ForceAtlas2 needs numpy only
                raw = nx.forceatlas2_layout(sub, seed=seed, max_iter=80)
            radius = SPACING * 0.9 * math.sqrt(n)
            pos = _normalise({k: (float(v[0]), float(v[1])) for k, v in raw.items()}, radius)
            if n <= 1500:
                for k, (px, py) in pos.items():
                    view.nodes[k].x, view.nodes[k].y = px, py
                remove_overlaps(view, list(pos))
                pos = {k: (view.nodes[k].x, view.nodes[k].y) for k in pos}
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        w = max(xs) - min(xs) + 2 * max(node_box(view, k)[0] for k in pos) + 20
        h = max(ys) - min(ys) + 2 * max(node_box(view, k)[1] for k in pos) + 20
        pad_x, pad_y = (w - (max(xs) - min(xs))) / 2, (h - (max(ys) - min(ys))) / 2
        boxes.append(({k: (x - min(xs) + pad_x, y - min(ys) + pad_y) for k, (x, y) in pos.items()}, w, h))
    _pack(view, boxes)


def _normalise(pos: dict[str, tuple[float, float]], radius: float) -> dict[str, tuple[float, float]]:
    """Scale positions so that they fill a disc of the given radius, centred at 0."""
    cx = sum(p[0] for p in pos.values()) / len(pos)
    cy = sum(p[1] for p in pos.values()) / len(pos)
    far = max(math.hypot(x - cx, y - cy) for x, y in pos.values()) or 1.0
    return {k: ((x - cx) / far * radius, (y - cy) / far * radius) for k, (x, y) in pos.items()}


def _pack(view: View, boxes: list[tuple[dict[str, tuple[float, float]], float, float]]) -> None:
    """Place boxes left to right in rows about as wide as the biggest box (or 1.6 × the square of the
    total)."""
    if not boxes:
        return
    area = sum(w * h for _, w, h in boxes)
    row_width = max(max(w for _, w, _ in boxes), math.sqrt(area * 1.6))
    x = y = row_height = 0.0
    for pos, w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for k, (px, py) in pos.items():
            view.nodes[k].x, view.nodes[k].y = x + px, y + py
        x += w
        row_height = max(row_height, h)


def _break_cycles(nodes: list[str], edges: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Edges minus those that close a cycle (found by depth-first search in node order)."""
    out: dict[str, list[str]] = defaultdict(list)
    for s, t in edges:
        out[s].append(t)
    state: dict[str, int] = {}
    back: set[tuple[str, str]] = set()
    for root in nodes:
        if root in state:
            continue
        stack = [(root, iter(out[root]))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(out[nxt])))
    return [e for e in edges if e not in back]


def layer_levels(nodes: list[str], edges: list[tuple[str, str]], root: str | None = None) -> dict[str, int]:
    """The column of each node of a flow drawn left to right: the longest path to it (cycles broken first); a node
    that only feeds others sits just before the first of them. With a ``root`` (a report's total), the root alone
    is in column 0 and everything else from column 1 on.

    >>> layer_levels(["a", "b", "c", "s"], [("a", "b"), ("b", "c"), ("s", "c")])
    {'a': 0, 'b': 1, 'c': 2, 's': 1}
    >>> layer_levels(["t", "p", "q", "s"], [("t", "p"), ("t", "q"), ("s", "p")], root="t")
    {'t': 0, 'p': 2, 'q': 1, 's': 1}
    """
    kept = _break_cycles(sorted(nodes, key=lambda n: n != root), sorted(set(edges)))  # the root's edges all stay
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for s, t in kept:
        preds[t].append(s)
        succs[s].append(t)
    first = 1 if root in nodes else 0
    level: dict[str, int] = {}
    pending = {n: len(preds[n]) for n in nodes}
    ready = sorted(n for n in nodes if not pending[n])
    while ready:  # topological order: every node after all its predecessors
        n = ready.pop(0)
        base = 0 if n == root else first
        level[n] = max([base, *(level[p] + 1 for p in preds[n])])
        for t in succs[n]:
            pending[t] -= 1
            if not pending[t]:
                ready.append(t)
    for n in nodes:  # a source feeds what comes right after it
        if n != root and not preds[n] and succs[n]:
            level[n] = max(first, min(level[t] for t in succs[n]) - 1)
    return {n: level[n] for n in nodes}


def _layered(view: View, core: list[str]) -> None:
    nodes = sorted(core)
    inside = set(nodes)
    edges = sorted({(e.source, e.target) for e in view.edges if e.source in inside and e.target in inside})
    layer = layer_levels(nodes, edges, view.meta.get("root"))
    view.meta["levels"] = layer
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for s, t in edges:
        if layer[s] < layer[t]:
            preds[t].append(s)
            succs[s].append(t)
    # one block per connected part, the root's first, each below the one before
    parts = sorted(_connected(nodes, edges), key=lambda p: (view.meta.get("root") not in p, -len(p), min(p)))
    top = 0.0
    for part in parts:
        top = _place_columns(view, sorted(part), layer, preds, succs, top) + SPACING * 0.6


def _connected(nodes: list[str], edges: list[tuple[str, str]]) -> list[set[str]]:
    """The connected parts of a graph (edge direction ignored).

    >>> sorted(map(sorted, _connected(["a", "b", "c"], [("a", "b")])))
    [['a', 'b'], ['c']]
    """
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)
    return [set(c) for c in nx.connected_components(g)]


def _place_columns(
    view: View,
    nodes: list[str],
    layer: dict[str, int],
    preds: dict[str, list[str]],
    succs: dict[str, list[str]],
    top: float,
) -> float:
    """Place one connected part in its columns, rows ordered by barycentres, from ``top`` down; return its
    bottom."""
    columns: dict[int, list[str]] = defaultdict(list)
    for n in nodes:
        columns[layer[n]].append(n)
    order = {n: i for col in columns.values() for i, n in enumerate(col)}
    for sweep in range(8):  # barycentre ordering, alternating directions
        cols = sorted(columns) if sweep % 2 == 0 else sorted(columns, reverse=True)
        for c in cols:
            nbrs = preds if sweep % 2 == 0 else succs

            def bary(n: str, nbrs: dict[str, list[str]] = nbrs) -> float:
                ps = [order[p] for p in nbrs[n] if p in order]
                return sum(ps) / len(ps) if ps else order[n]

            columns[c].sort(key=lambda n: (bary(n), n))
            for i, n in enumerate(columns[c]):
                order[n] = i
    gap_x, gap_y = SPACING * 3.1, SPACING * 1.45
    tallest = max(len(col) for col in columns.values()) if columns else 0
    for c, col in columns.items():
        offset = (tallest - len(col)) * gap_y / 2
        for i, n in enumerate(col):
            view.nodes[n].x, view.nodes[n].y = c * gap_x, top + offset + i * gap_y
    return top + max(tallest - 1, 0) * gap_y


def _is_wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in ("W", "F")


def wrap(text: str, limit: int = 26) -> list[str]:
    """A label cut into lines of about ``limit`` columns: at spaces for Latin text, anywhere between CJK
    characters (which count as two columns). The page's script wraps labels with the same rule.

    >>> wrap("reverse transfer to administrative authorities after non-prosecution")
    ['reverse transfer to', 'administrative authorities', 'after non-prosecution']
    >>> wrap("不起诉后反向移送行政处罚案件数量")
    ['不起诉后反向移送行政处罚案', '件数量']
    """
    lines: list[str] = []
    line, width = "", 0
    for token in _tokens(text):
        w = sum(2 if _is_wide(c) else 1 for c in token)
        if line and width + w > limit and token != " ":
            lines.append(line.rstrip())
            line, width = "", 0
            token = token.lstrip()
            w = sum(2 if _is_wide(c) else 1 for c in token)
        line += token
        width += w
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _tokens(text: str) -> list[str]:
    """Words (with the space before them) and single CJK characters."""
    out: list[str] = []
    word = ""
    for ch in text:
        if _is_wide(ch):
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        elif ch == " ":
            if word:
                out.append(word)
            word = " "
        else:
            word += ch
    if word:
        out.append(word)
    return out


def label_size(text: str, font: float = 14.0) -> tuple[float, float]:
    """Estimated width and height in pixels of a (multi-line) label drawn at ``font`` pixels.

    >>> label_size("ab\\n中文")
    (28.0, 33.6)
    """
    lines = text.split("\n") or [""]
    width = max(sum(font if _is_wide(ch) else font * 0.56 for ch in line) for line in lines)
    return round(width, 1), round(len(lines) * font * 1.2, 1)


def wrapped_label(en: str, zh: str) -> str:
    """The label drawn with both languages, wrapped (what the page draws for ``--lang both``)."""
    lines = wrap(en) if en else []
    if zh and zh != en:
        lines += wrap(zh)
    return "\n".join(lines)


def node_box(view: View, key: str) -> tuple[float, float, float]:
    """Half-width, half-height and vertical offset of the box a node and its label take up (label below)."""
    n = view.nodes[key]
    lw, lh = label_size(wrapped_label(n.en, n.zh))
    if view.meta.get("shape") == "box":
        return (lw + 16) / 2, (lh + 12) / 2, 0.0
    w = max(lw, 2 * n.size) / 2 + 6
    h = (2 * n.size + lh + 6) / 2 + 4
    return w, h, lh / 2


def remove_overlaps(view: View, keys: list[str], iterations: int = 300) -> int:
    """Push apart nodes whose label boxes overlap (least-overlap axis first); return the overlaps left."""
    import numpy as np

    if len(keys) < 2:
        return 0
    boxes = [node_box(view, k) for k in keys]
    hw = np.array([b[0] for b in boxes])
    hh = np.array([b[1] for b in boxes])
    off = np.array([b[2] for b in boxes])
    x = np.array([view.nodes[k].x for k in keys], dtype=float)
    y = np.array([view.nodes[k].y for k in keys], dtype=float) + off
    # first spread the drawing evenly until the label boxes could fit (a third of its area), then push locally
    area = float((4 * hw * hh).sum())
    span = max(float(x.max() - x.min()), 1.0) * max(float(y.max() - y.min()), 1.0)
    if area > span / 3:
        grow = math.sqrt(area * 3 / span)
        x = (x - x.mean()) * grow + x.mean()
        y = (y - y.mean()) * grow + y.mean()
    sw = hw[:, None] + hw[None, :]
    sh = hh[:, None] + hh[None, :]
    left, best, stale = 0, None, 0
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        ox = sw - np.abs(dx)
        oy = sh - np.abs(dy)
        hit = (ox > 0.5) & (oy > 0.5)
        np.fill_diagonal(hit, False)
        left = int(hit.sum()) // 2
        if left == 0:
            break
        if best is None or left < best:
            best, stale = left, 0
        else:
            stale += 1
            if stale > 40:
                break
        along_x = hit & (ox * 1.0 <= oy)
        along_y = hit & ~along_x
        sx = np.where(dx == 0, np.sign(np.arange(len(keys))[:, None] - np.arange(len(keys))[None, :]), np.sign(dx))
        sy = np.where(dy == 0, 1.0, np.sign(dy))
        mx = (np.where(along_x, sx * (ox + 2.0), 0.0)).sum(axis=1) * 0.45  # a little more than the overlap,
        my = (np.where(along_y, sy * (oy + 2.0), 0.0)).sum(axis=1) * 0.45  # or it is only ever approached
        x += mx
        y += my
    for i, k in enumerate(keys):
        view.nodes[k].x, view.nodes[k].y = float(x[i]), float(y[i] - off[i])
    return left


def _tree(view: View, core: list[str]) -> None:
    """Tidy trees of boxes: leaves one row apart, a parent at the middle of its children, each depth a
    column as wide as its widest label; the forest packed in columns."""
    parents: dict[str, list[str]] = view.meta.get("parents", {})
    children: dict[str, list[str]] = defaultdict(list)
    has_parent: set[str] = set()
    inview = set(core)
    for child in sorted(core):
        ps = [p for p in parents.get(child, []) if p in inview]
        if ps:
            children[sorted(ps)[0]].append(child)
            has_parent.add(child)
    roots = [n for n in sorted(core) if n not in has_parent]
    size = {k: node_box(view, k) for k in core}
    width = {k: 2 * size[k][0] for k in core}
    row = 14.0

    def place(n: str, d: int, y0: float, pos: dict[str, tuple[float, float]]) -> float:
        kids = sorted(children.get(n, []), key=lambda k: (view.nodes[k].en.lower(), k))
        if not kids:
            pos[n] = (float(d), y0 + size[n][1])
            return y0 + 2 * size[n][1] + row
        y = y0
        for k in kids:
            y = place(k, d + 1, y, pos)
        first, last = pos[kids[0]][1], pos[kids[-1]][1]
        pos[n] = (float(d), (first + last) / 2)
        return max(y + row, pos[n][1] + size[n][1] + row)

    boxes: list[tuple[dict[str, tuple[float, float]], float, float]] = []
    for r in sorted(roots, key=lambda r: (-_tree_size(r, children), r)):
        pos: dict[str, tuple[float, float]] = {}
        height = place(r, 0, 0.0, pos)
        depth_width: dict[int, float] = defaultdict(float)
        for k, (d, _) in pos.items():
            depth_width[int(d)] = max(depth_width[int(d)], width[k])
        col_x, x = {}, 0.0
        for d in sorted(depth_width):
            col_x[d] = x + depth_width[d] / 2
            x += depth_width[d] + 40.0
        pos = {k: (col_x[int(d)], y) for k, (d, y) in pos.items()}
        boxes.append((pos, x + 20.0, height + row * 2))
    _pack_columns(view, boxes)


def _tree_size(root: str, children: dict[str, list[str]]) -> int:
    return 1 + sum(_tree_size(k, children) for k in children.get(root, []))


def _pack_columns(
    view: View, boxes: list[tuple[dict[str, tuple[float, float]], float, float]], aspect: float = 1.3
) -> None:
    """Stack boxes top to bottom in columns; of several column heights, keep the one whose drawing fits a
    screen of the given aspect at the largest scale."""
    if not boxes:
        return
    tallest = max(h for _, _, h in boxes)
    total = sum(h for _, _, h in boxes)
    best: tuple[float, list[tuple[float, float]]] | None = None
    for i in range(12):
        limit = tallest + (total - tallest) * i / 11
        x = y = col_width = 0.0
        spots: list[tuple[float, float]] = []
        for _pos, w, h in boxes:
            if y > 0 and y + h > limit:
                x, y, col_width = x + col_width, 0.0, 0.0
            spots.append((x, y))
            y += h
            col_width = max(col_width, w)
        width = max(sx + w for (sx, _), (_, w, _) in zip(spots, boxes, strict=True))
        height = max(sy + h for (_, sy), (_, _, h) in zip(spots, boxes, strict=True))
        scale = min(aspect / width, 1.0 / height)
        if best is None or scale > best[0]:
            best = (scale, spots)
    assert best is not None
    for (pos, _w, _h), (x, y) in zip(boxes, best[1], strict=True):
        for k, (px, py) in pos.items():
            view.nodes[k].x, view.nodes[k].y = x + px, y + py


def _place_details(view: View) -> None:
    """Put each low-information node on a small ring around the already placed nodes it is linked to."""
    placed = {k for k in view.nodes if not _is_detail(view, k)}
    pending = [k for k in view.nodes if k not in placed]
    if not pending:
        return
    nbrs: dict[str, list[str]] = defaultdict(list)
    for e in view.edges:
        nbrs[e.source].append(e.target)
        nbrs[e.target].append(e.source)
    ring_count: dict[str, int] = defaultdict(int)
    while pending:
        progress = []
        for k in pending:
            anchors = [a for a in nbrs[k] if a in placed]
            if not anchors:
                continue
            ax = sum(view.nodes[a].x for a in anchors) / len(anchors)
            ay = sum(view.nodes[a].y for a in anchors) / len(anchors)
            key = min(anchors)
            i = ring_count[key]
            ring_count[key] += 1
            radius = SPACING * (0.45 + 0.22 * (i // 12))
            angle = (i % 12) * math.pi / 6 + (i // 12) * 0.26
            view.nodes[k].x, view.nodes[k].y = ax + radius * math.cos(angle), ay + radius * math.sin(angle)
            progress.append(k)
        placed.update(progress)
        pending = [k for k in pending if k not in placed]
        if not progress:  # unattached details: a row below everything
            bottom = max((n.y for n in view.nodes.values()), default=0.0) + SPACING
            for i, k in enumerate(pending):
                view.nodes[k].x, view.nodes[k].y = (
                    (i % 40) * SPACING * 0.5,
                    bottom + (i // 40) * SPACING * 0.5,
                )
            break


def _sizes(view: View, size_by: str) -> None:
    degree: dict[str, int] = defaultdict(int)
    for e in view.edges:
        degree[e.source] += 1
        degree[e.target] += 1
    counts = [n.count for n in view.nodes.values() if n.count is not None and n.count > 0]
    top_count = max(counts, default=0.0)
    top_degree = max(degree.values(), default=1)
    for k, n in view.nodes.items():
        if _is_detail(view, k):
            n.size = 5.0
        elif size_by == "count" and n.count is not None and n.count > 0 and top_count > 0:
            n.size = 12.0 + (MAX_SIZE - 12.0) * math.sqrt(n.count / top_count)
        else:
            share = math.sqrt(degree[k] / top_degree) if top_degree else 0.0
            upper = MAX_SIZE if size_by == "degree" else 22.0
            n.size = MIN_SIZE + (upper - MIN_SIZE) * share
        if n.kind == "figure":  # figures are many and square: keep them from crowding the rest
            n.size = min(n.size, 22.0)
        if n.focus:
            n.size = max(n.size, 30.0)
