/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  function focusErrors() {
    // After a form comes back with errors, move focus to the summary of problems so that
    // keyboard and screen-reader users hear them first.
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); return; }
    // A page that asks something before going on (the duplicate warning) marks the question.
    var question = document.querySelector("[data-focus-on-load]");
    if (question) { question.focus(); return; }
    // After an action, the confirmation (or warning) at the top of the page is read first: a
    // status region present at load is not announced, focus is. A page that moved focus
    // itself (autofocus, a fragment) keeps it.
    var messages = document.getElementById("messages");
    if (messages && (document.activeElement === document.body || !document.activeElement)
        && !window.location.hash) { messages.focus(); }
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
