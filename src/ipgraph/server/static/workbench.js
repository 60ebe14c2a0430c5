// The query workbench: YASGUI's editor (YASQE) with completion from ipgraph's ontology, and its results view
// (YASR) with two views of its own: a table whose IRIs show their labels and link to the server's pages, and a
// bar or line chart (SVG). Downloads, and the query in the URL so a result can be shared. Same origin only: no
// prefix.cc, no LOV, no other endpoint; every string from the data is set as text, never as HTML.
(function () {
  'use strict';
  var Y = window.Yasgui;
  if (!Y || !Y.Yasqe || !Y.Yasr) {  // the bundle did not load: the plain editor's script instead
    var plain = document.createElement('script');
    plain.src = '/static/query.js';
    document.body.appendChild(plain);
    return;
  }
  var Yasqe = Y.Yasqe, Yasr = Y.Yasr;
  var T = JSON.parse(document.getElementById('ui-text').textContent);
  var catalog = JSON.parse(document.getElementById('catalog').textContent);
  var lang = document.documentElement.lang === 'zh' ? 'zh' : 'en';
  var ID = 'https://w3id.org/ipgraph/id/', ONT = 'https://w3id.org/ipgraph/ontology/';
  var XSD = 'http://www.w3.org/2001/XMLSchema#';
  var form = document.getElementById('qform');
  var textarea = document.getElementById('query');
  var select = document.getElementById('examples');
  var paramsEl = document.getElementById('params');
  var statusEl = document.getElementById('status');
  var resultsEl = document.getElementById('results');
  var byName = {};
  catalog.forEach(function (q) { byName[q.name] = q; });
  var here = new URLSearchParams(window.location.search);
  var VIEWS = ['ipgTable', 'ipgChart', 'response'];
  var state = {
    view: VIEWS.indexOf(here.get('view')) >= 0 ? here.get('view') : 'ipgTable',
    chart: here.get('chart') === 'line' ? 'line' : 'bar',
    x: here.get('x') || '', y: here.get('y') || ''
  };
  var current = null;          // the catalog query chosen, while its text is unchanged
  var lastText = null;         // the last SPARQL JSON answer, as received
  var labels = {};             // IRI → {en, zh, '': label}
  var prefixes = {};           // prefix → namespace (ipgraph's)
  var termLabels = {};         // ontology IRI → {en, zh}

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- completion from the ontology ---------------------------------------------------------------------------
  var termsReady = fetch('/workbench/terms.json').then(function (r) {
    return r.ok ? r.json() : { prefixes: {}, classes: [], properties: [] };
  }).catch(function () { return { prefixes: {}, classes: [], properties: [] }; }).then(function (t) {
    prefixes = t.prefixes || {};
    (t.classes || []).concat(t.properties || []).forEach(function (e) { termLabels[e.iri] = e; });
    return t;
  });
  function expand(yasqe, text) {
    if (text.charAt(0) === '<') return text.slice(1, -1);
    var at = text.indexOf(':');
    var known = Object.assign({}, prefixes, yasqe.getPrefixesFromQuery());
    return at > 0 && known[text.slice(0, at)] ? known[text.slice(0, at)] + text.slice(at + 1) : text;
  }
  function withLabels(yasqe, hints) {
    hints.forEach(function (h) {
      var term = termLabels[expand(yasqe, h.text)];
      var name = term && (term[lang] || term.en || term.zh);
      if (name) h.displayText = h.text + '  ·  ' + name;
    });
    return hints;
  }
  Yasqe.forkAutocompleter('prefixes', {
    name: 'ipgPrefixes', persistenceId: null,
    get: function () {
      return termsReady.then(function (t) {
        return Object.keys(t.prefixes || {}).sort().map(function (p) { return p + ': <' + t.prefixes[p] + '>'; });
      });
    }
  });
  Yasqe.forkAutocompleter('class', {
    name: 'ipgClasses', bulk: true, autoShow: false, persistenceId: null, postprocessHints: withLabels,
    get: function () { return termsReady.then(function (t) { return t.classes.map(function (e) { return e.iri; }); }); }
  });
  Yasqe.forkAutocompleter('property', {
    name: 'ipgProperties', bulk: true, autoShow: false, persistenceId: null, postprocessHints: withLabels,
    get: function () {
      return termsReady.then(function (t) { return t.properties.map(function (e) { return e.iri; }); });
    }
  });
  var COMPLETERS = ['variables', 'ipgPrefixes', 'ipgClasses', 'ipgProperties'];
  Yasqe.defaults.autocompleters = COMPLETERS.slice();  // never the LOV or prefix.cc look-ups
  Yasqe.defaults.prefixCcApi = null;

  // ---- the editor ---------------------------------------------------------------------------------------------
  var host = el('div'); host.id = 'yasqe';
  textarea.parentNode.insertBefore(host, textarea);
  textarea.hidden = true;
  var yasqe = new Yasqe(host, {
    value: textarea.value,
    persistenceId: null,
    consumeShareLink: null,
    createShareableLink: null,
    createShortLink: undefined,
    showQueryButton: false,
    autocompleters: COMPLETERS.slice(),
    prefixCcApi: null,
    editorHeight: '220px',
    requestConfig: { endpoint: '/sparql', method: 'POST' }
  });
  // Ctrl+Enter runs here (with the page's own request), never by YASQE's own request code
  yasqe.query = function () { run(); return Promise.resolve(); };
  yasqe.setOption('extraKeys', Object.assign({}, yasqe.getOption('extraKeys'), {
    'Ctrl-Enter': function () { run(); }, 'Cmd-Enter': function () { run(); }
  }));
  window.ipgraphWorkbench = { yasqe: yasqe };
  var downloadSelect = document.getElementById('download');
  if (downloadSelect) downloadSelect.parentNode.hidden = true;  // the result's own download buttons instead

  function showParams(q, given) {  // the catalog query's parameters: the values given in the URL, else defaults
    paramsEl.textContent = '';
    if (!q) return;
    q.params.forEach(function (p) {
      var label = el('label', p.name + ' ');
      var input = el('input');
      input.name = p.name; input.value = given && given.get(p.name) !== null ? given.get(p.name) : (p.default || '');
      input.title = p.type + ': ' + p.description;
      label.appendChild(input); paramsEl.appendChild(label);
    });
  }
  select.addEventListener('change', function () {
    var q = byName[select.value] || null;
    showParams(q, null);
    current = q;
    if (q) yasqe.setValue(q.text);
  });

  // ---- results ------------------------------------------------------------------------------------------------
  function localPath(iri) {
    var path = null;
    if (iri.indexOf(ID) === 0 && iri.length > ID.length) path = '/id/' + iri.slice(ID.length);
    else if (iri.indexOf(ONT) === 0) path = iri.length > ONT.length ? '/ontology/' + iri.slice(ONT.length) : '/ontology';
    if (path && lang !== 'en') path += '?lang=' + lang;
    return path;
  }
  function compact(iri) {
    var best = '';
    Object.keys(prefixes).forEach(function (p) {
      var ns = prefixes[p];
      if (iri.indexOf(ns) === 0 && ns.length > (prefixes[best] || '').length) best = p;
    });
    return best ? best + ':' + iri.slice(prefixes[best].length) : iri;
  }
  function labelOf(iri) {
    var l = labels[iri];
    if (!l) return '';
    return l[lang] || l[lang === 'zh' ? 'en' : 'zh'] || l[''] || '';
  }
  function termText(b) {
    if (!b) return '';
    if (b.type === 'uri') return labelOf(b.value) || compact(b.value);
    if (b.type === 'bnode') return '_:' + b.value;
    return b.value;
  }
  function isNumber(b) {
    if (!b || (b.type !== 'literal' && b.type !== 'typed-literal')) return false;
    var dt = b.datatype || '';
    var numeric = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger|gYear)$/;
    return (numeric.test(dt) || (!dt && !b['xml:lang'])) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(b.value);
  }
  function iriCell(iri) {
    var shown = labelOf(iri) || compact(iri);
    var path = localPath(iri);
    var a;
    if (path) a = el('a', shown);
    else if (/^https?:\/\//i.test(iri)) { a = el('a', shown, 'ext'); a.rel = 'nofollow noopener noreferrer'; }
    else return el('code', iri);  // javascript:, data:, urn: … are text, never links
    a.href = path || iri;
    a.title = iri;
    return a;
  }
  function cell(b) {
    var td = el('td');
    if (!b) return td;
    if (b.type === 'uri') { td.appendChild(iriCell(b.value)); return td; }
    if (b.type === 'bnode') { td.appendChild(el('span', '_:' + b.value, 'bnode')); return td; }
    td.appendChild(el('span', b.value));
    if (b['xml:lang']) { td.lang = b['xml:lang']; td.appendChild(el('sup', '@' + b['xml:lang'])); }
    else if (isNumber(b)) { td.className = 'num'; td.title = compact(b.datatype || XSD + 'decimal'); }
    else if (b.datatype && b.datatype.indexOf('#string') < 0) {
      var sup = el('sup', compact(b.datatype)); sup.title = b.datatype; td.appendChild(sup);
    }
    return td;
  }
  function compare(a, b) {
    if (isNumber(a) && isNumber(b)) return parseFloat(a.value) - parseFloat(b.value);
    if (!a) return b ? 1 : 0;
    if (!b) return -1;
    return termText(a).localeCompare(termText(b), lang === 'zh' ? 'zh' : 'en', { numeric: true });
  }
  function bindings(yasr) { return yasr.results.getBindings() || []; }
  function variables(yasr) { return yasr.results.getVariables() || []; }
  function hasRows(yasr) {
    var r = yasr.results;
    return !!r && !r.hasError() && r.getBoolean() === undefined && variables(yasr).length > 0;
  }

  function LabelledTable(yasr) {
    this.yasr = yasr; this.priority = 10; this.label = T.table; this.sortVar = null; this.sortDir = 1;
  }
  LabelledTable.prototype.canHandleResults = function () { return hasRows(this.yasr); };
  function icon(shapes) {  // a small SVG icon for a view's button
    var g = svg('svg', { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', class: 'wb-icon' });
    shapes.forEach(function (r) { g.appendChild(svg('rect', { x: r[0], y: r[1], width: r[2], height: r[3] })); });
    return g;
  }
  LabelledTable.prototype.getIcon = function () {
    return icon([[1, 2, 14, 3], [1, 7, 6, 2], [9, 7, 6, 2], [1, 11, 6, 2], [9, 11, 6, 2]]);
  };
  LabelledTable.prototype.download = function () {
    return { contentType: 'text/csv', getData: function () { return toCsv(); }, filename: 'result.csv', title: 'CSV' };
  };
  LabelledTable.prototype.draw = function () {
    var self = this, vars = variables(this.yasr), rows = bindings(this.yasr).slice();
    if (this.sortVar !== null && vars.indexOf(this.sortVar) >= 0) {
      rows.sort(function (a, b) { return self.sortDir * compare(a[self.sortVar], b[self.sortVar]); });
    }
    var table = el('table', null, 'results');
    var tr = el('tr');
    vars.forEach(function (v) {
      var th = el('th');
      var button = el('button', v + (self.sortVar === v ? (self.sortDir > 0 ? ' ▲' : ' ▼') : ''), 'sort');
      button.type = 'button'; button.title = T.sort;
      button.addEventListener('click', function () {
        self.sortDir = self.sortVar === v ? -self.sortDir : 1; self.sortVar = v; self.draw();
      });
      th.appendChild(button);
      if (self.sortVar === v) th.setAttribute('aria-sort', self.sortDir > 0 ? 'ascending' : 'descending');
      tr.appendChild(th);
    });
    var thead = el('thead'); thead.appendChild(tr); table.appendChild(thead);
    var tbody = el('tbody');
    rows.slice(0, 5000).forEach(function (row) {
      var r = el('tr');
      vars.forEach(function (v) { r.appendChild(cell(row[v])); });
      tbody.appendChild(r);
    });
    table.appendChild(tbody);
    var wrap = el('div', null, 'table-wrap'); wrap.appendChild(table);
    this.yasr.resultsEl.textContent = '';
    this.yasr.resultsEl.appendChild(wrap);
  };

  function Chart(yasr) { this.yasr = yasr; this.priority = 5; this.label = T.chart; }
  Chart.prototype.canHandleResults = function () { return hasRows(this.yasr) && bindings(this.yasr).length > 0; };
  Chart.prototype.getIcon = function () { return icon([[1, 9, 3, 6], [6, 4, 3, 11], [11, 7, 3, 8]]); };
  Chart.prototype.draw = function () {
    var vars = variables(this.yasr), rows = bindings(this.yasr);
    var numeric = vars.filter(function (v) { return rows.some(function (r) { return isNumber(r[v]); }); });
    var out = this.yasr.resultsEl;
    out.textContent = '';
    if (!numeric.length) { out.appendChild(el('p', T.no_numbers, 'note')); return; }
    if (vars.indexOf(state.x) < 0) state.x = vars.filter(function (v) { return numeric.indexOf(v) < 0; })[0] || vars[0];
    if (numeric.indexOf(state.y) < 0) state.y = numeric.filter(function (v) { return v !== state.x; })[0] || numeric[0];
    var controls = el('p', null, 'chart-controls');
    function choice(name, label, options, value, texts) {
      var l = el('label', label + ' ');
      var s = el('select'); s.name = name;
      options.forEach(function (o, i) { var opt = el('option', texts ? texts[i] : o); opt.value = o; s.appendChild(opt); });
      s.value = value;
      s.addEventListener('change', function () { state[name] = s.value; share(); drawChart(out.querySelector('.chart'), rows); });
      l.appendChild(s); controls.appendChild(l);
    }
    choice('chart', '', ['bar', 'line'], state.chart, [T.bar, T.line]);
    choice('x', T.labels, vars, state.x);
    choice('y', T.values, numeric, state.y);
    out.appendChild(controls);
    var box = el('div', null, 'chart');
    out.appendChild(box);
    drawChart(box, rows);
  };
  function drawChart(box, rows) {
    var points = rows.filter(function (r) { return isNumber(r[state.y]); }).slice(0, 200).map(function (r) {
      return { label: termText(r[state.x]) || '—', value: parseFloat(r[state.y].value), iri: r[state.x] && r[state.x].type === 'uri' ? r[state.x].value : null };
    });
    box.textContent = '';
    var width = Math.max(300, Math.min(box.clientWidth || 800, 1100));
    var max = Math.max.apply(null, points.map(function (p) { return p.value; }).concat([0]));
    var min = Math.min.apply(null, points.map(function (p) { return p.value; }).concat([0]));
    var span = (max - min) || 1;
    var chart;
    function cut(text, n) { return text.length > n ? text.slice(0, n - 1) + '…' : text; }
    function fmt(v) { return v.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: 2 }); }
    if (state.chart === 'bar') {
      var rowH = 22, labelW = Math.min(Math.round(width * 0.38), 260), valueW = 64;
      var plotW = width - labelW - valueW - 8;
      var height = points.length * rowH + 10;
      var maxChars = Math.max(6, Math.floor(labelW / 7.5));
      chart = svg('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', class: 'bar-chart' });
      chart.appendChild(svg('title', {}, state.y + ' / ' + state.x));
      var zero = labelW + plotW * (0 - min) / span;
      points.forEach(function (p, i) {
        var y = 5 + i * rowH;
        var g = svg('g', {});
        var label = svg('text', { x: labelW - 6, y: y + 15, 'text-anchor': 'end', class: 'label' }, cut(p.label, maxChars));
        var full = svg('title', {}, p.label + ': ' + fmt(p.value));
        var x0 = labelW + plotW * (Math.min(p.value, 0) - min) / span;
        var w = Math.max(1, plotW * Math.abs(p.value) / span);
        g.appendChild(full); g.appendChild(label);
        g.appendChild(svg('rect', { x: x0, y: y + 3, width: w, height: rowH - 6, class: 'bar' }));
        g.appendChild(svg('text', { x: Math.max(x0 + w, zero) + 4, y: y + 15, class: 'value' }, fmt(p.value)));
        chart.appendChild(g);
      });
      chart.appendChild(svg('line', { x1: zero, x2: zero, y1: 0, y2: height, class: 'axis' }));
    } else {
      var h = 320, left = 100, right = 16, top = 16, bottom = 90;
      var pw = width - left - right, ph = h - top - bottom;
      chart = svg('svg', { width: width, height: h, viewBox: '0 0 ' + width + ' ' + h, role: 'img', class: 'line-chart' });
      chart.appendChild(svg('title', {}, state.y + ' / ' + state.x));
      var step = points.length > 1 ? pw / (points.length - 1) : 0;
      var X = function (i) { return left + (points.length > 1 ? i * step : pw / 2); };
      var Yp = function (v) { return top + ph - ph * (v - min) / span; };
      [min, (min + max) / 2, max].forEach(function (v) {
        chart.appendChild(svg('line', { x1: left, x2: left + pw, y1: Yp(v), y2: Yp(v), class: 'grid' }));
        chart.appendChild(svg('text', { x: left - 6, y: Yp(v) + 4, 'text-anchor': 'end', class: 'value' }, fmt(v)));
      });
      chart.appendChild(svg('polyline', {
        points: points.map(function (p, i) { return X(i) + ',' + Yp(p.value); }).join(' '), class: 'line'
      }));
      var every = Math.max(1, Math.ceil(points.length / Math.max(1, Math.floor(pw / 28))));
      points.forEach(function (p, i) {
        var dot = svg('circle', { cx: X(i), cy: Yp(p.value), r: 3.5, class: 'dot' });
        dot.appendChild(svg('title', {}, p.label + ': ' + fmt(p.value)));
        chart.appendChild(dot);
        if (i % every === 0) {
          chart.appendChild(svg('text', {
            x: X(i), y: top + ph + 14, 'text-anchor': 'end', class: 'label',
            transform: 'rotate(-40 ' + X(i) + ' ' + (top + ph + 14) + ')'
          }, cut(p.label, 16)));
        }
      });
    }
    box.appendChild(chart);
  }

  Object.keys(Yasr.plugins).forEach(function (name) {  // only the views written for ipgraph, and YASR's plain ones
    if (['response', 'boolean', 'error'].indexOf(name) < 0) { delete Yasr.plugins[name]; delete Yasr.defaults.plugins[name]; }
  });
  Yasr.registerPlugin('ipgTable', LabelledTable);
  Yasr.registerPlugin('ipgChart', Chart);
  var yasrHost = el('div'); yasrHost.id = 'yasr';
  var tools = el('p', null, 'result-tools'); tools.hidden = true;
  var errorBox = el('div');
  var warningBox = el('div'); warningBox.id = 'warnings';
  resultsEl.appendChild(warningBox); resultsEl.appendChild(errorBox); resultsEl.appendChild(tools); resultsEl.appendChild(yasrHost);
  var yasr = new Yasr(yasrHost, {
    persistenceId: null,
    pluginOrder: ['ipgTable', 'ipgChart', 'response'],
    defaultPlugin: 'ipgTable',
    prefixes: function () { return prefixes; },
    getPlainQueryLinkToEndpoint: undefined
  });
  var responseButton = yasrHost.querySelector('.select_response span');
  if (responseButton) responseButton.textContent = T.raw;
  var summary = '';
  yasr.updateResponseInfo = function () { if (this.dataElement) this.dataElement.textContent = summary; };
  yasr.on('change', function () {
    var view = yasr.getSelectedPluginName();
    state.view = VIEWS.indexOf(view) >= 0 ? view : 'ipgTable';
    share();
  });
  Array.prototype.forEach.call(yasrHost.querySelectorAll('.yasr_btnGroup button'), function (b) {
    var label = b.querySelector('span');  // the view's name in the page's language, for screen readers too
    if (label) { b.title = label.textContent; b.setAttribute('aria-label', label.textContent); }
  });
  window.ipgraphWorkbench.yasr = yasr;

  // ---- downloads ----------------------------------------------------------------------------------------------
  function rawRows() {
    var data = JSON.parse(lastText);
    return { vars: data.head.vars, rows: data.results ? data.results.bindings : [] };
  }
  function csvField(s) { return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
  function toCsv() {
    var d = rawRows();
    var lines = [d.vars.map(csvField).join(',')];
    d.rows.forEach(function (r) { lines.push(d.vars.map(function (v) { return csvField(r[v] ? r[v].value : ''); }).join(',')); });
    return lines.join('\r\n') + '\r\n';
  }
  function tsvTerm(b) {
    if (!b) return '';
    if (b.type === 'uri') return '<' + b.value + '>';
    if (b.type === 'bnode') return '_:' + b.value;
    var s = '"' + b.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') + '"';
    if (b['xml:lang']) return s + '@' + b['xml:lang'];
    if (b.datatype && b.datatype !== XSD + 'string') return s + '^^<' + b.datatype + '>';
    return s;
  }
  function toTsv() {
    var d = rawRows();
    var lines = [d.vars.map(function (v) { return '?' + v; }).join('\t')];
    d.rows.forEach(function (r) { lines.push(d.vars.map(function (v) { return tsvTerm(r[v]); }).join('\t')); });
    return lines.join('\n') + '\n';
  }
  var FORMATS = [
    ['CSV', 'text/csv', 'csv', toCsv],
    ['TSV', 'text/tab-separated-values', 'tsv', toTsv],
    ['JSON', 'application/sparql-results+json', 'json', function () { return lastText; }]
  ];
  tools.appendChild(el('span', T.download + ': '));
  FORMATS.forEach(function (f) {
    var b = el('button', f[0], 'download'); b.type = 'button'; b.dataset.format = f[2];
    b.addEventListener('click', function () {
      var a = el('a'); a.href = URL.createObjectURL(new Blob([f[3]()], { type: f[1] }));
      a.download = 'result.' + f[2]; document.body.appendChild(a); a.click(); a.remove();
    });
    tools.appendChild(b);
  });
  var shareLink = el('a', T.share); shareLink.id = 'share';
  tools.appendChild(el('span', ' · ')); tools.appendChild(shareLink);

  // ---- the URL of a result ------------------------------------------------------------------------------------
  function shareUrl() {
    var qs = new URLSearchParams();
    if (current && yasqe.getValue() === current.text) {
      qs.set('example', current.name);
      Array.prototype.forEach.call(paramsEl.querySelectorAll('input'), function (i) { qs.set(i.name, i.value); });
    } else {
      qs.set('query', yasqe.getValue());
    }
    if (lang !== 'en') qs.set('lang', lang);
    if (state.view && state.view !== 'ipgTable') qs.set('view', state.view);
    if (state.view === 'ipgChart') { qs.set('chart', state.chart); qs.set('x', state.x); qs.set('y', state.y); }
    return '/?' + qs.toString();
  }
  function share() {
    var url = shareUrl();
    shareLink.href = url;
    window.history.replaceState(null, '', url);
  }

  // ---- running ------------------------------------------------------------------------------------------------
  var ACCEPT = 'application/sparql-results+json, text/turtle;q=0.9';
  function request() {
    if (current && yasqe.getValue() === current.text) {
      var qs = new URLSearchParams();
      Array.prototype.forEach.call(paramsEl.querySelectorAll('input'), function (i) { qs.set(i.name, i.value); });
      return { url: '/queries/' + encodeURIComponent(current.name) + '?' + qs.toString(), init: { headers: { Accept: ACCEPT } } };
    }
    var body = new URLSearchParams(); body.set('query', yasqe.getValue());
    return { url: '/sparql', init: { method: 'POST', body: body, headers: { Accept: ACCEPT } } };
  }
  function safeIri(iri) { return /^https?:\/\/[^\s<>"{}|\\^`]*$/i.test(iri); }
  function post(query) {
    var body = new URLSearchParams(); body.set('query', query);
    return fetch('/sparql', { method: 'POST', body: body, headers: { Accept: 'application/sparql-results+json' } })
      .then(function (r) { return r.ok ? r.json() : null; });
  }
  function fetchLabels(data) {
    var want = [], seen = {};
    (data.results ? data.results.bindings : []).forEach(function (row) {
      data.head.vars.forEach(function (v) {
        var t = row[v];
        if (t && t.type === 'uri' && safeIri(t.value) && !seen[t.value] && !labels[t.value]) { seen[t.value] = 1; want.push(t.value); }
      });
    });
    var chunks = [];
    want = want.slice(0, 2000);
    for (var i = 0; i < want.length; i += 200) chunks.push(want.slice(i, i + 200));
    return Promise.all(chunks.map(function (chunk) {
      var q = 'SELECT ?s ?p ?l WHERE { VALUES ?s { ' + chunk.map(function (iri) { return '<' + iri + '>'; }).join(' ') +
        ' } VALUES ?p { skos:prefLabel rdfs:label } ?s ?p ?l FILTER(isLiteral(?l)) }';
      return post(q).then(function (res) {
        if (!res) return;
        var rank = {};
        res.results.bindings.forEach(function (b) {
          var l = (b.l['xml:lang'] || '').toLowerCase().slice(0, 2);
          l = l === 'en' || l === 'zh' ? l : '';
          var key = b.s.value + ' ' + l, r = b.p.value.indexOf('prefLabel') >= 0 ? 2 : 1;
          if ((rank[key] || 0) >= r) return;
          rank[key] = r;
          (labels[b.s.value] = labels[b.s.value] || {})[l] = b.l.value;
        });
      }).catch(function () {});
    }));
  }
  function unknownTerms() {  // ipg: names the ontology does not define (a misspelt property gives an empty column)
    if (!Object.keys(termLabels).length) return [];
    var text = yasqe.getValue().replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*/g, ' ');
    var declared = Object.assign({}, prefixes, yasqe.getPrefixesFromQuery());
    var found = [], seen = {}, m;
    var names = /(^|[\s(){},;.|\/^!=*+-])([A-Za-z][\w-]*):([A-Za-z_][\w-]*)/g;
    while ((m = names.exec(text)) !== null) {
      var iri = (declared[m[2]] || '') + m[3];
      if (declared[m[2]] === ONT && !termLabels[iri] && !seen[iri]) { seen[iri] = 1; found.push(m[2] + ':' + m[3]); }
    }
    var full = /<(https:\/\/w3id\.org\/ipgraph\/ontology\/[^>\s]+)>/g;
    while ((m = full.exec(text)) !== null) {
      if (!termLabels[m[1]] && !seen[m[1]]) { seen[m[1]] = 1; found.push('<' + m[1] + '>'); }
    }
    return found;
  }
  function showWarnings() {
    warningBox.textContent = '';
    var unknown = unknownTerms();
    if (unknown.length) warningBox.appendChild(el('p', T.unknown + ' ' + unknown.join(', '), 'warning'));
  }
  function showError(message) {
    errorBox.textContent = '';
    errorBox.appendChild(el('p', message, 'error'));
    yasrHost.hidden = true; tools.hidden = true;
  }
  function run() {
    var req = request();
    statusEl.textContent = T.running;
    errorBox.textContent = '';
    showWarnings();
    var started = Date.now();
    share();
    return fetch(req.url, req.init).then(function (resp) {
      return resp.text().then(function (text) {
        if (!resp.ok) throw new Error(resp.status + ': ' + text);
        var type = resp.headers.get('Content-Type') || '';
        var ms = Date.now() - started;
        var done = Promise.resolve();
        var data = null;
        if (type.indexOf('json') >= 0) {
          data = JSON.parse(text);
          lastText = text;
          if (data.head && data.head.vars) done = fetchLabels(data);
        } else {
          lastText = null;
        }
        return done.then(function () {
          var n = data && data.results ? data.results.bindings.length : null;
          summary = n === null ? '' : n + ' ' + (n === 1 ? T.row : T.rows) + ' ' + T['in'] + ' ' + ms + ' ms';
          yasrHost.hidden = false;
          tools.hidden = lastText === null || !(data && data.results);
          if (yasr.getSelectedPluginName() !== state.view) yasr.selectPlugin(state.view);
          yasr.setResponse({ data: text, contentType: type.split(';')[0], status: resp.status, executionTime: ms }, ms);
          statusEl.textContent = summary || (data && data.boolean !== undefined ? T[String(data.boolean)] : '');
          var triples = data === null && yasr.results && !yasr.results.hasError() ? yasr.results.getBindings() : null;
          if (triples && triples.length) {  // a graph (CONSTRUCT, DESCRIBE) as YASR read it: its labels too
            summary = triples.length + ' ' + (triples.length === 1 ? T.row : T.rows) + ' ' + T['in'] + ' ' + ms + ' ms';
            statusEl.textContent = summary;
            var graph = { head: { vars: yasr.results.getVariables() }, results: { bindings: triples } };
            return fetchLabels(graph).then(function () { yasr.refresh(); });
          }
        });
      });
    }).catch(function (err) {
      showError(err.message);
      statusEl.textContent = '';
    });
  }
  form.addEventListener('submit', function (ev) { ev.preventDefault(); run(); });

  function declarePrefixes() {
    var text = yasqe.getValue().replace(/<[^>\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*/g, ' ');
    var declared = yasqe.getPrefixesFromQuery(), missing = {}, any = false, m;
    var used = /(^|[\s(){},;.|\/^!=<>*+-])([A-Za-z][\w-]*):/g;
    while ((m = used.exec(text)) !== null) {
      if (prefixes[m[2]] && !declared[m[2]]) { missing[m[2]] = prefixes[m[2]]; any = true; }
    }
    if (any) yasqe.addPrefixes(missing);
  }

  // ---- a shared URL: the query (or catalog query and its parameters) and the view it names --------------------
  if (here.get('example') && byName[here.get('example')]) {
    select.value = here.get('example');
    current = byName[select.value];
    showParams(current, here);
    yasqe.setValue(current.text);
    termsReady.then(run);
  } else {
    if (here.get('query')) yasqe.setValue(here.get('query'));
    termsReady.then(function () {
      declarePrefixes();
      yasqe.clearHistory();
      if (here.get('query')) run();
    });
  }
})();
