// graphkit's query page: loads the bundled queries, runs a query against /sparql and shows
// the answer. Every piece of data is inserted with textContent, never as HTML.
"use strict";

const PREFIXES = {
  "https://w3id.org/graphkit/id/": "gkr:",
  "https://w3id.org/graphkit/ontology#": "gk:",
  "https://w3id.org/graphkit/vocab/": "gkv:",
};

function element(id) {
  return document.getElementById(id);
}

function compact(iri) {
  for (const [namespace, prefix] of Object.entries(PREFIXES)) {
    if (iri.startsWith(namespace)) {
      return prefix + iri.slice(namespace.length);
    }
  }
  return iri;
}

function show(id, text) {
  const node = element(id);
  node.textContent = text;
  node.hidden = !text;
}

function clearResults() {
  show("error", "");
  show("notice", "");
  show("graph-output", "");
  element("results").replaceChildren();
}

function renderTable(data) {
  const table = element("results");
  const head = document.createElement("tr");
  const variables = data.head.vars || [];
  for (const name of variables) {
    const cell = document.createElement("th");
    cell.textContent = name;
    head.appendChild(cell);
  }
  const rows = [head];
  for (const binding of data.results.bindings) {
    const row = document.createElement("tr");
    for (const name of variables) {
      const cell = document.createElement("td");
      const term = binding[name];
      if (term) {
        cell.textContent = term.type === "uri" ? compact(term.value) : term.value;
        if (term.type === "uri") {
          cell.className = "iri";
          cell.title = term.value;
        }
      }
      row.appendChild(cell);
    }
    rows.push(row);
  }
  table.replaceChildren(...rows);
  return data.results.bindings.length;
}

async function runQuery() {
  const text = element("query").value;
  const button = element("run");
  clearResults();
  button.disabled = true;
  show("status", "Running…");
  const started = performance.now();
  try {
    const isGraph = /^\s*(#[^\n]*\n|PREFIX[^\n]*\n|BASE[^\n]*\n|\s)*(CONSTRUCT|DESCRIBE)\b/i.test(text);
    const response = await fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/sparql-query",
        "Accept": isGraph ? "text/turtle" : "application/sparql-results+json",
      },
      body: text,
    });
    const body = await response.text();
    if (!response.ok) {
      show("error", `${response.status} ${response.statusText}: ${body}`);
      show("status", "");
      return;
    }
    show("notice", response.headers.get("X-Graphkit-Truncated") || "");
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (isGraph) {
      show("graph-output", body);
      show("status", `Done in ${seconds} s.`);
      return;
    }
    const data = JSON.parse(body);
    if (typeof data.boolean === "boolean") {
      show("status", `Answer: ${data.boolean ? "yes" : "no"} (${seconds} s).`);
      return;
    }
    const count = renderTable(data);
    show("status", `${count} row${count === 1 ? "" : "s"} in ${seconds} s.`);
  } catch (error) {
    show("error", `The query could not be sent: ${error}`);
    show("status", "");
  } finally {
    button.disabled = false;
  }
}

function describeParameters(query) {
  const list = element("parameters");
  const items = query.parameters.map((parameter) => {
    const item = document.createElement("li");
    const fallback = parameter.default ? `default ${parameter.default}` : "unset";
    item.textContent =
      `?${parameter.name} (${parameter.type}, ${fallback}): ${parameter.description}`;
    return item;
  });
  if (items.length) {
    const hint = document.createElement("li");
    hint.textContent =
      "To fix a parameter, add VALUES ?name { <IRI> } or VALUES ?name { \"text\" } inside WHERE.";
    items.push(hint);
  }
  list.replaceChildren(...items);
}

async function loadBundled() {
  const select = element("bundled");
  let queries = [];
  try {
    const response = await fetch("/queries.json");
    queries = await response.json();
  } catch (error) {
    show("error", `Could not load the bundled queries: ${error}`);
    return;
  }
  for (const query of queries) {
    const option = document.createElement("option");
    option.value = query.name;
    option.textContent = `${query.name}: ${query.question}`;
    select.appendChild(option);
  }
  select.addEventListener("change", () => {
    const chosen = queries.find((query) => query.name === select.value);
    if (!chosen) {
      show("question", "");
      element("parameters").replaceChildren();
      return;
    }
    element("query").value = chosen.text;
    show("question", chosen.question);
    describeParameters(chosen);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  element("run").addEventListener("click", runQuery);
  element("query").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      runQuery();
    }
  });
  loadBundled();
});
