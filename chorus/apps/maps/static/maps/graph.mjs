// Progressive enhancement: the map as an interactive network (cytoscape, served from node_modules).
// Without JavaScript, or if the library cannot load, the drawing and the tables of factors and links stay;
// the tables are the accessible way to read the map. With it, people can pan, zoom, pick a factor to see
// what it drives and what drives it, start a link between two factors, and save the view as a PNG.
// Keyboard: the factor list and buttons work as usual; on the drawing, arrow keys move the view, + and -
// zoom, 0 fits the map, N and P step through the factors, Escape clears the choice.

const holder = document.querySelector("[data-map-graph]");
if (holder) start(holder);

const BLUE = "#005eb8";
const RED = "#d5281b";
const TEXT = "#212b32";
const STYLE_PLACEHOLDER = "__________cytoscape_stylesheet";

function signed(value, places = 2) {
  const text = Math.abs(value).toFixed(places);
  return value < 0 ? `−${text}` : `+${text}`;
}

function boxSize(name) {
  const perLine = 18; // characters that fit in one line of a node
  const lines = Math.max(1, Math.ceil(name.length / perLine));
  return { width: Math.min(perLine, Math.max(6, name.length)) * 8 + 20, height: lines * 18 + 16 };
}

function elementsFrom(data) {
  const nodes = data.factors.map((factor) => ({
    group: "nodes",
    data: { ...factor, label: factor.label || factor.name, ...boxSize(factor.name) },
    position: { x: factor.x, y: factor.y },
    classes: factor.state || "",
  }));
  const edges = data.links.map((link) => ({
    group: "edges",
    data: { ...link, id: `link-${link.id}`, strength: Math.abs(link.weight) },
    classes: link.weight < 0 ? "negative" : "positive",
  }));
  return [...nodes, ...edges];
}

const STYLE = [
  {
    selector: "node",
    style: {
      shape: "round-rectangle",
      label: "data(label)",
      width: "data(width)",
      height: "data(height)",
      "text-wrap": "wrap",
      "text-max-width": "150px",
      "text-valign": "center",
      "text-halign": "center",
      "font-family": "Frutiger W01, Arial, Helvetica, sans-serif",
      "font-size": 14,
      color: TEXT,
      "background-color": "#e8edee",
      "border-width": 1,
      "border-color": "#768692",
    },
  },
  {
    selector: "edge",
    style: {
      "curve-style": "bezier",
      "target-arrow-shape": "triangle",
      "arrow-scale": 1.3,
      width: "mapData(strength, 0, 1, 1, 7)",
      "line-color": BLUE,
      "target-arrow-color": BLUE,
    },
  },
  { selector: "edge.negative", style: { "line-color": RED, "target-arrow-color": RED, "line-style": "dashed" } },
  { selector: "node.rises", style: { "background-color": "#007f3b", color: "#ffffff", "border-color": "#00401e" } },
  { selector: "node.falls", style: { "background-color": RED, color: "#ffffff", "border-color": "#6b140e" } },
  { selector: "node.held", style: { "background-color": "#425563", color: "#ffffff", "border-color": TEXT } },
  { selector: ".faded", style: { opacity: 0.2 } },
  {
    selector: "node:selected",
    style: { "background-color": "#ffeb3b", color: TEXT, "border-width": 4, "border-color": TEXT },
  },
  {
    selector: "edge:selected",
    style: { "line-color": TEXT, "target-arrow-color": TEXT, label: "data(label)", "font-size": 13,
      "text-background-color": "#ffffff", "text-background-opacity": 1, "text-background-padding": "2px" },
  },
];

function describeFactor(node) {
  const out = node.outgoers("edge").map((edge) => `${edge.data("verb")} ${edge.target().data("name")} (${signed(edge.data("weight"))})`);
  const into = node.incomers("edge").map((edge) => `${edge.source().data("name")} (${signed(edge.data("weight"))})`);
  const parts = [`${node.data("name")}.`];
  if (node.data("stateText")) parts.push(`${node.data("stateText")}.`);
  parts.push(out.length ? `It ${out.join("; ")}.` : "It changes nothing on the map.");
  parts.push(into.length ? `Changed by ${into.join("; ")}.` : "Nothing on the map changes it.");
  return parts.join(" ");
}

function describeLink(edge) {
  return `${edge.source().data("name")} ${edge.data("verb")} ${edge.target().data("name")} (${signed(edge.data("weight"))}).`;
}

