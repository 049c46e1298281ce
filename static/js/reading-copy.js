/* Lưu trữ số — the reading copy (bản đọc): no context menu ("Lưu hình ảnh") on its pages.
   A deterrent, not a protection: the pages carry the archive's and the reader's mark. */
(function () {
  "use strict";
  document.addEventListener("contextmenu", function (event) {
    if (event.target.closest && event.target.closest("[data-no-menu]")) event.preventDefault();
  });
})();
