/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  function focusErrors() {
    // After a form comes back with errors, move focus to the summary of problems so that
    // keyboard and screen-reader users hear them first.
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrors);
  } else {
    focusErrors();
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    // After the catalog is replaced, move focus to the new results' heading.
    var heading = document.querySelector("[data-focus-after-swap]");
    if (heading && event.detail.target && event.detail.target.id === "catalog") { heading.focus(); }
  });
})();
