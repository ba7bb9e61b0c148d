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

  function withTooltip(item) {
    var copy = Object.assign({}, item);
    if (copy.title !== undefined && copy.title !== null) {
      copy.title = tooltip(String(copy.title));
    }
    return copy;
  }

  var nodes = new vis.DataSet(data.nodes.map(withTooltip));
  var edges = new vis.DataSet(data.edges.map(withTooltip));
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.graphkitNetwork = network;

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

  // Legend: one row per entity type, with its colour, shape and count.
  var legend = document.getElementById("legend-items");
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
  data.legend.forEach(function (entry) {
    legendRow(entry.symbol, entry.color, entry.label, entry.count);
  });
  data.edgeLegend.forEach(function (entry) {
    legendRow("→", entry.color, entry.label, entry.count);
  });

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

  function applyFilter() {
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
      var show = (!type || node.gkType === type) &&
        (byEdges.length === 0 || touched[node.id] === true) &&
        byNodes.every(function (f) { return has(node[f], wanted[f]); });
      visible[node.id] = show;
      if (show) shown.push(node.id);
      nodeUpdates.push({ id: node.id, hidden: !show });
    });
    var edgeUpdates = [];
    var shownEdges = 0;
    edges.forEach(function (edge) {
      var show = visible[edge.from] && visible[edge.to] && edgeMatches(edge);
      if (show) shownEdges += 1;
      edgeUpdates.push({ id: edge.id, hidden: !show });
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    stats.visibleNodes = shown.length;
    stats.visibleEdges = shownEdges;
    showCounts();
    if (shown.length > 0) network.fit({ nodes: shown, animation: false });
  }

  [typeMenu, projectMenu, themeMenu].forEach(function (menu) {
    menu.addEventListener("change", applyFilter);
  });
  document.getElementById("reset").addEventListener("click", function () {
    typeMenu.value = projectMenu.value = themeMenu.value = findMenu.value = "";
    network.unselectAll();
    applyFilter();
  });
  findMenu.addEventListener("change", function () {
    if (!findMenu.value) return;
    network.selectNodes([findMenu.value]);
    network.focus(findMenu.value, { scale: 1.2, animation: false });
  });

  showCounts();
})();
