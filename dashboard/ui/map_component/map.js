/* The page's map as a Streamlit component (see dashboard/ui/map_view.py).
 *
 * The base map (basemap, boundaries, legend: a folium document rendered once
 * on the server) is loaded once; the events of the view arrive as data and
 * replace the events layers without reloading the map. The component talks
 * to the page with Streamlit's component messages: it reports a click on an
 * event (its id) and, when the layers it holds were made for another zoom or
 * another area, where the map now is, so the page can send new ones.
 *
 * Every text that reaches the map's HTML (popups, tooltips) was escaped on the
 * server; the ids and labels this file uses go in as text or attributes only.
 */
(function () {
  "use strict";

  var state = {
    baseKey: null,      // key of the base map loaded (or loading)
    loading: null,      // promise of the base map while it loads
    map: null,
    pending: null,      // the latest arguments, drawn once the base is ready
    layersKey: null,
    layers: [],
    layersMeta: null,   // {mode, zoom, bbox} of the layers drawn
    placeToken: null,
    auto: false,        // true while the map is moved by this code, not by the user
    sel: 0,             // clicks on events so far
    selected: "",
    moves: 0,           // positions reported so far
    markers: {},        // event id -> marker, for the selection ring
    openId: "",         // the event whose popup is open
    style: null,
    timer: null
  };

  function post(type, extra) {
    var message = {isStreamlitMessage: true, type: type};
    for (var k in extra) { message[k] = extra[k]; }
    window.parent.postMessage(message, "*");
  }

  function report(user) {
    var map = state.map;
    var b = map.getBounds(), c = map.getCenter();
    post("streamlit:setComponentValue", {dataType: "json", value: {
      sel: state.sel, id: state.selected, moves: state.moves,
      zoom: map.getZoom(), user: !!user,
      center: [round(c.lat), round(c.lng)],
      bbox: [round(b.getWest()), round(b.getSouth()), round(b.getEast()), round(b.getNorth())]
    }});
  }

  function round(v) { return Math.round(v * 1e5) / 1e5; }

  // -- the base map ------------------------------------------------------------------

  function runScript(source) {
    return new Promise(function (resolve) {
      var el = document.createElement("script");
      if (source.src) {
        el.src = source.getAttribute("src");
        el.onload = resolve;
        el.onerror = resolve;  // the map still opens; the console says what failed
        document.head.appendChild(el);
      } else {
        el.text = source.textContent;
        document.body.appendChild(el);
        resolve();
      }
    });
  }

  function baseHtml(base) {
    // The base map is a file the server wrote once (fetched once, then kept here);
    // older pages may still send it inline.
    if (!base.url) { return Promise.resolve(base.html); }
    return fetch(base.url).then(function (r) {
      if (!r.ok) { throw new Error("base map " + base.url + ": HTTP " + r.status); }
      return r.text();
    });
  }

  function loadBase(base) {
    return baseHtml(base).then(function (text) { return startBase(base, text); });
  }

  function startBase(base, text) {
    var doc = new DOMParser().parseFromString(text, "text/html");
    var host = document.getElementById("kcm-host");
    host.innerHTML = "";
    Array.prototype.forEach.call(doc.head.querySelectorAll("link[rel=stylesheet], style"),
      function (node) { document.head.appendChild(document.importNode(node, true)); });
    Array.prototype.forEach.call(doc.body.children, function (node) {
      if (node.tagName !== "SCRIPT") { host.appendChild(document.importNode(node, true)); }
    });
    var scripts = Array.prototype.slice.call(doc.querySelectorAll("script"));
    // Fetch every script at once; they still run one after the other, in order.
    scripts.forEach(function (s) {
      if (!s.src) { return; }
      var link = document.createElement("link");
      link.rel = "preload"; link.as = "script"; link.href = s.getAttribute("src");
      document.head.appendChild(link);
    });
    return scripts.reduce(function (done, s) {
      return done.then(function () { return runScript(s); });
    }, Promise.resolve()).then(function () {
      var map = window[base.map];
      map.on("moveend", onMoveEnd);
      return map;
    });
  }

  // -- the events ----------------------------------------------------------------------

  function pie(n, split) {
    var st = state.style, colours = st.colours;
    var d = Math.min(st.bin_px[1], Math.round(st.bin_px[0] + 6 * Math.log10(Math.max(n, 1))));
    var r = d / 2, c = r, a0 = -Math.PI / 2, parts = [];
    split.forEach(function (k, i) {
      if (!k) { return; }
      if (k === n) {
        parts.push('<circle cx="' + c + '" cy="' + c + '" r="' + r + '" fill="' + colours[i] +
                   '"/>');
        return;
      }
      var a1 = a0 + 2 * Math.PI * k / n, big = (a1 - a0) > Math.PI ? 1 : 0;
      parts.push('<path d="M' + c + ',' + c + 'L' + (c + r * Math.cos(a0)) + ',' +
        (c + r * Math.sin(a0)) + 'A' + r + ',' + r + ' 0 ' + big + ' 1 ' +
        (c + r * Math.cos(a1)) + ',' + (c + r * Math.sin(a1)) + 'Z" fill="' + colours[i] +
        '"/>');
      a0 = a1;
    });
    var label = n >= 10000 ? Math.round(n / 1000) + "k" : String(n);
    return {d: d, html: '<svg data-n="' + n + '" width="' + d + '" height="' + d + '">' +
      parts.join("") + '<circle cx="' + c + '" cy="' + c + '" r="' + (r * 0.6) +
      '" fill="#fff" fill-opacity="0.9"/></svg><span>' + label + "</span>"};
  }

  function thousands(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

  // Tooltip of a count circle, made when first shown. The place came escaped from the
  // server; the side labels too (in the style); counts are numbers.
  function binTip(b) {
    var n = b[2], head = thousands(n) + (n === 1 ? " event" : " events");
    if (b[4]) { head += " placed only to " + b[4]; }
    var lines = ["<b>" + head + "</b>"];
    b[3].forEach(function (k, i) {
      if (k) { lines.push(state.style.side_labels[i] + ": " + thousands(k)); }
    });
    return '<div class="kcm-bin-tip">' + lines.join("<br>") + "</div>";
  }

  // A div icon whose element carries data attributes (``attrs`` option): tests and
  // styles find circles of one area and the event of a symbol by them.
  var MarkedIcon = null;
  function markedIcon(options) {
    MarkedIcon = MarkedIcon || L.DivIcon.extend({
      createIcon: function (old) {
        var div = L.DivIcon.prototype.createIcon.call(this, old), attrs = this.options.attrs;
        for (var k in attrs) { div.setAttribute(k, attrs[k]); }
        return div;
      }
    });
    return new MarkedIcon(options);
  }

  function binLayer(bins) {
    var group = L.featureGroup();
    bins.forEach(function (b) {
      var p = pie(b[2], b[3]);
      var icon = markedIcon({html: p.html, className: "kcm-bin", iconSize: [p.d, p.d],
                             iconAnchor: [p.d / 2, p.d / 2],
                             attrs: b[5] ? {"data-area": "1"} : {}});
      var marker = L.marker([b[1], b[0]], {icon: icon, alt: b[2] + " events",
                                           riseOnHover: true});
      marker.kcmBin = b;
      group.addLayer(marker);
    });
    // One tooltip and one click handler for the whole group, not one per circle.
    group.bindTooltip(function (layer) { return binTip(layer.kcmBin); }, {direction: "top"});
    group.on("click", function (e) {
      // Zoom in on the circle: the map then asks for finer circles, or the events.
      var b = e.layer.kcmBin;
      state.map.setView([b[1], b[0]], Math.min(state.map.getZoom() + 2, state.style.max_zoom));
    });
    return group;
  }

  function symbolLayer(symbols) {
    var st = state.style, size = st.size, group = L.featureGroup();
    state.markers = {};
    symbols.forEach(function (s) {
      var key = s[3], o = s[5] || [0, 0], parts = key ? key.split("|") : null;
      var cls = parts ? "kcm-marker kcm-type-" + parts[0] + " kcm-side-" + parts[1]
                      : "kcm-marker kcm-unknown";
      if (s[2] && s[2] === state.selected) { cls += " kcm-selected"; }
      var icon = markedIcon({html: st.icons[key] || st.icons[""], className: cls,
                             iconSize: [size, size],
                             iconAnchor: [size / 2 - o[0], size / 2 - o[1]],
                             popupAnchor: [o[0], o[1] - size / 2], attrs: {"data-event": s[2]}});
      var marker = L.marker([s[1], s[0]], {icon: icon, title: s[4], alt: s[4],
                                           riseOnHover: true});
      marker.bindPopup(s[6], {maxWidth: 360, maxHeight: 360});
      marker.on("click", function () { select(s[2]); });
      marker.on("popupopen", function () { state.openId = s[2]; });
      marker.on("popupclose", function () {
        if (state.openId === s[2]) { state.openId = ""; }
      });
      if (s[2]) { state.markers[s[2]] = marker; }
      group.addLayer(marker);
    });
    return group;
  }

  function areaLayer(areas) {
    var st = state.style, group = L.featureGroup();
    function options(colour, precision) {
      var o = {};
      for (var k in st.area) { o[k] = st.area[k]; }
      o.color = colour; o.fillColor = colour; o.className = "kcm-area kcm-area-" + precision;
      return o;
    }
    L.geoJSON(areas.outlines, {
      style: function (f) { return options(f.properties.c, f.properties.g); },
      onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.tip); }
    }).addTo(group);
    // [lon, lat, radius m, side index, precision (escaped), place (escaped), n]
    var circles = L.featureGroup();
    areas.circles.forEach(function (a) {
      var o = options(st.colours[a[3]], a[4]);
      o.radius = a[2];
      var circle = L.circle([a[1], a[0]], o);
      circle.kcmArea = a;
      circles.addLayer(circle);
    });
    circles.bindTooltip(function (layer) {
      var a = layer.kcmArea;
      return a[5] + " (" + a[4] + "): " + a[6] + " event(s) placed only to this area";
    });
    circles.addTo(group);
    return group;
  }

  function drawLayers(layers) {
    var open = state.openId;  // an event whose popup is open stays open if it is still drawn
    state.layers.forEach(function (layer) { state.map.removeLayer(layer); });
    state.layers = [areaLayer(layers.areas),
                    layers.mode === "bins" ? binLayer(layers.bins) : symbolLayer(layers.symbols)];
    state.layers.forEach(function (layer) { layer.addTo(state.map); });
    state.layersMeta = {mode: layers.mode, zoom: layers.zoom, bbox: layers.bbox};
    if (open && state.markers[open]) {
      quietly(function () { state.markers[open].openPopup(); });
    }
  }

  function select(id) {
    if (!id) { return; }
    markSelected(id);
    state.sel += 1;
    report(false);
  }

  function markSelected(id) {
    var old = state.markers[state.selected];
    if (old && old._icon) { old._icon.classList.remove("kcm-selected"); }
    state.selected = id || "";
    var marker = state.markers[state.selected];
    if (marker && marker._icon) { marker._icon.classList.add("kcm-selected"); }
  }

  // -- where the map is ------------------------------------------------------------------

  function quietly(move) {
    state.auto = true;
    try { move(); } finally { state.auto = false; }
  }

  function applyPlace(place) {
    if (!place || place.token === state.placeToken) { return; }
    var first = state.placeToken === null;
    state.placeToken = place.token;
    if (place.keep && !first) { return; }  // the map reported this place itself: it is there
    quietly(function () {
      if (place.fit) {
        state.map.fitBounds(place.fit, {padding: [30, 30], maxZoom: place.max_zoom,
                                        animate: false});
      } else if (place.center) {
        state.map.setView(place.center, place.zoom, {animate: false});
      }
    });
  }

  function layersStale() {
    var meta = state.layersMeta, map = state.map;
    if (!meta) { return false; }
    if (meta.mode === "bins" && map.getZoom() !== meta.zoom) { return true; }
    if (meta.bbox) {
      var b = map.getBounds();
      return b.getWest() < meta.bbox[0] || b.getSouth() < meta.bbox[1] ||
             b.getEast() > meta.bbox[2] || b.getNorth() > meta.bbox[3] ||
             map.getZoom() < meta.zoom;
    }
    return false;
  }

  function onMoveEnd() {
    var user = !state.auto;
    clearTimeout(state.timer);
    state.timer = setTimeout(function () {
      if (layersStale()) {
        state.moves += 1;
        report(user);
      }
    }, 250);
  }

  // -- Streamlit ----------------------------------------------------------------------------

  function draw(args) {
    state.style = args.style;
    if (args.layers.key !== state.layersKey) {
      var t0 = performance.now();
      state.layersKey = args.layers.key;
      state.selected = args.selected || "";
      drawLayers(args.layers);
      // How long drawing took, for the page's benchmark.
      document.body.setAttribute("data-kcm-draw-ms", String(Math.round(performance.now() - t0)));
    } else if ((args.selected || "") !== state.selected) {
      markSelected(args.selected);
    }
    applyPlace(args.place);
    if (layersStale()) { onMoveEnd(); }
    document.body.setAttribute("data-kcm-layers", args.layers.key);
  }

  function onRender(args) {
    post("streamlit:setFrameHeight", {height: args.height});
    state.pending = args;
    if (args.base.key !== state.baseKey) {
      state.baseKey = args.base.key;
      state.map = null;
      state.layersKey = null;
      state.layers = [];
      state.placeToken = null;
      var key = args.base.key;
      state.loading = loadBase(args.base).then(function (map) {
        if (state.baseKey !== key) { return; }
        state.map = map;
        state.loading = null;
        draw(state.pending);
      });
      return;
    }
    if (state.map) { draw(args); }
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (data && data.type === "streamlit:render") { onRender(data.args); }
  });
  post("streamlit:componentReady", {apiVersion: 1});
})();
