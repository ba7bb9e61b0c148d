// graphkit transfer map: draws the cities and transfers held in #map-data on the inline SVG map,
// then adds the filter menus, the legend and tooltips. Text from the data is only ever assigned
// with textContent or as attribute values, never parsed as HTML.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var svg = document.getElementById("map-svg");
  var tip = document.getElementById("tooltip");
  var cityById = {};
  var stats = { cities: data.cities.length, transfers: data.transfers.length, visibleCities: 0, visibleTransfers: 0, unplaced: data.unplaced };
  window.graphkitMapStats = stats;

  function element(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, String(attributes[key])); });
    parent.appendChild(node);
    return node;
  }

  function text(id, value) { document.getElementById(id).textContent = value; }

  document.title = data.title;
  text("title", data.title);
  text("summary", data.summary + ".");
  text("outlines-source", "Country outlines: " + data.outlines + ".");
  text("not-drawn", data.unplaced ?
    data.unplaced + " transfer" + (data.unplaced === 1 ? " is" : "s are") + " not drawn (" + data.unplacedReasons + "): the sources do not name a place for them." :
    "Every transfer is drawn.");

  function showTip(event, lines) {
    tip.textContent = lines.filter(function (line) { return line; }).join("\n");
    tip.style.display = "block";
    var x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    var y = Math.min(event.clientY + 14, window.innerHeight - tip.offsetHeight - 8);
    tip.style.left = Math.max(0, x) + "px";
    tip.style.top = Math.max(0, y) + "px";
  }
  function hideTip() { tip.style.display = "none"; }

  // One arrowhead per programme colour.
  var markers = document.getElementById("markers");
  var markerOf = {};
  data.programmes.forEach(function (pair, i) {
    var marker = element("marker", { id: "arrow-" + i, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse", markerUnits: "userSpaceOnUse" }, markers);
    element("path", { d: "M0,0 L10,5 L0,10 z", fill: pair[1] }, marker);
    markerOf[pair[0]] = "url(#arrow-" + i + ")";
  });

  var cityLayer = document.getElementById("cities");
  var labelLayer = document.getElementById("labels");
  data.cities.forEach(function (city, i) {
    cityById[city.id] = city;
    var circle = element("circle", { cx: city.x, cy: city.y, r: city.r, "data-city": city.id }, cityLayer);
    circle.addEventListener("mousemove", function (event) {
      showTip(event, [city.label + (city.country ? " (" + city.country + ")" : ""),
        "Practices sent: " + city.sent, "Practices received: " + city.received]);
    });
    circle.addEventListener("mouseleave", hideTip);
    city.circle = circle;
    if (i < 20) {
      var label = element("text", { x: city.x + city.r + 2, y: city.y + 4 }, labelLayer);
      label.textContent = city.label;
      city.label_element = label;
    }
  });

  // Labels of the busiest cities first; one that would overlap a kept label is left out.
  var kept = [];
  data.cities.forEach(function (city) {
    if (!city.label_element) { return; }
    var box = city.label_element.getBBox();
    var overlaps = kept.some(function (other) {
      return box.x < other.x + other.width && other.x < box.x + box.width &&
        box.y < other.y + other.height && other.y < box.y + box.height;
    });
    if (overlaps) {
      labelLayer.removeChild(city.label_element);
      city.label_element = null;
    } else {
      kept.push(box);
    }
  });

  // A quadratic curve from the edge of one city's circle to the edge of the other's, bowing to
  // the left of the direction of travel (so A→B and B→A do not overlap).
  function curve(transfer) {
    var a = cityById[transfer.from], b = cityById[transfer.to];
    var dx = b.x - a.x, dy = b.y - a.y;
    var cx = (a.x + b.x) / 2 + transfer.bend * dy, cy = (a.y + b.y) / 2 - transfer.bend * dx;
    function towards(p, q, distance) {
      var ux = q[0] - p[0], uy = q[1] - p[1], length = Math.hypot(ux, uy) || 1;
      return [p[0] + ux / length * distance, p[1] + uy / length * distance];
    }
    var start = towards([a.x, a.y], [cx, cy], a.r + 1);
    var end = towards([b.x, b.y], [cx, cy], b.r + 1.5);
    return "M" + start[0].toFixed(1) + "," + start[1].toFixed(1) + " Q" + cx.toFixed(1) + "," + cy.toFixed(1) + " " + end[0].toFixed(1) + "," + end[1].toFixed(1);
  }

  var transferLayer = document.getElementById("transfers");
  data.transfers.forEach(function (transfer) {
    var path = element("path", { d: curve(transfer), stroke: transfer.color, "data-transfer": transfer.id }, transferLayer);
    path.setAttribute("marker-end", markerOf[transfer.programme]);
    path.addEventListener("mousemove", function (event) {
      showTip(event, [
        transfer.practice,
        transfer.origin + " → " + transfer.target,
        transfer.period ? "Period: " + transfer.period : "Period: not stated",
        "Status: " + transfer.status,
        transfer.mechanisms.length ? "Mechanism: " + transfer.mechanisms.join(", ") : "",
        transfer.project ? "Project: " + transfer.project : "",
        "Programme: " + transfer.programme,
        transfer.quote ? "“" + transfer.quote + "”" : "",
        transfer.source ? "Source: " + transfer.source : "",
      ]);
    });
    path.addEventListener("mouseleave", hideTip);
    transfer.path = path;
  });

  // Menus and the legend.
  function fill(id, values) {
    var select = document.getElementById(id);
    values.forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      select.appendChild(option);
    });
  }
  fill("filter-programme", data.programmes.map(function (pair) { return pair[0]; }));
  fill("filter-mechanism", data.mechanisms);
  fill("filter-status", data.statuses);
  var legend = document.getElementById("legend-items");
  data.programmes.forEach(function (pair) {
    var item = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = pair[1];
    item.appendChild(swatch);
    var count = data.transfers.filter(function (t) { return t.programme === pair[0]; }).length;
    item.appendChild(document.createTextNode(pair[0] + " (" + count + ")"));
    legend.appendChild(item);
  });

  var controls = ["filter-programme", "filter-mechanism", "filter-status", "filter-from", "filter-to", "filter-undated"].map(function (id) { return document.getElementById(id); });
  var years = data.years;
  function reset() {
    controls[0].value = controls[1].value = controls[2].value = "";
    controls[3].value = years[0] === null ? "" : years[0];
    controls[4].value = years[1] === null ? "" : years[1];
    controls[5].checked = true;
    apply();
  }

  function apply() {
    var programme = controls[0].value, mechanism = controls[1].value, status = controls[2].value;
    var from = controls[3].value === "" ? -Infinity : Number(controls[3].value);
    var to = controls[4].value === "" ? Infinity : Number(controls[4].value);
    var undated = controls[5].checked;
    var seen = {};
    stats.visibleTransfers = 0;
    data.transfers.forEach(function (t) {
      var shown = (!programme || t.programme === programme) &&
        (!mechanism || t.mechanisms.indexOf(mechanism) >= 0) &&
        (!status || t.status === status) &&
        (t.year === null ? undated : t.year >= from && t.year <= to);
      t.path.style.display = shown ? "" : "none";
      if (shown) { stats.visibleTransfers += 1; seen[t.from] = seen[t.to] = true; }
    });
    stats.visibleCities = 0;
    data.cities.forEach(function (city) {
      var shown = !!seen[city.id];
      city.circle.style.display = shown ? "" : "none";
      if (city.label_element) { city.label_element.style.display = shown ? "" : "none"; }
      if (shown) { stats.visibleCities += 1; }
    });
    svg.dataset.visibleTransfers = String(stats.visibleTransfers);
    svg.dataset.visibleCities = String(stats.visibleCities);
    text("counts", stats.visibleTransfers + " of " + stats.transfers + " transfers, " + stats.visibleCities + " of " + stats.cities + " cities");
  }
  controls.forEach(function (control) { control.addEventListener("change", apply); control.addEventListener("input", apply); });
  document.getElementById("reset").addEventListener("click", reset);
  reset();
  svg.dataset.ready = "true";
})();
