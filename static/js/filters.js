// The filters of list pages sit in <details class="filters">: closed on a phone so the results
// come first, opened on wider screens where there is room for both.
(function () {
  "use strict";
  if (!window.matchMedia("(min-width: 40rem)").matches) return;
  document.querySelectorAll("details.filters").forEach(function (details) {
    details.open = true;
  });
})();
