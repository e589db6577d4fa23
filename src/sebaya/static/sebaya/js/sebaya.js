/* Small behaviours of Sebaya's pages. No inline handlers: the Content-Security-Policy forbids them. */
(function () {
  "use strict";
  // Fields marked data-select-on-focus select their whole text (e.g. a link to copy).
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-select-on-focus")) {
      target.select();
    }
  });
})();
