// The network view: draws the elements the server laid out, with Cytoscape.js (installed from npm, see
// src/oncograph/serve/frontend/package.json). Pan by dragging the background, zoom with the wheel, drag nodes;
// a click on a node opens its page, a click on a tie shows its period and sources beside the graph.
// Text from the data is only ever set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var dataEl = document.getElementById("network-data");
  var container = document.getElementById("cy");
  if (!dataEl || !container || typeof cytoscape !== "function") {
    if (container) { container.hidden = true; }
    return;
  }
  var data = JSON.parse(dataEl.textContent);

  // Colours come from the legend's swatches (style.css), so the page and the graph cannot disagree.
  var colours = {};
  Array.prototype.forEach.call(document.querySelectorAll("#legend [data-group]"), function (li) {
    var swatch = li.querySelector(".swatch");
    if (swatch) { colours[li.getAttribute("data-group")] = getComputedStyle(swatch).backgroundColor; }
  });

  var cy = cytoscape({
    container: container,
    elements: data.elements,
    layout: { name: "preset", fit: true, padding: 40 },
    minZoom: 0.1,
    maxZoom: 5,
    style: [
      { selector: "node", style: {
        "background-color": function (n) { return colours[n.data("colour")] || "#868e96"; },
        "label": "data(label)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 3,
        "width": 18, "height": 18, "color": "#212529", "text-outline-color": "#ffffff", "text-outline-width": 2,
        "min-zoomed-font-size": 4 } },
      { selector: "node[?focus]", style: { "width": 30, "height": 30, "border-width": 3, "border-color": "#212529" } },
      { selector: "node[?context]", style: { "opacity": 0.45 } },
      { selector: "edge", style: { "width": 1.6, "line-color": "#adb5bd", "curve-style": "bezier" } },
      { selector: "edge[?derived]", style: { "line-style": "dashed" } },
      { selector: "edge[?weak]", style: { "line-style": "dotted", "width": 1 } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#d9480f" } },
      { selector: "edge:selected", style: { "line-color": "#d9480f", "width": 3 } }
    ]
  });

  var panel = document.getElementById("selection");

  function add(parent, tag, text, cls) {
    var el = document.createElement(tag);
    if (text) { el.textContent = text; }
    if (cls) { el.className = cls; }
    parent.appendChild(el);
    return el;
  }

  function link(parent, href, text) {
    var a = add(parent, "a", text);
    if (href && href.charAt(0) === "/") { a.setAttribute("href", href); }
    return a;
  }

  function showEdge(d) {
    panel.textContent = "";
    var source = cy.getElementById(d.source).data("name");
    var target = cy.getElementById(d.target).data("name");
    add(panel, "h3", d.type);
    add(panel, "p", source + " — " + target);
    add(panel, "p", d.period ? "period: " + d.period + (d.derived ? " (date derived)" : "") : "no date given by the source", "small");
    var list = add(panel, "ul", "", "sources");
    d.sources.forEach(function (s) { link(add(list, "li"), s.href, s.title); });
    if (d.href) { link(add(panel, "p", "", "small"), d.href, "this relationship on its own page"); }
  }

  function showNode(d) {
    panel.textContent = "";
    add(panel, "h3", d.name);
    add(panel, "p", d.kind, "small");
    link(add(panel, "p", "", "small"), d.href, "open its page");
  }

  cy.on("tap", "node", function (e) { window.location.assign(e.target.data("href")); });
  cy.on("tap", "edge", function (e) { showEdge(e.target.data()); });
  cy.on("mouseover", "node", function (e) { showNode(e.target.data()); });
  container.setAttribute("data-ready", "true");
  window.oncographNetwork = cy;  // for the browser tests and for curious readers' consoles
}());
