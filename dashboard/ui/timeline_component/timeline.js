/* The page's timeline as a Streamlit component (see dashboard/ui/timeline_view.py).
 *
 * Draws dashboard.timeline.timeline_data as plain SVG: bars stacked by
 * reporting side per day, week or month, and translucent ranges for events
 * dated only to a longer span. Dragging across it reports the span (ISO dates)
 * to the page, which makes it the date filter; the filter's dates come back as
 * a shaded band. Labels go in as text nodes only.
 */
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";
  var DAY_MS = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                "Nov", "Dec"];
  var PAD = {left: 44, right: 10, top: 22, bottom: 22};
  var state = {args: null, brushes: 0, drag: null};

  function post(type, extra) {
    var message = {isStreamlitMessage: true, type: type};
    for (var k in extra) { message[k] = extra[k]; }
    window.parent.postMessage(message, "*");
  }

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) { node.setAttribute(k, attrs[k]); }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function text(parent, x, y, value, attrs) {
    var node = el("text", attrs || {}, parent);
    node.setAttribute("x", x);
    node.setAttribute("y", y);
    node.textContent = value;
    return node;
  }

  function iso(day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); }

  function dayLabel(day, unit) {
    var d = new Date(day * DAY_MS);
    if (unit === "year") { return String(d.getUTCFullYear()); }
    if (unit === "month") { return MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear(); }
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  // Tick days: the first of each year, quarter, month, or every 7th or single day,
  // whichever gives at most about ten ticks over the span.
  function ticks(first, last) {
    var steps = [["day", 1], ["day", 7], ["month", 1], ["month", 3], ["year", 1], ["year", 2],
                 ["year", 5]];
    for (var i = 0; i < steps.length; i++) {
      var out = tickDays(first, last, steps[i][0], steps[i][1]);
      if (out.length <= 10) { return {days: out, unit: steps[i][0]}; }
    }
    return {days: tickDays(first, last, "year", 10), unit: "year"};
  }

  function tickDays(first, last, unit, every) {
    var out = [];
    if (unit === "day") {
      for (var d = first; d <= last && out.length < 50; d += every) { out.push(d); }
      return out;
    }
    var start = new Date(first * DAY_MS);
    var y = start.getUTCFullYear(), m = unit === "year" ? 0 : start.getUTCMonth();
    for (var guard = 0; guard < 1000 && out.length < 50; guard++) {
      var day = Date.UTC(y, m, 1) / DAY_MS;
      if (day > last) { break; }
      var index = unit === "year" ? y : y * 12 + m;
      if (day >= first && index % every === 0) { out.push(day); }
      if (unit === "year") { y += 1; } else { m += 1; if (m === 12) { m = 0; y += 1; } }
    }
    return out;
  }

  // Stack rows sharing the same [start, end) by side order; returns [row, y0] pairs and the top.
  function stack(rows) {
    var tops = {}, out = [], top = 0;
    rows.forEach(function (r) {
      var k = r[0] + ":" + r[1];
      var y0 = tops[k] || 0;
      tops[k] = y0 + r[4];
      top = Math.max(top, tops[k]);
      out.push([r, y0]);
    });
    return {rows: out, top: top};
  }

  function draw(args) {
    var svg = document.getElementById("kcm-timeline");
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var width = Math.max(200, document.body.clientWidth);
    var height = args.height;
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    var rows = args.rows;
    if (!rows.length) { return; }
    var bins = rows.filter(function (r) { return r[5] === 0; });
    var ranges = rows.filter(function (r) { return r[5] === 1; });
    var first = Infinity, last = -Infinity;
    rows.forEach(function (r) { first = Math.min(first, r[0]); last = Math.max(last, r[1]); });
    var sb = stack(bins), sr = stack(ranges);
    var top = Math.max(sb.top, sr.top, 1);
    var x0 = PAD.left, x1 = width - PAD.right, y0 = height - PAD.bottom, y1 = PAD.top;
    var sx = function (day) { return x0 + (day - first) / Math.max(last - first, 1) * (x1 - x0); };
    var sy = function (v) { return y0 - v / top * (y0 - y1); };
    state.scale = {first: first, last: last, x0: x0, x1: x1};

    // The date filter's span, behind everything.
    if (args.span) {
      var a = Math.max(x0, sx(args.span[0])), b = Math.min(x1, sx(args.span[1] + 1));
      if (b > a) {
        el("rect", {"class": "kcm-span", x: a, y: y1, width: b - a, height: y0 - y1}, svg);
      }
    }
    var plot = el("g", {}, svg);
    [[sr, "kcm-range"], [sb, "kcm-bar"]].forEach(function (pair) {
      pair[0].rows.forEach(function (item) {
        var r = item[0], base = item[1];
        var left = sx(r[0]), right = sx(r[1]);
        var rect = el("rect", {
          "class": pair[1], x: left, width: Math.max(1, right - left - 0.5),
          y: sy(base + r[4]), height: Math.max(0.5, sy(base) - sy(base + r[4])),
          fill: args.colours[r[2]]
        }, plot);
        var title = el("title", {}, rect);
        title.textContent = (r[5] === 0
          ? args.unit_label + " of " + dayLabel(r[0], args.unit === "day" ? "day" : "month")
          : "From " + iso(r[0]) + " to " + iso(r[1] - 1) + " (dates this coarse)") +
          ": " + args.sides[r[2]] + ", " + r[3] + " event" + (r[3] === 1 ? "" : "s");
      });
    });

    // Axes and legend.
    el("line", {"class": "kcm-axis", x1: x0, x2: x1, y1: y0, y2: y0}, svg);
    var t = ticks(first, last - 1);
    t.days.forEach(function (day) {
      var x = sx(day);
      el("line", {"class": "kcm-axis", x1: x, x2: x, y1: y0, y2: y0 + 4}, svg);
      text(svg, x, height - 6, dayLabel(day, t.unit), {"text-anchor": "middle"});
    });
    text(svg, x0 - 4, y1 + 4, formatCount(top), {"text-anchor": "end"});
    text(svg, x0 - 4, y0, "0", {"text-anchor": "end"});
    text(svg, 2, 12, "Events per " + args.unit, {});
    var lx = x0 + 120;
    args.sides.forEach(function (label, i) {
      el("rect", {x: lx, y: 3, width: 10, height: 10, fill: args.colours[i]}, svg);
      lx += 14 + text(svg, lx + 14, 12, label, {}).getComputedTextLength() + 12;
    });
    el("rect", {x: lx, y: 3, width: 10, height: 10, fill: "#888", "class": "kcm-range"}, svg);
    text(svg, lx + 14, 12, "coarse dates, spread over their span", {});
    state.brush = el("rect", {"class": "kcm-brush", x: 0, y: y1, width: 0,
                              height: y0 - y1, visibility: "hidden"}, svg);
    document.body.setAttribute("data-kcm-bars", String(bins.length + ranges.length));
  }

  function formatCount(v) {
    return v >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
  }

  function dayAt(x) {
    var s = state.scale;
    var f = (Math.min(Math.max(x, s.x0), s.x1) - s.x0) / Math.max(s.x1 - s.x0, 1);
    return Math.floor(s.first + f * (s.last - s.first));
  }

  // Position in the strip's own pixels (offsetX of an SVG child is not the strip's).
  function xOf(event) {
    return event.clientX - document.getElementById("kcm-timeline").getBoundingClientRect().left;
  }

  function onDown(event) {
    if (!state.scale || event.button !== 0) { return; }
    state.drag = {x: xOf(event)};
    document.getElementById("kcm-timeline").setPointerCapture(event.pointerId);
  }

  function onMove(event) {
    if (!state.drag) { return; }
    var a = Math.min(state.drag.x, xOf(event)), b = Math.max(state.drag.x, xOf(event));
    state.brush.setAttribute("x", a);
    state.brush.setAttribute("width", b - a);
    state.brush.setAttribute("visibility", "visible");
  }

  function onUp(event) {
    if (!state.drag) { return; }
    var a = Math.min(state.drag.x, xOf(event)), b = Math.max(state.drag.x, xOf(event));
    state.drag = null;
    if (b - a < 4) { state.brush.setAttribute("visibility", "hidden"); return; }
    // A new token per drag: the same span brushed again (after the dates were changed
    // by hand) is a new request.
    state.brushes += 1;
    post("streamlit:setComponentValue", {dataType: "json", value: {
      brush: [iso(dayAt(a)), iso(Math.min(dayAt(b), state.scale.last - 1))],
      n: Date.now() + ":" + state.brushes
    }});
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "streamlit:render") { return; }
    state.args = data.args;
    post("streamlit:setFrameHeight", {height: data.args.height});
    draw(data.args);
  });
  window.addEventListener("resize", function () { if (state.args) { draw(state.args); } });
  var svg = document.getElementById("kcm-timeline");
  svg.addEventListener("pointerdown", onDown);
  svg.addEventListener("pointermove", onMove);
  svg.addEventListener("pointerup", onUp);
  post("streamlit:componentReady", {apiVersion: 1});
})();
