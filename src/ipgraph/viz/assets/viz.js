/* ipgraph viz: the page's own controls around a vis-network drawing (search, kind filter, language,
 * tooltips, details). Every string from the data is put into the page with textContent, never as HTML. */
(function () {
  "use strict";
  var t0 = performance.now();
  var stats = { scriptStart: t0, networkCreated: null, firstDraw: null, draws: 0, drawTimes: [] };
  var data = JSON.parse(document.getElementById("viz-data").textContent);
  var kinds = {};
  data.kinds.forEach(function (k) { kinds[k.key] = k; });
  var lang = data.lang;
  var pageLang = data.lang;  /* the language of the page's own words (the labels can be switched) */
  var ui = data.ui || {};
  function tr(key, vars) {
    return String(ui[key] || key).replace(/\{(\w+)\}/g, function (m, name) { return vars && name in vars ? vars[name] : m; });
  }
  /* a name in the page's language: Chinese first on a zh page, English first otherwise */
  function nameIn(en, zh, fallback) { return (pageLang === "zh" ? zh || en : en || zh) || fallback || ""; }
  function kindText(k) { return pageLang === "zh" ? k.zh || k.en : pageLang === "en" ? k.en : k.en + (k.zh ? " · " + k.zh : ""); }
  function isDetail(k) { return !!(kinds[k] || {}).detail; }
  var LABEL_MIN_PX = 12;  /* labels smaller than this on screen are not drawn by vis-network (the label layer
                           below writes the hubs' names at a readable size instead) */
  var HUB_LABEL_PX = 12, EDGE_LABEL_PX = 11;
  var BIG = 1200;  /* above this many visible nodes: no arrowheads, no edge transparency (3-4x faster frames) */
  var big = data.nodes.filter(function (n) { return data.showDetails || !isDetail(n.k); }).length > BIG;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function norm(s) { return String(s || "").normalize("NFKC").toLowerCase(); }
  function nameOf(n, l) {
    var en = n.we || n.en || "", zh = n.wz || n.zh || "", fallback = n.c || String(n.id);
    if (l === "en") return en || zh || fallback;
    if (l === "zh") return zh || en || fallback;
    return en && zh && n.zh !== n.en ? en + "\n" + zh : en || zh || fallback;
  }
  /* a node's label: its name, and its headline count on a line of its own where the graph has one, with its change
     on the year before where the graph has that ("1,369 cases ▲ ≈73.3%") */
  function labelOf(n, l) {
    var name = nameOf(n, l), count = l === "zh" ? n.nz || n.n : n.n;
    if (count && n.ch) count += "  " + n.ch;
    return count && name.indexOf(count) < 0 ? name + "\n" + count : name;
  }
  function shade(hex, f) {
    var v = parseInt(hex.slice(1), 16), r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
    function c(x) { return Math.max(0, Math.min(255, Math.round(x * f))); }
    return "rgb(" + c(r) + "," + c(g) + "," + c(b) + ")";
  }
  function rgba(hex, a) {
    var v = parseInt(hex.slice(1), 16);
    return "rgba(" + ((v >> 16) & 255) + "," + ((v >> 8) & 255) + "," + (v & 255) + "," + a + ")";
  }
  var boxShape = data.shape === "box";
  function nodeColour(k, dim) {
    var c = (kinds[k] || { colour: "#999999" }).colour;
    if (boxShape) {
      return {
        background: dim ? rgba(c, 0.05) : rgba(c, 0.2), border: dim ? rgba(c, 0.3) : c,
        highlight: { background: rgba(c, 0.45), border: "#111" }, hover: { background: rgba(c, 0.35), border: "#111" }
      };
    }
    if (dim) return { background: rgba(c, 0.15), border: rgba(c, 0.25), highlight: { background: c, border: "#111" }, hover: { background: c, border: "#111" } };
    return { background: c, border: shade(c, 0.7), highlight: { background: c, border: "#111111" }, hover: { background: c, border: "#111111" } };
  }

  /* degree among the informative nodes: it ranks the hubs, and a node without any link is "unconnected" */
  var degree = {};
  data.nodes.forEach(function (n) { degree[n.id] = 0; });
  data.edges.forEach(function (e) {
    if (isDetail(data.nodes[e.f].k) || isDetail(data.nodes[e.t].k)) return;
    degree[e.f] += 1;
    degree[e.t] += 1;
  });
  var isolated = {}, isolatedCount = 0;
  data.nodes.forEach(function (n) {
    if (!isDetail(n.k) && degree[n.id] === 0 && !n.focus) { isolated[n.id] = true; isolatedCount += 1; }
  });
  var showIsolated = false, kindOn = {};
  data.kinds.forEach(function (k) { kindOn[k.key] = !k.detail || !!data.showDetails; });
  function hiddenNow(id) { return !kindOn[data.nodes[id].k] || (!!isolated[id] && !showIsolated); }

  var maxValue = 0;
  data.edges.forEach(function (e) { if (e.v && e.v > maxValue) maxValue = e.v; });
  var byKind = {};
  var visNodes = data.nodes.map(function (n) {
    (byKind[n.k] = byKind[n.k] || []).push(n.id);
    var k = kinds[n.k] || {};
    return {
      id: n.id, x: n.x, y: n.y, size: n.s, label: labelOf(n, lang), shape: boxShape ? "box" : k.shape || "dot",
      color: nodeColour(n.k, false), borderWidth: n.focus ? 4 : 1, font: n.focus ? { size: 18, bold: true } : undefined,
      hidden: hiddenNow(n.id)
    };
  });
  /* Low-information nodes (and their edges) enter the drawing only when first shown: the page starts faster. */
  var present = {}, edgePresent = [];
  var initialNodes = visNodes.filter(function (n) {
    var on = data.showDetails || !isDetail(data.nodes[n.id].k);
    if (on) present[n.id] = true;
    return on;
  });
  var visEdges = data.edges.map(function (e, i) {
    var w = e.v && maxValue ? 1 + 9 * Math.sqrt(e.v / maxValue) : 1;
    var edge = { id: i, from: e.f, to: e.t, width: w, dashes: !!e.d };
    if (e.l) edge.label = lang === "zh" && e.zh ? e.zh : e.en;
    if (e.note === "component") edge.color = { color: "#b8b8b8", highlight: "#333", hover: "#333" };
    return edge;
  });

  var initialEdges = visEdges.filter(function (e) {
    var on = !!(present[e.from] && present[e.to]);
    edgePresent[e.id] = on;
    return on;
  });
  var nodes = new vis.DataSet(initialNodes);
  var edges = new vis.DataSet(initialEdges);
  function addKind(key) {
    var add = (byKind[key] || []).filter(function (id) { return !present[id]; });
    if (!add.length) return;
    add.forEach(function (id) { present[id] = true; });
    nodes.add(add.map(function (id) { return visNodes[id]; }));
    var more = visEdges.filter(function (e) { return !edgePresent[e.id] && present[e.from] && present[e.to]; });
    more.forEach(function (e) { edgePresent[e.id] = true; });
    edges.add(more);
  }
  var face = "'Noto Sans', 'Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'PingFang SC', 'Microsoft YaHei', sans-serif";
  var options = {
    physics: { enabled: false },
    layout: { improvedLayout: false },
    interaction: {
      hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
      multiselect: false, navigationButtons: false, keyboard: false
    },
    nodes: {
      shape: "dot", borderWidth: 1, margin: { top: 5, bottom: 5, left: 7, right: 7 },
      font: { face: face, size: 14, color: "#1d1d1d", strokeWidth: 3, strokeColor: "#ffffff", multi: false },
      scaling: { label: { drawThreshold: LABEL_MIN_PX, maxVisible: 22 } }
    },
    edges: {
      smooth: false, selectionWidth: 1.5, hoverWidth: 0.5,
      arrows: { to: { enabled: !big, scaleFactor: 0.45 } },
      color: { color: big ? "#c3cad2" : "#9aa5b1", highlight: "#2d3436", hover: "#2d3436", opacity: big ? 1.0 : 0.85 },
      font: { face: face, size: 12, color: "#333333", strokeWidth: 3, strokeColor: "#ffffff", align: "top" },
      scaling: { label: { drawThreshold: 6, maxVisible: 16 } }
    }
  };
  var container = document.getElementById("graph");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  stats.networkCreated = performance.now();
  var drawStart = 0;
  network.on("beforeDrawing", function () { drawStart = performance.now(); });
  network.on("afterDrawing", function () {
    var now = performance.now();
    stats.draws += 1;
    if (stats.drawTimes.length < 2000) stats.drawTimes.push(now - drawStart);
    if (stats.firstDraw === null) stats.firstDraw = now;
  });
  /* a flow drawn in columns is fitted with room for the labels around its outermost nodes (vis-network fits the
     nodes alone, and the first and last columns' names would fall off the screen) */
  function fitView() {
    network.fit({ animation: false });
    if (data.layout !== "layered") return;
    var pos = network.getPositions(), ids = Object.keys(pos).filter(function (id) { return present[id] && !hiddenNow(id); });
    if (!ids.length) return;
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    ids.forEach(function (id) {
      var p = pos[id], r = data.nodes[id].s;
      x0 = Math.min(x0, p.x - r); x1 = Math.max(x1, p.x + r); y0 = Math.min(y0, p.y - r); y1 = Math.max(y1, p.y + r);
    });
    /* room in screen pixels: half a wrapped name at the label layer's size beside, four lines below */
    var padX = 110, padBelow = 62, padAbove = 8, w = container.clientWidth, h = container.clientHeight;
    var scale = Math.min((w - 2 * padX) / Math.max(x1 - x0, 1), (h - padBelow - padAbove) / Math.max(y1 - y0, 1), 1.0);
    if (!(scale > 0)) return;
    var cx = (x0 + x1) / 2;
    if (w < 600) {  /* a phone: the total and the first steps at a readable size, the rest a swipe away */
      scale = Math.max(scale, Math.min(0.45, (h - padBelow - padAbove) / Math.max(y1 - y0, 1)));
      cx = Math.min(cx, x0 + (w / 2 - padX * 0.6) / scale);
    }
    var cy = (y0 + y1) / 2 + (padBelow - padAbove) / 2 / scale;
    network.moveTo({ position: { x: cx, y: cy }, scale: scale, animation: false });
  }
  fitView();
  /* edge labels (the counts of the derivation view) read at the scale the view opens at, and stop growing at
     maxVisible when zoomed in */
  var edgeFont = Math.min(40, Math.max(12, EDGE_LABEL_PX / Math.max(network.getScale(), 0.05)));
  if (data.edges.some(function (e) { return e.l; })) network.setOptions({ edges: { font: { size: edgeFont } } });

  /* ---------------------------------------------------------------- the label layer
     When the view is zoomed out so far that vis-network's labels would be smaller than LABEL_MIN_PX (and so
     are not drawn), the names of the most important nodes are written at HUB_LABEL_PX on top of the drawing:
     the focus and the search's matches first, then by degree and size, each only where it does not cover a
     label already written. Zooming in hands over to vis-network's labels for every node. */
  var matched = {};
  var priority = data.nodes.filter(function (n) { return !isDetail(n.k); }).map(function (n) { return n.id; });
  priority.sort(function (a, b) {
    var na = data.nodes[a], nb = data.nodes[b];
    return (nb.focus ? 1 : 0) - (na.focus ? 1 : 0) || (nb.root ? 1 : 0) - (na.root ? 1 : 0) || degree[b] - degree[a] ||
      nb.s - na.s || a - b;
  });
  var layerLabels = [];
  var widthCache = {};
  function layerVisible() { return network.getScale() * 14 < LABEL_MIN_PX - 1; }
  function drawLabelLayer(ctx) {
    layerLabels = [];
    if (!layerVisible()) return;
    var ratio = (network.canvas && network.canvas.pixelRatio) || window.devicePixelRatio || 1;
    var scale = network.getScale(), w = container.clientWidth, h = container.clientHeight;
    var order = priority.filter(function (id) { return matched[id]; }).concat(priority.filter(function (id) { return !matched[id]; }));
    var taken = [], lineH = Math.round(HUB_LABEL_PX * 1.2);
    /* a label must not cover another node (of a box view, only other labels: its text is the box's) */
    var discs = [];
    if (!boxShape) {
      network.body.nodeIndices.forEach(function (id) {
        var b = network.body.nodes[id], q = network.canvasToDOM({ x: b.x, y: b.y }), rr = (b.options.size || 10) * scale;
        if (q.x + rr >= 0 && q.y + rr >= 0 && q.x - rr <= w && q.y - rr <= h) discs.push({ id: id, x: q.x - rr, y: q.y - rr, w: 2 * rr, h: 2 * rr });
      });
    }
    /* nor a count drawn on an edge */
    network.body.edgeIndices.forEach(function (id) {
      var lm = network.body.edges[id].labelModule, sz = lm && lm.size;
      if (!sz || !sz.width || !network.body.edges[id].options.label) return;
      var tl = network.canvasToDOM({ x: sz.left, y: sz.top }), br = network.canvasToDOM({ x: sz.left + sz.width, y: sz.top + sz.height });
      discs.push({ id: -1, x: tl.x, y: tl.y, w: br.x - tl.x, h: br.y - tl.y });
    });
    function overlaps(r, t) { return r.x < t.x + t.w && t.x < r.x + r.w && r.y < t.y + t.h && t.y < r.y + r.h; }
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = HUB_LABEL_PX + "px " + face;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    for (var i = 0; i < order.length && taken.length < 120; i++) {
      var id = order[i], body = network.body.nodes[id];
      if (!body || body.options.hidden || !present[id]) continue;
      if (((body.options.font || {}).size || 14) * scale >= LABEL_MIN_PX - 1) continue;  /* vis-network draws it */
      var lines = String(body.options.label || "").split("\n");
      var key = lang + id;
      var tw = widthCache[key];
      if (tw === undefined) {
        tw = 0;
        lines.forEach(function (line) { tw = Math.max(tw, ctx.measureText(line).width); });
        widthCache[key] = tw;
      }
      var p = network.canvasToDOM({ x: body.x, y: body.y });
      var rad = boxShape ? 0 : (body.options.size || 10) * scale, lh = lines.length * lineH;
      /* below the node, else above, right or left of it; the first hubs may cover small nodes if need be */
      var spots = boxShape ? [[0, -lh / 2]] : [[0, rad + 3], [0, -rad - 3 - lh], [rad + 4 + tw / 2, -lh / 2], [-rad - 4 - tw / 2, -lh / 2]];
      var r = null;
      for (var pass = 0; pass < (i < 5 ? 2 : 1) && !r; pass++) {
        for (var c = 0; c < spots.length && !r; c++) {
          var cand = { x: p.x + spots[c][0] - tw / 2 - 2, y: p.y + spots[c][1] - 1, w: tw + 4, h: lh + 2 };
          if (cand.x < 0 || cand.y < 0 || cand.x + cand.w > w || cand.y + cand.h > h) continue;
          var clash = false;
          for (var j = 0; j < taken.length && !clash; j++) clash = overlaps(cand, taken[j]);
          for (var d = 0; d < discs.length && !clash && pass === 0; d++) clash = discs[d].id !== id && overlaps(cand, discs[d]);
          if (!clash) r = cand;
        }
      }
      if (!r) continue;
      taken.push(r);
      layerLabels.push({ id: id, px: HUB_LABEL_PX, rect: r });
      var tx = r.x + r.w / 2, ty = r.y + 1;
      for (var k = 0; k < lines.length; k++) {
        ctx.lineWidth = 3;
        ctx.strokeStyle = "rgba(255,255,255,0.92)";
        ctx.strokeText(lines[k], tx, ty + k * lineH);
        ctx.fillStyle = "#1d1d1d";
        ctx.fillText(lines[k], tx, ty + k * lineH);
      }
    }
    ctx.restore();
  }
  network.on("afterDrawing", drawLabelLayer);

  /* ---------------------------------------------------------------- details and tooltips */
  var tip = document.getElementById("tooltip");
  var details = document.getElementById("details");
  var nodeById = {};
  data.nodes.forEach(function (n) { nodeById[n.id] = n; });

  function renderNode(box, n, full) {
    box.textContent = "";
    var k = kinds[n.k] || { en: n.k, zh: "" };
    box.appendChild(el("div", "i-title", nameIn(n.en, n.zh, n.c)));
    if (pageLang === "both" && n.zh && n.en && n.zh !== n.en) box.appendChild(el("div", "i-zh", n.zh));
    /* led by the figure and the sentence it comes from */
    if (n.h) box.appendChild(el("div", "i-lead", n.h));
    else if (n.n) box.appendChild(el("div", "i-lead", pageLang === "zh" && n.nz ? n.nz : n.n));
    if (n.cn) box.appendChild(el("div", "i-change", n.cn));
    renderQuotes(box, n.q, full);
    var type = el("div", "i-type");
    var sw = el("span", "swatch");
    sw.style.background = k.colour || "#999";
    type.appendChild(sw);
    type.appendChild(document.createTextNode(kindText(k)));
    box.appendChild(type);
    if (n.t && n.t.length) box.appendChild(el("div", "i-types", tr("type") + n.t.join(pageLang === "zh" ? "、" : ", ")));
    if (n.c) box.appendChild(el("div", "i-curie", n.c));
    if (n.d) box.appendChild(el("div", "i-def", full ? n.d : n.d.slice(0, 260) + (n.d.length > 260 ? "…" : "")));
    if (n.a && n.a.length && full) box.appendChild(el("div", "i-alt", tr("also") + n.a.join(pageLang === "zh" ? "；" : "; ")));
    if (n.f && n.f.length) {
      var ul = el("ul", "i-figs");
      n.f.slice(0, full ? 60 : 8).forEach(function (f) { ul.appendChild(el("li", null, f)); });
      if (!full && n.f.length > 8) ul.appendChild(el("li", "more", tr("more", { n: n.f.length - 8 })));
      box.appendChild(ul);
    }
  }
  function renderQuotes(box, qs, full) {
    if (!qs || !qs.length) return;
    (full ? qs : qs.slice(0, 1)).forEach(function (q) {
      var b = el("blockquote", "i-quote", "“" + (full || q[0].length < 420 ? q[0] : q[0].slice(0, 420) + "…") + "”");
      if (q[1]) b.appendChild(el("span", "i-section", " [" + q[1] + "]"));
      box.appendChild(b);
    });
    if (!full && qs.length > 1) box.appendChild(el("div", "more", tr("more_quotes", { n: qs.length - 1 })));
  }
  function renderEdge(box, e) {
    box.textContent = "";
    var a = nodeById[e.f], b = nodeById[e.t];
    var title = pageLang === "both" ? (e.en || "") + (e.zh ? " · " + e.zh : "") : nameIn(e.en, e.zh, "");
    box.appendChild(el("div", "i-title", title));
    if (e.v !== null && e.v !== undefined) box.appendChild(el("div", "i-lead", tr("count") + e.v.toLocaleString("en")));
    renderQuotes(box, e.q, false);
    box.appendChild(el("div", "i-type", nameIn(a.en, a.zh, a.c) + " → " + nameIn(b.en, b.zh, b.c)));
    if (e.d && e.note !== "component") box.appendChild(el("div", "i-def", tr("dashed")));
  }
  function showTip(ev, fill) {
    fill(tip);
    tip.style.display = "block";
    var r = container.getBoundingClientRect();
    var x = r.left + ev.pointer.DOM.x + 16, y = r.top + ev.pointer.DOM.y + 16;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 8) x = Math.max(8, x - w - 32);
    if (y + h > window.innerHeight - 8) y = Math.max(8, window.innerHeight - h - 8);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  network.on("hoverNode", function (p) { showTip(p, function (b) { renderNode(b, nodeById[p.node], false); }); });
  network.on("hoverEdge", function (p) { showTip(p, function (b) { renderEdge(b, data.edges[p.edge]); }); });
  network.on("blurNode", function () { tip.style.display = "none"; });
  network.on("blurEdge", function () { tip.style.display = "none"; });
  network.on("dragStart", function () { tip.style.display = "none"; });
  network.on("click", function (p) {
    if (p.nodes.length) renderNode(details, nodeById[p.nodes[0]], true);
    else if (p.edges.length) renderEdge(details, data.edges[p.edges[0]]);
    focused = p.nodes.length ? p.nodes[0] : null;
    saveState();
  });

  /* ---------------------------------------------------------------- search and highlight */
  /* labels are matched in simplified characters: the page carries each node's key precomputed with OpenCC (sk)
     and, for the characters of the labels, a traditional -> simplified map (zm) applied to what is typed */
  var zm = data.zm || {};
  function simplified(s) {
    return Array.from(norm(s)).map(function (ch) { return zm[ch] || ch; }).join("");
  }
  var haystack = data.nodes.map(function (n) {
    return n.sk !== undefined ? n.sk : norm([n.en, n.zh, n.c].concat(n.a || []).join("\u0001"));
  });
  var searchBox = document.getElementById("search");
  var results = document.getElementById("results");
  var dimmed = false;
  var focused = null;  /* the node last selected (its key goes into the URL) */

  function search(q) {
    var needle = simplified(q).trim();
    if (!needle) return [];
    var out = [];
    for (var i = 0; i < haystack.length; i++) {
      var id = data.nodes[i].id;
      /* an unconnected node is found even while hidden (focusing it shows the unconnected nodes) */
      if (haystack[i].indexOf(needle) >= 0 && present[id] && kindOn[data.nodes[id].k]) out.push(id);
    }
    return out;
  }
  function highlight(ids) {
    var on = {};
    ids.forEach(function (id) { on[id] = true; });
    var upd = [];
    data.nodes.forEach(function (n) {
      if (!present[n.id]) return;
      upd.push({ id: n.id, color: nodeColour(n.k, ids.length > 0 && !on[n.id]), borderWidth: on[n.id] || n.focus ? 4 : 1 });
    });
    nodes.update(upd);
    dimmed = ids.length > 0;
    matched = on;
  }
  function focusNode(id) {
    if (isolated[id] && !showIsolated) setIsolatedVisible(true);
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    renderNode(details, nodeById[id], true);
    focused = id;
    saveState();
  }
  function runSearch() {
    var ids = search(searchBox.value);
    results.textContent = "";
    highlight(ids);
    if (!searchBox.value.trim()) return ids;
    results.appendChild(el("div", "r-count", tr(ids.length === 1 ? "match" : "matches", { n: ids.length })));
    ids.slice(0, 40).forEach(function (id) {
      var n = nodeById[id];
      var b = el("button", "r-item");
      b.type = "button";
      var sw = el("span", "swatch");
      sw.style.background = (kinds[n.k] || { colour: "#999" }).colour;
      b.appendChild(sw);
      var shown = pageLang === "both" ? (n.en || "") + (n.zh && n.zh !== n.en ? " · " + n.zh : "") : nameIn(n.en, n.zh, "");
      b.appendChild(document.createTextNode(shown || n.c));
      b.addEventListener("click", function () { focusNode(id); });
      results.appendChild(b);
    });
    return ids;
  }
  searchBox.addEventListener("input", function () { runSearch(); saveState(); });
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var ids = runSearch();
      if (ids.length) focusNode(ids[0]);
    } else if (ev.key === "Escape") {
      searchBox.value = "";
      runSearch();
      saveState();
    }
  });
  document.getElementById("clear").addEventListener("click", function () {
    searchBox.value = "";
    runSearch();
    network.unselectAll();
    focused = null;
    saveState();
  });
  document.getElementById("fit").addEventListener("click", fitView);

  /* ---------------------------------------------------------------- filter by kind */
  var legend = document.getElementById("legend");
  var checkboxes = {};
  function setKindVisible(key, on) {
    if (on) addKind(key);
    kindOn[key] = on;
    var ids = (byKind[key] || []).filter(function (id) { return present[id]; });
    nodes.update(ids.map(function (id) { return { id: id, hidden: hiddenNow(id) }; }));
    if (checkboxes[key]) checkboxes[key].checked = on;
    var nowBig = nodes.get({ filter: function (n) { return !n.hidden; } }).length > BIG;
    if (nowBig !== big) {
      big = nowBig;
      network.setOptions({ edges: { arrows: { to: { enabled: !big } }, color: { opacity: big ? 1.0 : 0.85 } },
                           interaction: { hideEdgesOnDrag: big, hideEdgesOnZoom: big } });
    }
    if (dimmed) runSearch();
  }
  data.kinds.forEach(function (k) {
    var row = el("label", "legend-row" + (k.detail ? " detail" : ""));
    var cb = el("input");
    cb.type = "checkbox";
    cb.checked = !k.detail || data.showDetails;
    cb.setAttribute("data-kind", k.key);
    cb.addEventListener("change", function () { setKindVisible(k.key, cb.checked); });
    checkboxes[k.key] = cb;
    var sw = el("span", "swatch shape-" + (k.shape || "dot"));
    var drawn = nodeColour(k.key, false);  /* the colours nodes of this kind are drawn with */
    sw.style.background = drawn.background;
    sw.style.borderColor = drawn.border;
    row.appendChild(cb);
    row.appendChild(sw);
    row.appendChild(el("span", "legend-text", pageLang === "zh" ? k.zh || k.en : k.en));
    if (pageLang === "both") row.appendChild(el("span", "legend-zh", k.zh));
    row.appendChild(el("span", "legend-n", (byKind[k.key] || []).length));
    legend.appendChild(row);
  });
  /* unconnected nodes: hidden behind a switch, so that the drawing opens on what is linked */
  var isolatedSwitch = document.getElementById("isolated-switch");
  function setIsolatedVisible(on) {
    showIsolated = on;
    isolatedSwitch.checked = on;
    var ids = Object.keys(isolated).map(Number).filter(function (id) { return present[id]; });
    nodes.update(ids.map(function (id) { return { id: id, hidden: hiddenNow(id) }; }));
    if (dimmed) runSearch();
  }
  if (isolatedCount) {
    isolatedSwitch.parentNode.hidden = false;
    document.getElementById("isolated-n").textContent = " (" + isolatedCount + ")";
    isolatedSwitch.addEventListener("change", function () { setIsolatedVisible(isolatedSwitch.checked); });
  }
  var detailSwitch = document.getElementById("details-switch");
  var detailKinds = data.kinds.filter(function (k) { return k.detail; });
  if (detailKinds.length) {
    detailSwitch.parentNode.hidden = false;
    detailSwitch.checked = !!data.showDetails;
    detailSwitch.addEventListener("change", function () {
      detailKinds.forEach(function (k) { setKindVisible(k.key, detailSwitch.checked); });
    });
  }

  /* ---------------------------------------------------------------- language */
  var langSelect = document.getElementById("lang");
  langSelect.value = lang;
  langSelect.addEventListener("change", function () { setLang(langSelect.value); saveState(); });
  function setLang(value) {
    if (!/^(en|zh|both)$/.test(value)) return;
    lang = langSelect.value = value;
    data.nodes.forEach(function (n) { visNodes[n.id].label = labelOf(n, lang); });
    nodes.update(data.nodes.filter(function (n) { return present[n.id]; }).map(function (n) {
      return { id: n.id, label: visNodes[n.id].label };
    }));
    var upd = [];
    data.edges.forEach(function (e, i) {
      if (!e.l) return;
      visEdges[i].label = lang === "zh" && e.zh ? e.zh : e.en;
      if (edgePresent[i]) upd.push({ id: i, label: visEdges[i].label });
    });
    edges.update(upd);
  }

  var focus = data.nodes.filter(function (n) { return n.focus; })[0];
  if (focus) renderNode(details, focus, true);

  /* ---------------------------------------------------------------- view state in the URL
     #q=SEARCH&focus=CURIE&lang=en|zh|both: a search, a selected node and the language can be shared as a link
     and are restored when the page opens (or when the link's fragment changes). */
  function nodeKey(id) { var n = nodeById[id]; return n.c || "n" + n.id; }
  function nodeOfKey(key) {
    for (var i = 0; i < data.nodes.length; i++) if (nodeKey(data.nodes[i].id) === key) return data.nodes[i].id;
    return null;
  }
  var restoring = false;
  function stateHash() {
    var p = new URLSearchParams();
    if (searchBox.value.trim()) p.set("q", searchBox.value);
    if (focused !== null && focused !== undefined && nodeById[focused]) p.set("focus", nodeKey(focused));
    if (lang !== data.lang) p.set("lang", lang);
    var text = p.toString();
    return text ? "#" + text : "";
  }
  function saveState() {
    if (restoring) return;
    var hash = stateHash();
    if (hash === location.hash || (!hash && !location.hash)) return;
    var url = location.href.split("#")[0] + (hash || "#");
    try { history.replaceState(null, "", url); } catch (err) { location.replace(url); }
  }
  function restoreState() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    restoring = true;
    try {
      setLang(p.get("lang") || data.lang);
      searchBox.value = p.get("q") || "";
      runSearch();
      var id = p.has("focus") ? nodeOfKey(p.get("focus")) : null;
      if (id !== null && present[id] && kindOn[data.nodes[id].k]) focusNode(id);
    } finally {
      restoring = false;
    }
  }
  if (location.hash.length > 1) restoreState();
  window.addEventListener("hashchange", restoreState);

  window.ipgraphViz = {
    network: network, nodes: nodes, edges: edges, data: data, stats: stats,
    search: function (q) { searchBox.value = q; return runSearch(); },
    setKindVisible: setKindVisible,
    drawnNodeCount: function () { return network.body.nodeIndices.length; },
    drawnNodeIds: function () { return network.body.nodeIndices.slice(); },
    labelsOf: function (ids) {
      return ids.map(function (id) { var b = network.body.nodes[id]; return b ? b.options.label : null; });
    },
    focusNode: focusNode,
    stateHash: stateHash,
    layerLabels: function () { return layerLabels.slice(); },
    layerVisible: layerVisible,
    degree: degree,
    isolatedIds: function () { return Object.keys(isolated).map(Number); },
    setIsolatedVisible: setIsolatedVisible
  };
})();
