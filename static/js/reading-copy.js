// A reading copy (bản đọc) is for reading on screen, not for saving: no context menu or
// dragging on its page images. A deterrent for the casual, not a control; the control is that
// the pages are small images served only while the delivery is valid (access/deliveries.py).
// Kept out of the template because the Content-Security-Policy forbids inline handlers.
"use strict";
document.addEventListener("contextmenu", function (event) {
  if (event.target instanceof Element && event.target.closest(".reading-page img")) {
    event.preventDefault();
  }
});
document.addEventListener("dragstart", function (event) {
  if (event.target instanceof Element && event.target.closest(".reading-page img")) {
    event.preventDefault();
  }
});
