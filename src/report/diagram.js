// faultline's space-time diagram: draws the window of a run the reader
// looks at, from the JSON block #run-data (see src/report/diagram.rs for
// its arrays). Times are virtual nanoseconds.
(function () {
  "use strict";
  var errors = 0;
  window.addEventListener("error", function () {
    errors += 1;
    document.body.dataset.errors = String(errors);
  });
  document.body.dataset.errors = "0";

  var D = JSON.parse(document.getElementById("run-data").textContent);
  // What the arrays' codes mean, from the data (src/report/diagram.rs).
  var FATE = D.names.fates, BAND = D.names.bands, TICK = D.names.ticks, OUTCOME = D.names.outcomes;
  var NS = "http://www.w3.org/2000/svg";
  var svg = document.getElementById("diagram");
  var wrap = document.getElementById("diagram-wrap");
  var hover = document.getElementById("hover");
  var failureEl = document.getElementById("failure");
  var failAt = failureEl ? Number(failureEl.dataset.at) : null;
  var LANE_H = 30, LEFT = 64, TOP = 24, MAX_DRAWN = 30000;
  var laneCount = D.nodes + D.processes.length;
  var hiddenLanes = {}, hiddenKinds = {};
  var showTimers = true, showClients = true;
  var end = Math.max(D.end, 1);
  // A link may ask for a window: report.html#whole, or #t=FROM-TO in ms.
  var view = viewFromHash() || initialView();
  function viewFromHash() {
    if (location.hash === "#whole") return [0, end];
    var m = /^#t=([0-9.]+)-([0-9.]+)$/.exec(location.hash);
    if (!m || Number(m[2]) <= Number(m[1])) return null;
    return [Number(m[1]) * 1e6, Number(m[2]) * 1e6];
  }

  function laneName(l) {
    return l < D.nodes ? "n" + l : "p" + D.processes[l - D.nodes];
  }
  function initialView() {
    if (failAt === null) return [0, end];
    var before = Math.min(failAt, 500e6);
    return [failAt - before, Math.min(end, failAt + 50e6) + 1];
  }
  function ms(t) { return (t / 1e6).toFixed(3) + " ms"; }

  // Rows: the visible lanes, in order; a client's lane is narrower than a
  // node's. rowOf[l] is -1 for a hidden lane, else its lane's middle.
  var rowOf = [], CLIENT_H = 16;
  function laneHeight(l) { return l < D.nodes ? LANE_H : CLIENT_H; }
  function layout() {
    var y = TOP;
    for (var l = 0; l < laneCount; l++) {
      if (hiddenLanes[l]) { rowOf[l] = -1; continue; }
      rowOf[l] = y + laneHeight(l) / 2;
      y += laneHeight(l);
    }
    return y;
  }
  function width() { return Math.max(wrap.clientWidth, 600); }
  function xOf(t, w) { return LEFT + (t - view[0]) / (view[1] - view[0]) * (w - LEFT - 12); }
  function yOf(l) { return rowOf[l]; }
  function visible(a, b) { return b >= view[0] && a <= view[1]; }

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    parent.appendChild(e);
    return e;
  }

  function render() {
    var w = width(), h = layout() + 8;
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    svg.setAttribute("height", h);
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var frag = document.createDocumentFragment();
    var drawn = { n: 0 };
    axis(frag, w, h);
    bands(frag, w);
    lanes(frag, w);
    messages(frag, w, drawn);
    if (showClients) clients(frag, w, drawn);
    if (showTimers) ticks(frag, w, drawn);
    failureMarker(frag, w, h);
    svg.appendChild(frag);
    document.getElementById("from").value = (view[0] / 1e6).toFixed(3);
    document.getElementById("to").value = (view[1] / 1e6).toFixed(3);
    document.body.dataset.drawn = String(drawn.n);
    document.getElementById("shown").textContent = " showing " + ms(view[1] - view[0]) +
      ", " + drawn.n + " events drawn" + (drawn.n >= MAX_DRAWN ? " (capped: zoom in for the rest)" : "");
  }

  function axis(p, w, h) {
    var g = el("g", { "class": "axis" }, p);
    var span = view[1] - view[0], step = Math.pow(10, Math.floor(Math.log10(span / 8)));
    if (span / step > 16) step *= 5; else if (span / step > 8) step *= 2;
    for (var t = Math.ceil(view[0] / step) * step; t <= view[1]; t += step) {
      var x = xOf(t, w);
      el("line", { x1: x, x2: x, y1: 14, y2: h }, g);
      el("text", { x: x + 2, y: 11 }, g).textContent = (t / 1e6).toFixed(step < 1e6 ? 3 : 0) + " ms";
    }
  }

  function lanes(p, w) {
    for (var l = 0; l < laneCount; l++) {
      if (rowOf[l] < 0) continue;
      var g = el("g", { "class": "lane", "data-lane": laneName(l) }, p);
      var y = yOf(l);
      el("line", { x1: LEFT, x2: w - 8, y1: y, y2: y }, g);
      el("text", { x: 4, y: y + 4 }, g).textContent = laneName(l);
    }
  }

  function bands(p, w) {
    D.bands.forEach(function (b) {
      if (rowOf[b[0]] < 0 || !visible(b[1], b[2])) return;
      var x0 = Math.max(xOf(b[1], w), LEFT), x1 = Math.min(xOf(b[2], w), w - 8);
      el("rect", { "class": "band " + BAND[b[3]], x: x0, width: Math.max(x1 - x0, 1),
        y: yOf(b[0]) - laneHeight(b[0]) / 2 + 2, height: laneHeight(b[0]) - 4, "data-t": b[4],
        "data-info": ms(b[1]) + " to " + ms(b[2]) }, p);
    });
  }

  function messages(p, w, drawn) {
    for (var i = 0; i < D.msgs.length && drawn.n < MAX_DRAWN; i++) {
      var m = D.msgs[i];
      if (!visible(m[0], m[3]) || rowOf[m[1]] < 0 || rowOf[m[2]] < 0 || hiddenKinds[m[5]]) continue;
      drawn.n++;
      var x0 = xOf(m[0], w), x1 = xOf(m[3], w), y0 = yOf(m[1]), y1 = yOf(m[2]);
      el("line", { "class": "msg " + FATE[m[4]], x1: x0, y1: y0, x2: x1, y2: y1,
        "marker-end": FATE[m[4]] === "dropped" ? "" : "url(#arrow)", "data-t": m[6],
        "data-info": laneName(m[1]) + " -> " + laneName(m[2]) + ", sent " + ms(m[0]) +
          (FATE[m[4]] === "dropped" ? ", dropped " : FATE[m[4]] === "in-flight" ? ", in flight at the end " : ", arrived ") + ms(m[3]) }, p);
      if (FATE[m[4]] === "dropped") cross(p, x1, y1, m[6]);
    }
    defs(p);
  }
  function cross(p, x, y, t) {
    el("path", { "class": "cross", d: "M" + (x - 4) + " " + (y - 4) + "l8 8m0 -8l-8 8", "data-t": t }, p);
  }
  function defs(p) {
    var d = el("defs", {}, p);
    var m = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5,
      markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" }, d);
    el("path", { d: "M0 0L10 5L0 10z", fill: "#4a5568" }, m);
  }

  function clients(p, w, drawn) {
    D.ops.forEach(function (o) {
      if (drawn.n >= MAX_DRAWN || !visible(o[0], o[1]) || rowOf[o[2]] < 0) return;
      drawn.n++;
      var x0 = Math.max(xOf(o[0], w), LEFT), x1 = Math.min(xOf(o[1], w), w - 8);
      el("rect", { "class": "opbar " + OUTCOME[o[3]], x: x0, width: Math.max(x1 - x0, 2),
        y: yOf(o[2]) - 4, height: 8, rx: 2, "data-t": o[4],
        "data-info": "operation from " + ms(o[0]) + " to " + ms(o[1]) }, p);
    });
    D.attempts.forEach(function (a) {
      if (drawn.n >= MAX_DRAWN || !visible(a[0], a[3]) || rowOf[a[1]] < 0 || rowOf[a[2]] < 0) return;
      drawn.n++;
      el("line", { "class": "client", x1: xOf(a[0], w), y1: yOf(a[1]), x2: xOf(a[3], w), y2: yOf(a[2]),
        "marker-end": "url(#arrow)", "data-t": a[5],
        "data-info": laneName(a[1]) + " -> " + laneName(a[2]) + ", arrived " + ms(a[0]) +
          (a[4] ? ", handled from " + ms(a[3]) : ", never handled") }, p);
    });
    D.replies.forEach(function (r) {
      if (drawn.n >= MAX_DRAWN || !visible(r[0], r[0]) || rowOf[r[1]] < 0 || rowOf[r[2]] < 0) return;
      drawn.n++;
      var x = xOf(r[0], w);
      el("line", { "class": "reply", x1: x, y1: yOf(r[1]), x2: x + 3, y2: yOf(r[2]),
        "marker-end": "url(#arrow)", "data-t": r[3],
        "data-info": "reply from " + laneName(r[1]) + " to " + laneName(r[2]) + " at " + ms(r[0]) }, p);
    });
  }

  function ticks(p, w, drawn) {
    D.ticks.forEach(function (k) {
      if (drawn.n >= MAX_DRAWN || !visible(k[0], k[0]) || rowOf[k[1]] < 0) return;
      drawn.n++;
      var x = xOf(k[0], w), y = yOf(k[1]);
      el("line", { "class": "tick " + TICK[k[2]], x1: x, x2: x, y1: y - 7, y2: y + 7, "data-t": k[3],
        "data-info": laneName(k[1]) + " at " + ms(k[0]) }, p);
    });
  }

  function failureMarker(p, w, h) {
    if (failAt === null || !visible(failAt, failAt)) return;
    var x = xOf(failAt, w);
    el("line", { id: "failure-marker", x1: x, x2: x, y1: 14, y2: h,
      "data-info": "the failure, at " + ms(failAt) }, p);
    el("text", { "class": "failure-label", x: x + 4, y: TOP - 2 }, p).textContent = "failure";
  }

  // Hover: the event's full text.
  svg.addEventListener("mouseover", function (e) {
    var d = e.target.dataset;
    if (!d || d.info === undefined) return;
    hover.textContent = d.info + (d.t !== undefined ? "\n" + D.texts[Number(d.t)] : "");
  });

  // Zoom with the wheel, around the pointer; pan by dragging.
  function zoom(factor, at) {
    var span = Math.max((view[1] - view[0]) * factor, 1000);
    var f = (at - view[0]) / (view[1] - view[0]);
    view = [at - f * span, at - f * span + span];
    render();
  }
  function timeAt(clientX) {
    var r = svg.getBoundingClientRect(), w = width();
    return view[0] + (clientX - r.left - LEFT) / (w - LEFT - 12) * (view[1] - view[0]);
  }
  wrap.addEventListener("wheel", function (e) {
    e.preventDefault();
    zoom(e.deltaY > 0 ? 1.25 : 0.8, timeAt(e.clientX));
  }, { passive: false });
  var drag = null, pending = false;
  wrap.addEventListener("mousedown", function (e) { drag = { x: e.clientX, view: view.slice() }; });
  window.addEventListener("mouseup", function () { drag = null; });
  window.addEventListener("mousemove", function (e) {
    if (!drag) return;
    var dt = (e.clientX - drag.x) / (width() - LEFT - 12) * (drag.view[1] - drag.view[0]);
    view = [drag.view[0] - dt, drag.view[1] - dt];
    if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; render(); }); }
  });

  function on(id, f) { document.getElementById(id).addEventListener("click", f); }
  on("whole", function () { view = [0, end]; render(); });
  on("around", function () { view = initialView(); render(); });
  on("zoom-in", function () { zoom(0.5, (view[0] + view[1]) / 2); });
  on("zoom-out", function () { zoom(2, (view[0] + view[1]) / 2); });
  on("apply", function () {
    var a = Number(document.getElementById("from").value) * 1e6;
    var b = Number(document.getElementById("to").value) * 1e6;
    if (b > a) { view = [a, b]; render(); }
  });
  document.querySelectorAll("[data-goto]").forEach(function (a) {
    a.addEventListener("click", function () {
      var t = Number(a.dataset.goto), half = Math.min((view[1] - view[0]) / 2, 250e6);
      view = [t - half, t + half];
      render();
    });
  });

  function checkbox(parent, label, checked, change) {
    var l = document.createElement("label");
    var c = document.createElement("input");
    c.type = "checkbox";
    c.checked = checked;
    c.addEventListener("change", function () { change(c.checked); render(); });
    l.appendChild(c);
    l.appendChild(document.createTextNode(" " + label));
    parent.appendChild(l);
  }
  var laneFilters = document.getElementById("lane-filters");
  for (var l = 0; l < laneCount; l++) {
    (function (l) { checkbox(laneFilters, laneName(l), true, function (on) { hiddenLanes[l] = !on; }); })(l);
  }
  var kindFilters = document.getElementById("kind-filters");
  D.kinds.forEach(function (k, i) {
    checkbox(kindFilters, k, true, function (on) { hiddenKinds[i] = !on; });
  });
  document.getElementById("show-timers").addEventListener("change", function (e) { showTimers = e.target.checked; render(); });
  document.getElementById("show-clients").addEventListener("change", function (e) { showClients = e.target.checked; render(); });

  render();
  window.addEventListener("resize", render);
  document.body.dataset.renderedMs = performance.now().toFixed(1);
})();
