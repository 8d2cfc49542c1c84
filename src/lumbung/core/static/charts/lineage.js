/* Keyboard movement through a lineage tree (charts/_lineage.html).

   The drawing is a list of links in reading order, a parent before its replicas. This script
   makes the whole tree one stop in the tab order (the last focused innovation keeps
   tabindex="0", the others -1) and moves with the keys of a tree view:
     Down / Up      the next / previous innovation (the next row)
     Right          the first replica of this innovation
     Left           the innovation this one replicates
     Home / End     the first / last innovation
   Enter follows the link as usual. The focused (or pointed-at) innovation's accessible name is
   written to the polite live panel beside the tree.

   Hooks, all data attributes:
     [data-lineage]              the figure (one per tree; several per page are fine)
     [data-lineage-node="ID"]    each node link (ID is its element id)
     [data-lineage-parent="ID"]  the id of the node it replicates ("" for a root)
     [data-lineage-more]         optional extra text shown in the panel after the name
     [data-lineage-help]         instructions, shown (hidden removed) once this script runs
     [data-lineage-panel]        the panel, shown once this script runs
     [data-lineage-detail]       the live text inside the panel
   Without this script every node is an ordinary link and the table below the tree has it all. */
(function () {
  "use strict";

  function init(root) {
    if (root.getAttribute("data-lineage-ready")) { return; }
    root.setAttribute("data-lineage-ready", "1");
    var links = Array.prototype.slice.call(root.querySelectorAll("[data-lineage-node]"));
    if (!links.length) { return; }
    var byId = {};
    var firstChild = {};
    links.forEach(function (link) {
      byId[link.getAttribute("data-lineage-node")] = link;
    });
    links.forEach(function (link) {
      var parent = link.getAttribute("data-lineage-parent");
      if (parent && byId[parent] && !firstChild[parent]) { firstChild[parent] = link; }
    });
    var help = root.querySelector("[data-lineage-help]");
    var panel = root.querySelector("[data-lineage-panel]");
    var detail = root.querySelector("[data-lineage-detail]");
    if (help) { help.hidden = false; }
    if (panel) { panel.hidden = false; }
    var svg = links[0].ownerSVGElement;
    if (svg && help && help.id) {
      var described = svg.getAttribute("aria-describedby") || "";
      svg.setAttribute("aria-describedby", (described + " " + help.id).trim());
    }

    var current = links[0];
    links.forEach(function (link) {
      link.setAttribute("tabindex", link === current ? "0" : "-1");
    });

    function show(link) {
      if (!detail) { return; }
      var text = link.getAttribute("aria-label") || "";
      var more = link.getAttribute("data-lineage-more");
      detail.textContent = more ? text + ". " + more : text;
    }

    function moveTo(link) {
      if (!link) { return; }
      current.setAttribute("tabindex", "-1");
      link.setAttribute("tabindex", "0");
      current = link;
      link.focus();
    }

    function target(key, link) {
      var index = links.indexOf(link);
      switch (key) {
        case "ArrowDown": return links[index + 1];
        case "ArrowUp": return links[index - 1];
        case "ArrowRight": return firstChild[link.getAttribute("data-lineage-node")];
        case "ArrowLeft": return byId[link.getAttribute("data-lineage-parent")];
        case "Home": return links[0];
        case "End": return links[links.length - 1];
        default: return undefined;
      }
    }

    root.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      var link = event.target.closest ? event.target.closest("[data-lineage-node]") : null;
      if (!link || !root.contains(link)) { return; }
      var keys = ["ArrowDown", "ArrowUp", "ArrowRight", "ArrowLeft", "Home", "End"];
      if (keys.indexOf(event.key) === -1) { return; }
      event.preventDefault();  // arrows move in the tree, not the page
      moveTo(target(event.key, link));
    });

    root.addEventListener("focusin", function (event) {
      var link = event.target.closest ? event.target.closest("[data-lineage-node]") : null;
      if (!link) { return; }
      if (link !== current) {
        current.setAttribute("tabindex", "-1");
        link.setAttribute("tabindex", "0");
        current = link;
      }
      show(link);
    });

    root.addEventListener("mouseover", function (event) {
      var link = event.target.closest ? event.target.closest("[data-lineage-node]") : null;
      if (link) { show(link); }
    });
  }

  function initAll(scope) {
    var roots = Array.prototype.slice.call(scope.querySelectorAll("[data-lineage]"));
    if (scope.matches && scope.matches("[data-lineage]")) { roots.push(scope); }
    roots.forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  } else {
    initAll(document);
  }
  // a tree brought in later by htmx
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target) { initAll(event.detail.target); }
  });
})();
