// graphkit's query workbench: YASGUI (vendored in /static/yasgui/) over this server's /sparql,
// the bundled research questions with a field per parameter (resolved by name on the server,
// /resolve), and downloads of the answer as CSV, TSV or JSON. Nothing is loaded from outside:
// YASGUI's own calls to other sites (vocabulary look-ups, example endpoints) are switched off.
// Data from the server is inserted with textContent, never as HTML.
"use strict";

const ENDPOINT = `${window.location.origin}/sparql`;

function element(id) {
  return document.getElementById(id);
}

function show(id, text) {
  const node = element(id);
  node.textContent = text;
  node.hidden = !text;
}

function prefixLines(prefixes) {
  return Object.entries(prefixes)
    .map(([name, namespace]) => `PREFIX ${name}: <${namespace}>`)
    .join("\n");
}

// Two small result views drawn as SVG in the page (YASGUI ships no offline chart or network):
// "Chart" bars the first numeric column by the first text column; "Network" draws the rows whose
// first two IRI columns name two things as links between them, on a circle.
const SVG = "http://www.w3.org/2000/svg";
const NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger)$/;

function svgElement(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) {
    node.setAttribute(key, String(value));
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function shown(term) {
  if (!term) {
    return "";
  }
  return term.type === "uri" ? term.value.replace(/^.*[/#]/, "") : term.value;
}

function columns(yasr) {
  const variables = yasr.results?.getVariables() || [];
  const bindings = yasr.results?.getBindings() || [];
  const kinds = (test) => variables.filter((v) => bindings.length && bindings.every((b) => !b[v] || test(b[v])));
  return {
    bindings,
    numbers: kinds((t) => t.type === "literal" && NUMERIC.test(t.datatype || "")),
    texts: kinds((t) => t.type === "literal" && !NUMERIC.test(t.datatype || "")),
    iris: kinds((t) => t.type === "uri"),
  };
}

function icon(letter) {
  const span = document.createElement("span");
  span.textContent = letter;
  return span;
}

class ChartPlugin {
  constructor(yasr) {
    this.yasr = yasr;
    this.label = "Chart";
    this.priority = 5;
  }

  canHandleResults() {
    const found = columns(this.yasr);
    return found.numbers.length > 0 && found.bindings.length > 0;
  }

  getIcon() {
    return icon("▮");
  }

  draw() {
    const { bindings, numbers, texts, iris } = columns(this.yasr);
    const value = numbers[0];
    const name = texts.find((v) => /name|label/.test(v)) || texts[0] || iris[0];
    const rows = bindings.slice(0, 60).map((b) => [name ? shown(b[name]) : "", Number(b[value]?.value || 0)]);
    const most = Math.max(1, ...rows.map(([, n]) => n));
    const height = 22 * rows.length + 30;
    const chart = svgElement("svg", { class: "graphkit-chart", width: "100%", viewBox: `0 0 900 ${height}`, role: "img" });
    chart.appendChild(svgElement("title", {}, `${value} by ${name || "row"}`));
    rows.forEach(([label, number], i) => {
      const y = 22 * i + 4;
      chart.appendChild(svgElement("text", { x: 250, y: y + 14, "text-anchor": "end", "font-size": 12 }, label.slice(0, 40)));
      chart.appendChild(svgElement("rect", { x: 258, y, width: Math.max(1, (number / most) * 560), height: 16, fill: "#1f5fae" }));
      chart.appendChild(svgElement("text", { x: 264 + (number / most) * 560, y: y + 13, "font-size": 11 }, String(number)));
    });
    chart.appendChild(svgElement("text", { x: 258, y: height - 6, "font-size": 12, fill: "#5b6475" }, `${value}${bindings.length > 60 ? " (first 60 rows)" : ""}`));
    this.yasr.resultsEl.appendChild(chart);
  }
}

class NetworkPlugin {
  constructor(yasr) {
    this.yasr = yasr;
    this.label = "Network";
    this.priority = 4;
  }

  canHandleResults() {
    return columns(this.yasr).iris.length >= 2;
  }

  getIcon() {
    return icon("⋈");
  }

  draw() {
    const { bindings, iris, texts } = columns(this.yasr);
    const [from, to] = iris;
    const nameOf = (variable) => texts.find((t) => t === `${variable}_name`);
    const labels = new Map();
    const links = [];
    for (const b of bindings) {
      if (!b[from] || !b[to]) {
        continue;
      }
      for (const variable of [from, to]) {
        const name = nameOf(variable);
        labels.set(b[variable].value, name && b[name] ? b[name].value : shown(b[variable]));
      }
      links.push([b[from].value, b[to].value]);
    }
    const nodes = [...labels.keys()].sort();
    const size = 700;
    const radius = size / 2 - 120;
    const at = new Map(nodes.map((n, i) => {
      const angle = (2 * Math.PI * i) / Math.max(1, nodes.length);
      return [n, [size / 2 + radius * Math.cos(angle), size / 2 + radius * Math.sin(angle)]];
    }));
    const network = svgElement("svg", { class: "graphkit-network", width: "100%", viewBox: `0 0 ${size} ${size}`, role: "img" });
    network.appendChild(svgElement("title", {}, `${from} to ${to}: ${nodes.length} nodes, ${links.length} links`));
    for (const [a, b] of links) {
      const [x1, y1] = at.get(a);
      const [x2, y2] = at.get(b);
      network.appendChild(svgElement("line", { x1, y1, x2, y2, stroke: "#8a93a6", "stroke-width": 1.2 }));
    }
    for (const node of nodes) {
      const [x, y] = at.get(node);
      network.appendChild(svgElement("circle", { cx: x, cy: y, r: 6, fill: "#1f5fae" }));
      network.appendChild(svgElement("text", { x: x + 8, y: y + 4, "font-size": 11 }, labels.get(node).slice(0, 30)));
    }
    this.yasr.resultsEl.appendChild(network);
  }
}

function startYasgui(prefixes) {
  const Yasgui = window.Yasgui.default || window.Yasgui;
  // Only completions that need no network: variables and prefixes (the prefix list is bundled).
  window.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  window.Yasr.registerPlugin("chart", ChartPlugin);
  window.Yasr.registerPlugin("network", NetworkPlugin);
  const example = `${prefixLines(prefixes)}

SELECT ?city ?name WHERE {
  ?city a gk:City ;
      rdfs:label ?name .
}
ORDER BY ?name
LIMIT 20
`;
  return new Yasgui(element("yasgui"), {
    requestConfig: { endpoint: ENDPOINT, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: ENDPOINT }] },
    persistenceId: null,
    populateFromUrl: false,
    yasqe: { value: example, prefixCcApi: null, resizeable: true, editorHeight: "22rem" },
    yasr: { prefixes, defaultPlugin: "table", pluginOrder: ["table", "chart", "network", "response"] },
  });
}

function currentTab(yasgui) {
  return yasgui.getTab();
}

function renderFields(query) {
  const fields = element("fields");
  const rows = query.parameters.map((parameter) => {
    const row = document.createElement("div");
    row.className = "field";
    const label = document.createElement("label");
    label.htmlFor = `param-${parameter.name}`;
    label.textContent = `${parameter.name} (${parameter.type})`;
    const input = document.createElement("input");
    input.id = `param-${parameter.name}`;
    input.name = parameter.name;
    input.value = parameter.default || "";
    input.placeholder = parameter.default ? "" : "any";
    const note = document.createElement("small");
    note.textContent = parameter.description;
    row.append(label, input, note);
    return row;
  });
  fields.replaceChildren(...rows);
  element("parameters").hidden = rows.length === 0;
}

async function bindValues(yasgui, query) {
  const url = new URL("/resolve", window.location.origin);
  url.searchParams.set("query", query.name);
  for (const input of element("fields").querySelectorAll("input")) {
    url.searchParams.set(input.name, input.value);
  }
  const response = await fetch(url);
  const body = await response.text();
  if (!response.ok) {
    show("error", body.trim());
    return false;
  }
  show("error", "");
  const answer = JSON.parse(body);
  for (const [name, term] of Object.entries(answer.terms)) {
    element(`param-${name}`).title = term.value;
  }
  currentTab(yasgui).setQuery(answer.text);
  return true;
}

async function loadQueries(yasgui) {
  const response = await fetch("/queries.json");
  const queries = await response.json();
  const select = element("bundled");
  for (const query of queries) {
    const option = document.createElement("option");
    option.value = query.name;
    option.textContent = `${query.question} (${query.name})`;
    select.appendChild(option);
  }
  let chosen;
  select.addEventListener("change", () => {
    chosen = queries.find((query) => query.name === select.value);
    show("error", "");
    if (!chosen) {
      show("question", "");
      element("parameters").hidden = true;
      return;
    }
    show("question", chosen.question);
    renderFields(chosen);
    currentTab(yasgui).setQuery(chosen.text);
  });
  element("parameters").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (chosen && (await bindValues(yasgui, chosen))) {
      currentTab(yasgui).query();
    }
  });
}

async function download(yasgui, button) {
  const text = currentTab(yasgui).getQuery();
  const response = await fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/sparql-query", Accept: button.dataset.accept },
    body: text,
  });
  if (!response.ok) {
    show("error", (await response.text()).trim());
    return;
  }
  show("error", "");
  show("notice", response.headers.get("X-Graphkit-Truncated") || "");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = `graphkit-answer.${button.dataset.suffix}`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

document.addEventListener("DOMContentLoaded", async () => {
  const prefixes = await (await fetch("/prefixes.json")).json();
  const yasgui = startYasgui(prefixes);
  window.graphkitWorkbench = yasgui;
  yasgui.on("queryResponse", (_, tab) => {
    const headers = tab.getYasr().results?.getOriginalResponse?.()?.headers;
    const cut = headers && typeof headers.get === "function" ? headers.get("X-Graphkit-Truncated") : "";
    show("notice", cut || "");
  });
  for (const button of document.querySelectorAll(".downloads button")) {
    button.addEventListener("click", () => download(yasgui, button));
  }
  await loadQueries(yasgui);
  document.body.dataset.ready = "true";
});