async function start(holder) {
  const data = JSON.parse(document.getElementById(holder.dataset.mapGraph).textContent);
  if (!data.factors.length) return;
  let cytoscape;
  try {
    ({ default: cytoscape } = await import(holder.dataset.library));
  } catch {
    return; // the drawing and the tables stay as they are
  }
  // Cytoscape adds a <style> element unless one with this id exists; the page's CSP forbids inline styles,
  // so an empty placeholder stands in and maps.css carries the one rule it would have added.
  if (!document.getElementById(STYLE_PLACEHOLDER)) {
    const placeholder = document.createElement("meta");
    placeholder.id = STYLE_PLACEHOLDER;
    document.head.append(placeholder);
  }

  const template = document.getElementById("map-graph-template");
  holder.replaceChildren(template.content.cloneNode(true));
  holder.hidden = false;
  for (const fallback of document.querySelectorAll("[data-map-graph-fallback]")) fallback.hidden = true;

  const canvas = holder.querySelector(".chorus-graph__canvas");
  const status = holder.querySelector("[data-graph-status]");
  const choice = holder.querySelector("[data-graph-factor]");
  const actions = holder.querySelector("[data-graph-actions]");

  const cy = cytoscape({
    container: canvas,
    elements: elementsFrom(data),
    style: STYLE,
    layout: { name: "preset", fit: true, padding: 30 },
    wheelSensitivity: 0.4,
    minZoom: 0.2,
    maxZoom: 3,
    autoungrabify: false,
    boxSelectionEnabled: false,
    selectionType: "single",
  });
  canvas.setAttribute("data-ready", "true");

  for (const factor of [...data.factors].sort((a, b) => a.name.localeCompare(b.name))) {
    choice.append(new Option(factor.name, factor.id));
  }

  let previous = null; // the factor chosen before this one: with Shift, the two start a new link

  function showActions(items) {
    actions.replaceChildren();
    for (const item of items) {
      const entry = document.createElement("li");
      const control = document.createElement(item.href ? "a" : "button");
      control.textContent = item.text;
      if (item.href) control.href = item.href;
      else {
        control.type = "button";
        control.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small";
        control.addEventListener("click", item.run);
      }
      entry.append(control);
      actions.append(entry);
    }
  }

  function clear() {
    cy.elements().removeClass("faded").unselect();
    choice.value = "";
    status.textContent = "";
    showActions([]);
  }

  function chooseFactor(node, { startLink = false } = {}) {
    const from = startLink && previous && previous.id() !== node.id() ? previous : null;
    cy.elements().unselect();
    node.select();
    const neighbourhood = node.closedNeighborhood();
    cy.elements().not(neighbourhood).addClass("faded");
    neighbourhood.removeClass("faded");
    choice.value = node.id();
    status.textContent = describeFactor(node);
    const items = [];
    if (data.addLink && from) {
      items.push({ text: `Add a link from ${from.data("name")} to ${node.data("name")}`, run: () => startNewLink(from, node) });
    }
    if (data.addLink) {
      items.push({ text: `Add a link from ${node.data("name")}`, run: () => startNewLink(node, null) });
    }
    if (node.data("edit")) items.push({ text: `Change the factor ${node.data("name")}`, href: node.data("edit") });
    showActions(items);
    previous = node;
  }

  function chooseLink(edge) {
    cy.elements().unselect();
    edge.select();
    cy.elements().not(edge.union(edge.connectedNodes())).addClass("faded");
    edge.union(edge.connectedNodes()).removeClass("faded");
    status.textContent = describeLink(edge);
    const items = [];
    if (edge.data("edit")) {
      items.push({ text: `Change the link from ${edge.source().data("name")} to ${edge.target().data("name")}`, href: edge.data("edit") });
    }
    showActions(items);
  }

  function startNewLink(from, to) {
    const source = document.getElementById(data.addLink.source);
    const target = document.getElementById(data.addLink.target);
    if (!source || !target) return;
    source.value = from.data("name");
    target.value = to ? to.data("name") : "";
    const form = source.closest("form");
    form.scrollIntoView({ block: "start" });
    (to ? form.querySelector("input[type=radio]") : target).focus();
  }

  cy.on("tap", "node", (event) => chooseFactor(event.target, { startLink: event.originalEvent?.shiftKey }));
  cy.on("tap", "edge", (event) => chooseLink(event.target));
  cy.on("tap", (event) => {
    if (event.target === cy) clear();
  });

  choice.addEventListener("change", () => {
    const node = choice.value ? cy.getElementById(choice.value) : null;
    if (node && node.length) {
      chooseFactor(node);
      cy.animate({ center: { eles: node }, duration: 200 });
    } else clear();
  });

  const zoomBy = (factor) => cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  const ordered = () => cy.nodes().sort((a, b) => a.data("name").localeCompare(b.data("name")));
  function step(direction) {
    const nodes = ordered();
    const current = nodes.filter(":selected");
    const index = current.length ? nodes.indexOf(current[0]) : direction > 0 ? -1 : 0;
    const node = nodes[(index + direction + nodes.length) % nodes.length];
    chooseFactor(node);
    cy.animate({ center: { eles: node }, duration: 150 });
  }

  holder.querySelector("[data-graph-zoom-in]").addEventListener("click", () => zoomBy(1.25));
  holder.querySelector("[data-graph-zoom-out]").addEventListener("click", () => zoomBy(0.8));
  holder.querySelector("[data-graph-fit]").addEventListener("click", () => cy.fit(undefined, 30));
  holder.querySelector("[data-graph-png]").addEventListener("click", () => {
    const link = document.createElement("a");
    link.href = cy.png({ full: true, scale: 2, bg: "#ffffff" });
    link.download = `${data.filename}-view.png`;
    link.click();
  });

  canvas.addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: [40, 0], ArrowRight: [-40, 0], ArrowUp: [0, 40], ArrowDown: [0, -40] };
    if (moves[event.key]) cy.panBy({ x: moves[event.key][0], y: moves[event.key][1] });
    else if (event.key === "+" || event.key === "=") zoomBy(1.25);
    else if (event.key === "-") zoomBy(0.8);
    else if (event.key === "0") cy.fit(undefined, 30);
    else if (event.key === "n" || event.key === "N") step(1);
    else if (event.key === "p" || event.key === "P") step(-1);
    else if (event.key === "Escape") clear();
    else return;
    event.preventDefault();
  });
  window.chorusMapGraph = cy; // for the browser tests and for people exploring in the console
}
