/* Lưu trữ số — a small IIIF Presentation 3 viewer for the portal (no framework).
   Reads the manifest named by #viewer[data-manifest]; shows one canvas at a time with
   previous/next, zoom, full screen and thumbnails (the current one kept in view); the whole
   page fits the frame until zoomed; ←/→ turn pages. Any IIIF viewer can read the same
   manifest. A canvas that names a larger image as its "rendering" (photos) is swapped to it
   when the reader zooms in: deep zoom without tiles. */
(function () {
  "use strict";
  var root = document.getElementById("viewer");
  if (!root) return;
  var img = root.querySelector("[data-page]");
  var stage = root.querySelector(".stage");
  var status = root.querySelector("[data-status]");
  var thumbs = root.querySelector("[data-thumbs]");
  var pages = [];
  var current = 0;
  var zoom = 1;

  function label(map) {
    if (!map) return "";
    var values = map.vi || map.none || map[Object.keys(map)[0]] || [];
    return values.join(" ");
  }

  function show(index) {
    if (index < 0 || index >= pages.length) return;
    current = index;
    var page = pages[index];
    img.src = page.image;
    img.width = page.width;
    img.height = page.height;
    img.alt = page.label;
    status.textContent = (page.large ? "Ảnh " : "Trang ") + (index + 1) + "/" + pages.length;
    root.querySelector('[data-go="-1"]').disabled = index === 0;
    root.querySelector('[data-go="1"]').disabled = index === pages.length - 1;
    thumbs.querySelectorAll("button").forEach(function (b, i) {
      b.setAttribute("aria-current", i === index ? "true" : "false");
      if (i === index && b.scrollIntoView) b.scrollIntoView({ block: "nearest", inline: "nearest" });
    });
    if (history.replaceState) history.replaceState(null, "", "#trang-" + (index + 1));
    applyZoom();
  }

  function applyZoom() {
    var page = pages[current];
    if (page && page.large && zoom > 1 && img.getAttribute("src") !== page.large) {
      img.src = page.large;
    }
    stage.classList.toggle("zoomed", zoom !== 1);
    img.style.width = zoom === 1 ? "" : Math.round(stage.clientWidth * zoom) + "px";
  }

  fetch(root.dataset.manifest, { headers: { Accept: "application/ld+json" } })
    .then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    })
    .then(function (manifest) {
      pages = (manifest.items || []).map(function (canvas) {
        var body = canvas.items[0].items[0].body;
        var thumb = (canvas.thumbnail || [body])[0];
        var large = (canvas.rendering || []).filter(function (r) { return r.type === "Image"; })[0];
        return {
          label: label(canvas.label),
          image: body.id,
          width: body.width || canvas.width,
          height: body.height || canvas.height,
          thumb: thumb.id,
          large: large ? large.id : null
        };
      });
      pages.forEach(function (page, i) {
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button";
        var t = document.createElement("img");
        t.src = page.thumb;
        t.alt = page.label;
        t.loading = "lazy";
        b.appendChild(t);
        b.addEventListener("click", function () { show(i); });
        li.appendChild(b);
        thumbs.appendChild(li);
      });
      var wanted = /^#trang-(\d+)$/.exec(location.hash);
      show(wanted ? Math.min(parseInt(wanted[1], 10), pages.length) - 1 : 0);
    })
    .catch(function () {
      status.textContent = "Không tải được trang tài liệu. Vui lòng thử lại.";
    });

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.go) show(current + parseInt(button.dataset.go, 10));
    if (button.hasAttribute("data-fullscreen")) {
      if (document.fullscreenElement) document.exitFullscreen();
      else if (root.requestFullscreen) root.requestFullscreen();
    }
    if (button.dataset.zoom) {
      var factor = parseFloat(button.dataset.zoom);
      zoom = factor === 0 ? 1 : Math.min(4, Math.max(1, zoom * factor));
      applyZoom();
    }
  });
  document.addEventListener("fullscreenchange", function () {
    var on = document.fullscreenElement === root;
    root.classList.toggle("fullscreen", on);
    root.querySelector("[data-fullscreen]").setAttribute("aria-pressed", on ? "true" : "false");
    applyZoom();
  });
  document.addEventListener("keydown", function (event) {
    if (event.target.matches("input, select, textarea")) return;
    if (event.key === "ArrowRight") show(current + 1);
    if (event.key === "ArrowLeft") show(current - 1);
  });
})();
