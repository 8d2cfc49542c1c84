/* Live word count under every text area with a word limit (data-word-limit): "12 of 100 words",
   announced politely to screen readers, marked when over the limit. The server counts the same
   way (runs of characters between spaces) and refuses a text over the limit. */
(function () {
  "use strict";
  var lang = (document.documentElement.lang || "id").slice(0, 2);
  var text = {
    id: function (n, limit) { return n + " dari " + limit + " kata"; },
    en: function (n, limit) { return n + " of " + limit + " words"; }
  };
  var over = { id: " — melebihi batas", en: " — over the limit" };
  function count(value) {
    var words = value.trim().split(/\s+/);
    return words[0] === "" ? 0 : words.length;
  }
  document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    var out = document.createElement("p");
    out.className = "word-count";
    out.id = area.id + "_words";
    out.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", out);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", described ? described + " " + out.id : out.id);
    function update() {
      var n = count(area.value);
      var say = text[lang] || text.id;
      out.textContent = say(n, limit) + (n > limit ? (over[lang] || over.id) : "");
      out.classList.toggle("over", n > limit);
    }
    area.addEventListener("input", update);
    update();
  });
})();
