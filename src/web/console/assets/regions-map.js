// The regions page's map (plain browser script, no build step; Leaflet is loaded before it).
// It draws every region's outline and the stores in the user's scope, and lets the user draw a new
// outline by clicking or edit one by dragging its points. The outline is written into the form's
// "polygon" field as [[lng, lat], …]; the server checks and saves it, the page only helps drawing.
(function () {
  'use strict';
  var configEl = document.getElementById('regions-config');
  var mapEl = document.getElementById('region-map');
  if (!configEl || !mapEl || !window.L) return;
  var config = JSON.parse(configEl.textContent);
  var field = document.getElementById('region-polygon');
  var form = document.getElementById('region-form');
  var tools = document.getElementById('map-tools');
  var buttons = {
    draw: document.getElementById('draw-new'),
    finish: document.getElementById('draw-finish'),
    remove: document.getElementById('draw-remove'),
    reset: document.getElementById('draw-reset'),
  };
  var insideOut = document.getElementById('inside-count');
  var pointCount = document.getElementById('point-count');
  var storesShown = document.getElementById('stores-shown');

  var map = L.map(mapEl, { preferCanvas: true, attributionControl: Boolean(config.tileUrl), doubleClickZoom: false });
  // Handy from the browser's console (and for the browser test, which clicks at map coordinates).
  mapEl.seaboardMap = map;
  if (config.tileUrl) L.tileLayer(config.tileUrl, { maxZoom: 19 }).addTo(map);
  else mapEl.classList.add('plain');
  var canvas = L.canvas({ padding: 0.3 });

  // The server's texts keep `{count}` and its plural forms `{count:store|stores}`: the form is chosen
  // here, with the page language's plural rules, as the server chooses it.
  var plurals = new Intl.PluralRules(document.documentElement.lang || 'en');
  var fill = function (template, count) {
    return template
      .replace(/\{count:([^{}|]*)\|([^{}]*)\}/g, function (_, one, other) {
        return plurals.select(count) === 'one' ? one : other;
      })
      .replace('{count}', String(count));
  };
  var toLatLng = function (p) {
    return L.latLng(p[1], p[0]);
  };
  /** A text label: never HTML, region names come from users. */
  var label = function (text) {
    var span = document.createElement('span');
    span.textContent = text;
    return span;
  };

  // ---- the regions -------------------------------------------------------------------------------
  var bounds = L.latLngBounds([]);
  config.regions.forEach(function (r) {
    var latlngs = r.ring.map(toLatLng);
    latlngs.forEach(function (ll) {
      bounds.extend(ll);
    });
    if (r.id === config.editing) return; // drawn as the editable outline below
    L.polygon(latlngs, { color: '#1f5fbf', weight: 2, fillOpacity: 0.06, interactive: false, renderer: canvas })
      .bindTooltip(label(r.name), { permanent: true, direction: 'center', className: 'region-label' })
      .addTo(map);
  });
  // Editing: the region itself; otherwise every region, and the stores once they are in.
  var focus = null;
  config.regions.forEach(function (r) {
    if (r.id === config.editing) focus = L.latLngBounds(r.ring.map(toLatLng));
  });
  if (focus) map.fitBounds(focus.pad(0.3));
  else if (bounds.isValid()) map.fitBounds(bounds.pad(0.1));
  else map.setView([30.25, 120.2], 11);

  // ---- the stores: a flat [lng, lat, lng, lat, …] array, drawn as dots on the canvas ------------
  var points = null;
  fetch(config.pointsUrl, { credentials: 'same-origin', headers: { accept: 'application/json' } })
    .then(function (res) {
      if (!res.ok) throw new Error('stores: HTTP ' + res.status);
      return res.json();
    })
    .then(function (body) {
      points = body.points;
      var dots = [];
      for (var i = 0; i < points.length; i += 2) {
        dots.push(L.circleMarker([points[i + 1], points[i]], { renderer: canvas, radius: 3, weight: 1, color: '#8a1c15', fillColor: '#d9534f', fillOpacity: 0.8, interactive: false }));
      }
      L.layerGroup(dots).addTo(map);
      storesShown.textContent = fill(config.text.shown, points.length / 2);
      // The stores may lie beyond the regions: widen the view to them, unless the user is drawing.
      if (!focus && dots.length && !drawing && !vertices.length) {
        var all = L.latLngBounds([]);
        if (bounds.isValid()) all.extend(bounds);
        for (var k = 0; k < points.length; k += 2) all.extend([points[k + 1], points[k]]);
        map.fitBounds(all.pad(0.1));
      }
      refresh();
    })
    .catch(function (e) {
      storesShown.textContent = String(e.message || e);
    });

  /** Ray casting over the flat points array. */
  function countInside(ring) {
    if (!points || ring.length < 3) return 0;
    var n = 0;
    for (var k = 0; k < points.length; k += 2) {
      var x = points[k];
      var y = points[k + 1];
      var inside = false;
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var xi = ring[i][0];
        var yi = ring[i][1];
        var xj = ring[j][0];
        var yj = ring[j][1];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
      if (inside) n++;
    }
    return n;
  }

  // ---- the outline being drawn or edited --------------------------------------------------------
  var vertices = []; // L.Marker, in order
  var drawing = false; // clicks on the map add points
  var closed = false;
  var selected = null;
  var shape = null;

  var ringOf = function () {
    return vertices.map(function (m) {
      var ll = m.getLatLng();
      return [Math.round(ll.lng * 1e6) / 1e6, Math.round(ll.lat * 1e6) / 1e6];
    });
  };

  function select(marker) {
    if (selected && selected.getElement()) selected.getElement().classList.remove('selected');
    selected = marker;
    if (selected && selected.getElement()) selected.getElement().classList.add('selected');
    refresh();
  }

  function removeVertex(marker) {
    var i = vertices.indexOf(marker);
    if (i < 0) return;
    vertices.splice(i, 1);
    map.removeLayer(marker);
    if (selected === marker) selected = null;
    if (vertices.length < 3) closed = false;
    refresh();
  }

  function addVertex(latlng) {
    var marker = L.marker(latlng, { draggable: true, keyboard: false, icon: L.divIcon({ className: 'vertex', iconSize: [14, 14] }) });
    marker.on('drag', scheduleRefresh);
    marker.on('dragend', refresh);
    marker.on('click', function (e) {
      var ev = e.originalEvent || {};
      if (ev.altKey || ev.shiftKey || ev.ctrlKey || ev.metaKey) removeVertex(marker);
      else if (drawing && !closed && marker === vertices[0] && vertices.length >= 3) finish();
      else select(marker);
    });
    marker.addTo(map);
    vertices.push(marker);
    refresh();
  }

  function clear() {
    vertices.forEach(function (m) {
      map.removeLayer(m);
    });
    vertices = [];
    selected = null;
    closed = false;
  }

  function startDrawing() {
    clear();
    drawing = true;
    mapEl.classList.add('drawing');
    refresh();
  }

  function finish() {
    if (vertices.length < 3) return;
    closed = true;
    drawing = false;
    mapEl.classList.remove('drawing');
    refresh();
  }

  var pending = false;
  function scheduleRefresh() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      refresh();
    });
  }

  function refresh() {
    var ring = ringOf();
    var latlngs = ring.map(toLatLng);
    if (shape) map.removeLayer(shape);
    shape = null;
    if (latlngs.length >= 2) {
      var style = { color: '#e07a00', weight: 3, fillOpacity: 0.15, interactive: false, dashArray: closed ? null : '6 4' };
      shape = (closed || latlngs.length >= 3 ? L.polygon(latlngs, style) : L.polyline(latlngs, style)).addTo(map);
    }
    if (field && (closed || (!drawing && ring.length >= 3))) field.value = JSON.stringify(ring);
    pointCount.textContent = vertices.length ? fill(config.text.points, vertices.length) : '';
    insideOut.textContent = ring.length >= 3 && points ? fill(config.text.inside, countInside(ring)) : '';
    buttons.finish.disabled = !(drawing && !closed && vertices.length >= 3);
    buttons.remove.disabled = vertices.length === 0;
  }

  map.on('click', function (e) {
    if (drawing && !closed) addVertex(e.latlng);
  });

  buttons.draw.addEventListener('click', startDrawing);
  buttons.reset.addEventListener('click', startDrawing);
  buttons.finish.addEventListener('click', finish);
  buttons.remove.addEventListener('click', function () {
    removeVertex(selected || vertices[vertices.length - 1]);
  });
  if (form) {
    form.addEventListener('submit', function () {
      // An outline with enough points is saved as it stands, closed or not.
      if (vertices.length >= 3) field.value = JSON.stringify(ringOf());
    });
  }

  /** The outline in the form (editing a region, or a form shown again after an error), if any. */
  function loadFromField() {
    var ring = null;
    try {
      var v = JSON.parse(field.value);
      if (v && v.type === 'Feature') v = v.geometry;
      if (v && v.type === 'Polygon') v = v.coordinates[0];
      if (Array.isArray(v)) ring = v;
    } catch (e) {
      ring = null;
    }
    if (!ring || ring.length < 3) return false;
    var first = ring[0];
    var last = ring[ring.length - 1];
    if (first[0] === last[0] && first[1] === last[1]) ring = ring.slice(0, -1);
    clear();
    drawing = false;
    ring.forEach(function (p) {
      addVertex(toLatLng(p));
    });
    closed = vertices.length >= 3;
    refresh();
    return true;
  }
  if (field) {
    field.addEventListener('change', loadFromField);
    if (field.value.trim()) loadFromField();
  }
  // Editing a region: the outline is there to change; "Start again" redraws it from scratch.
  if (config.editing !== null) buttons.draw.hidden = true;
  tools.hidden = false;
  refresh();
})();
