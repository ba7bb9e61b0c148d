// graphkit network page: draws the graph held in #graph-data with vis-network, then adds the
// legend, the filter menus and plain-text tooltips. Text from the data is only ever assigned with
// textContent or as DOM properties, never parsed as HTML.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var container = document.getElementById("network");
  var status = document.getElementById("status");
  var stats = {
    nodes: data.nodes.length,
    edges: data.edges.length,
    visibleNodes: data.nodes.length,
    visibleEdges: data.edges.length,
    stabilised: false,
    iterations: 0,
  };
  window.graphkitStats = stats;

  document.title = data.title;
  document.getElementById("title").textContent = data.title;

  function tooltip(text) {
    var element = document.createElement("div");
    element.className = "gk-tooltip";
    element.textContent = text;
    return element;
  }

  // The labels of the most central nodes (gkKey) are drawn after each frame (below), readable at
  // any zoom; vis-network's own copy of them is made invisible so they are not drawn twice.
  var KEY_FONT = 13;
  var INVISIBLE = "rgba(0,0,0,0)";

  function withTooltip(item) {
    var copy = Object.assign({}, item);
    if (copy.title !== undefined && copy.title !== null) {
      copy.title = tooltip(String(copy.title));
    }
    if (copy.gkKey) {
      copy.font = { color: INVISIBLE, strokeColor: INVISIBLE, strokeWidth: 0 };
    }
    return copy;
  }

  var nodes = new vis.DataSet(data.nodes.map(withTooltip));
  var edges = new vis.DataSet(data.edges.map(withTooltip));
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.graphkitNetwork = network;

  // Key labels: the most central nodes first, each below its node at a size that stays
  // readable however far the view is zoomed out, and only where it overlaps no earlier one.
  var keyNodes = data.nodes.filter(function (node) { return node.gkKey; }).map(function (node) {
    return node.id;
  });
  stats.keyLabels = [];
  stats.keyLabelBoxes = [];
  network.on("afterDrawing", function (ctx) {
    var scale = network.getScale();
    var size = Math.max(KEY_FONT, data.options.nodes.font.size * scale) / scale;
    var pad = 2 / scale;
    var positions = network.getPositions(keyNodes);
    var boxes = [];
    var drawn = [];
    ctx.save();
    ctx.font = size + "px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    keyNodes.forEach(function (id) {
      var node = nodes.get(id);
      if (!node || node.hidden || !positions[id]) return;
      var text = String(node.label || "");
      var half = ctx.measureText(text).width / 2;
      var x = positions[id].x;
      var y = positions[id].y + (node.size || 10) + pad;
      var box = { x0: x - half - pad, x1: x + half + pad, y0: y - pad, y1: y + size + pad };
      var clash = boxes.some(function (other) {
        return box.x0 < other.x1 && other.x0 < box.x1 && box.y0 < other.y1 && other.y0 < box.y1;
      });
      if (clash) return;
      boxes.push(box);
      drawn.push(text);
      ctx.lineWidth = 4 / scale;
      ctx.strokeStyle = "#ffffff";
      ctx.strokeText(text, x, y);
      ctx.fillStyle = "#222222";
      ctx.fillText(text, x, y);
    });
    ctx.restore();
    stats.keyLabels = drawn;
    stats.keyLabelBoxes = boxes.map(function (box) {
      var low = network.canvasToDOM({ x: box.x0, y: box.y0 });
      var high = network.canvasToDOM({ x: box.x1, y: box.y1 });
      return { x0: low.x, y0: low.y, x1: high.x, y1: high.y };
    });
  });

  function showCounts() {
    container.dataset.nodes = String(stats.nodes);
    container.dataset.edges = String(stats.edges);
    container.dataset.visibleNodes = String(stats.visibleNodes);
    container.dataset.visibleEdges = String(stats.visibleEdges);
    document.getElementById("counts").textContent =
      stats.visibleNodes + " of " + stats.nodes + " nodes, " +
      stats.visibleEdges + " of " + stats.edges + " edges";
  }

  function settled(iterations) {
    // Physics only lays the graph out; once settled it stops, so the page stays idle and
    // dragging a node moves that node only.
    network.setOptions({ physics: { enabled: false } });
    stats.iterations = iterations;
    stats.stabilised = true;
    container.dataset.stabilised = "true";
    status.textContent = "";
    status.hidden = true;
    if (data.focusTypes && typeMenu) applyFilter();
  }

  network.on("stabilizationProgress", function (params) {
    stats.iterations = params.iterations;
    status.textContent = "Laying out the network… " +
      Math.round((100 * params.iterations) / params.total) + "%";
  });
  network.once("stabilizationIterationsDone", function () {
    settled(stats.iterations);
  });
  if (stats.nodes === 0 || !data.options.physics.enabled) {
    settled(0);
  }

  // Legend: one row per entity type shown, with its colour, shape and count, then the
  // transfers shown; the types the view starts without are one click away.
  var legend = document.getElementById("legend-items");
  var shownFirst = data.focusTypes;
  var hiddenTypes = {};
  function hideOthers() {
    hiddenTypes = {};
    if (!shownFirst) return;
    data.legend.forEach(function (entry) { hiddenTypes[entry.type] = true; });
    shownFirst.forEach(function (type) { delete hiddenTypes[type]; });
  }
  hideOthers();

  function legendRow(symbol, color, label, count) {
    var row = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.color = color;
    swatch.textContent = symbol;
    var text = document.createElement("span");
    text.textContent = label + " (" + count + ")";
    row.appendChild(swatch);
    row.appendChild(text);
    legend.appendChild(row);
  }
  function showLegend(typeCounts, transferCount) {
    legend.textContent = "";
    data.legend.forEach(function (entry) {
      if (typeCounts[entry.type]) {
        legendRow(entry.symbol, entry.color, entry.label, typeCounts[entry.type]);
      }
    });
    data.edgeLegend.forEach(function (entry) {
      if (transferCount) legendRow("→", entry.color, entry.label, transferCount);
    });
    var more = data.legend.filter(function (entry) {
      return hiddenTypes[entry.type] && !typeMenu.value;
    });
    if (more.length) {
      var row = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.id = "show-all-types";
      button.textContent = "Show " + more.length + " more types";
      button.title = more.map(function (entry) {
        return entry.label + " (" + entry.count + ")";
      }).join("\n");
      button.addEventListener("click", function () {
        hiddenTypes = {};
        applyFilter();
      });
      row.appendChild(button);
      legend.appendChild(row);
    }
  }

  // Menus: filter by type, project and theme, and find one node.
  function fill(select, choices) {
    choices.forEach(function (choice) {
      var option = document.createElement("option");
      option.value = choice[0];
      option.textContent = choice[1];
      select.appendChild(option);
    });
    select.disabled = choices.length === 0;
  }
  var typeMenu = document.getElementById("filter-type");
  var projectMenu = document.getElementById("filter-project");
  var themeMenu = document.getElementById("filter-theme");
  var findMenu = document.getElementById("find-node");
  fill(typeMenu, data.menus.types);
  fill(projectMenu, data.menus.projects);
  fill(themeMenu, data.menus.themes);
  fill(findMenu, data.menus.nodes);

  function has(list, value) {
    return Array.isArray(list) && list.indexOf(value) !== -1;
  }

  // A facet (project, theme) is decided by the edges when some edge carries it (a transfer
  // names its project): matching edges and their two ends stay. Otherwise the nodes decide:
  // matching nodes and the edges between them stay. graphkit.visualise.narrow does the same.
  var facets = ["gkProjects", "gkThemes"];
  var edgesCarry = {};
  facets.forEach(function (field) {
    edgesCarry[field] = edges.get().some(function (edge) {
      return Array.isArray(edge[field]) && edge[field].length > 0;
    });
  });

  function applyFilter(how) {
    var type = typeMenu.value;
    var wanted = { gkProjects: projectMenu.value, gkThemes: themeMenu.value };
    var byEdges = facets.filter(function (f) { return wanted[f] && edgesCarry[f]; });
    var byNodes = facets.filter(function (f) { return wanted[f] && !edgesCarry[f]; });
    function edgeMatches(edge) {
      return byEdges.every(function (f) { return has(edge[f], wanted[f]); });
    }
    var touched = {};
    edges.forEach(function (edge) {
      if (edgeMatches(edge)) touched[edge.from] = touched[edge.to] = true;
    });
    var visible = {};
    var nodeUpdates = [];
    var shown = [];
    nodes.forEach(function (node) {
      var show = (type ? node.gkType === type : !hiddenTypes[node.gkType]) &&
        (byEdges.length === 0 || touched[node.id] === true) &&
        byNodes.every(function (f) { return has(node[f], wanted[f]); });
      visible[node.id] = show;
      if (show) shown.push(node.id);
      nodeUpdates.push({ id: node.id, hidden: !show });
    });
    var edgeUpdates = [];
    var shownEdges = 0;
    var shownTransfers = 0;
    edges.forEach(function (edge) {
      var show = visible[edge.from] && visible[edge.to] && edgeMatches(edge);
      if (show) shownEdges += 1;
      if (show && edge.gkType === "PracticeTransfer") shownTransfers += 1;
      edgeUpdates.push({ id: edge.id, hidden: !show });
    });
    var typeCounts = {};
    shown.forEach(function (id) {
      var kind = nodes.get(id).gkType;
      typeCounts[kind] = (typeCounts[kind] || 0) + 1;
    });
    showLegend(typeCounts, shownTransfers);
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    stats.visibleNodes = shown.length;
    stats.visibleEdges = shownEdges;
    showCounts();
    if (shown.length > 0 && !(how && how.fit === false)) {
      network.fit({ nodes: shown, animation: false });
    }
  }

  [typeMenu, projectMenu, themeMenu].forEach(function (menu) {
    menu.addEventListener("change", applyFilter);
  });
  document.getElementById("reset").addEventListener("click", function () {
    typeMenu.value = projectMenu.value = themeMenu.value = findMenu.value = "";
    network.unselectAll();
    hideOthers();
    applyFilter();
  });
  findMenu.addEventListener("change", function () {
    if (!findMenu.value) return;
    network.selectNodes([findMenu.value]);
    network.focus(findMenu.value, { scale: 1.2, animation: false });
  });

  applyFilter({ fit: false });
})();
