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

function startYasgui(prefixes) {
  const Yasgui = window.Yasgui.default || window.Yasgui;
  // Only completions that need no network: variables and prefixes (the prefix list is bundled).
  window.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
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
    yasr: { prefixes, defaultPlugin: "table", pluginOrder: ["table", "response"] },
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
