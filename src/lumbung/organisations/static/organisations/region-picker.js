/* The region picker: a text input made an ARIA combobox over the region search (the WAI-ARIA
   Authoring Practices' "list autocomplete with manual selection"). Focus stays in the input;
   Down/Up move through the options (opening the list if needed), Enter chooses the highlighted
   option, Escape closes the list, Tab leaves it. Every page works without this file: the server
   reads a typed code or name (organisations/region_picker.py). */
(function () {
  "use strict";
  if (window.lumbungRegionPicker) { return; }  // the widget's template may load it more than once
  window.lumbungRegionPicker = true;

  var DELAY = 200;  // ms after the last keystroke before searching

  function enhance(root) {
    if (root.getAttribute("data-enhanced")) { return; }
    var input = root.querySelector("input");
    var listbox = document.getElementById(root.getAttribute("data-listbox"));
    var status = document.getElementById(root.getAttribute("data-status"));
    var url = root.getAttribute("data-search-url");
    if (!input || !listbox || !status || !url || !window.fetch) { return; }
    root.setAttribute("data-enhanced", "true");

    var timer = null;
    var pending = null;
    var active = -1;
    var searched = null;  // the query whose options the list holds

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("autocomplete", "off");
    var label = input.labels && input.labels[0];
    if (label) {
      if (!label.id) { label.id = input.id + "_label"; }
      listbox.setAttribute("aria-labelledby", label.id);
    }

    function options() { return listbox.querySelectorAll("[role='option']"); }

    function setActive(index) {
      var items = options();
      active = index;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === index ? "true" : "false");
        items[i].classList.toggle("is-active", i === index);
      }
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (!options().length) { return; }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      setActive(-1);
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function choose(option) {
      input.value = option.getAttribute("data-value");
      close();
      input.dispatchEvent(new Event("change", {bubbles: true}));
    }

    function show(html, query) {
      var template = document.createElement("template");
      template.innerHTML = html;
      var list = template.content.querySelector("ul");
      var items = list ? list.querySelectorAll("li[role='option']") : [];
      listbox.textContent = "";
      for (var i = 0; i < items.length; i++) {
        items[i].id = listbox.id + "_" + i;
        listbox.appendChild(items[i]);
      }
      searched = query;
      status.textContent = list ? list.getAttribute("data-status") : "";
      setActive(-1);
      if (items.length) { open(); } else { close(); }
    }

    // Search for what is typed (unless the list already holds it), then call `then`.
    function search(then) {
      var query = input.value.trim();
      if (query === searched) { if (then) { then(); } return; }
      if (pending) { pending.abort(); }
      if (!query) {
        searched = query;
        listbox.textContent = "";
        status.textContent = "";
        close();
        return;
      }
      pending = new AbortController();
      var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
      fetch(address, {signal: pending.signal, credentials: "same-origin"})
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          show(html, query);
          if (then) { then(); }
        })
        .catch(function () { /* superseded or failed: the server still reads what is typed */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(); }, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var items = options();
      var expanded = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!expanded) {
            clearTimeout(timer);
            search(function () { open(); if (!event.altKey && options().length) { setActive(0); } });
          } else if (items.length) {
            setActive(active + 1 < items.length ? active + 1 : 0);
          }
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!expanded) {
            clearTimeout(timer);
            search(function () { open(); setActive(options().length - 1); });
          } else if (items.length) {
            setActive(active > 0 ? active - 1 : items.length - 1);
          }
          break;
        case "Enter":
          if (expanded && active >= 0 && items[active]) {
            event.preventDefault();  // choose, do not submit the form
            choose(items[active]);
          }
          break;
        case "Escape":
          if (expanded) { event.preventDefault(); close(); }
          break;
        case "Tab":
          close();
          break;
      }
    });

    input.addEventListener("blur", function () { close(); });
    // a pointer choosing an option must not take the focus from the input
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    listbox.addEventListener("click", function (event) {
      var option = event.target.closest("[role='option']");
      if (option) { choose(option); }
    });
  }

  function enhanceAll(scope) {
    var roots = (scope || document).querySelectorAll("[data-region-picker]");
    for (var i = 0; i < roots.length; i++) { enhance(roots[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
  // forms that htmx brings into the page later
  document.addEventListener("htmx:load", function (event) {
    if (event.target && event.target.querySelectorAll) { enhanceAll(event.target); }
  });
})();
