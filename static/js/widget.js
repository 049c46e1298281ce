/* Lưu trữ số — the search widget agency websites paste into their pages:

     <div data-luutru-widget data-agency="000.00.03.H62"></div>
     <script src="https://<portal>/static/js/widget.js" defer></script>

   It searches the agency's public records through the public API (CORS, no cookies) and
   opens results on the portal. With data-exhibition="<slug>" the block shows that online
   exhibition instead (its chapters, page images, captions, links to the records), in English
   where the curator wrote English and the host page (or data-lang) is English. Every text
   from the API is set with textContent: a caption holding HTML is shown, never run. Plain DOM, no styles of the host page are touched beyond the
   widget's own box. */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = new URL(script ? script.src : location.href).origin;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function api(path) {
    return fetch(origin + path, { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw new Error((body.error && body.error.message) || r.status);
          return body;
        });
      });
  }

  function mount(box, index) {
    var code = box.getAttribute("data-agency") || "";
    var id = "luutru-q-" + index;
    var form = el("form", { role: "search", style: "display:flex;gap:.4rem;flex-wrap:wrap" });
    var label = el("label", { for: id }, "Tìm tài liệu lưu trữ");
    var input = el("input", { id: id, type: "search", name: "q", style: "flex:1 1 12rem;padding:.4rem" });
    var button = el("button", { type: "submit" }, "Tìm");
    var status = el("p", { role: "status", "aria-live": "polite" });
    var list = el("ol", { class: "luutru-results" });
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(button);
    box.appendChild(form);
    box.appendChild(status);
    box.appendChild(list);
    var agencyId = code
      ? api("/api/v1/agencies/" + encodeURIComponent(code)).then(function (a) { return a.id; })
      : Promise.resolve(null);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      status.textContent = "Đang tìm…";
      list.textContent = "";
      agencyId
        .then(function (agency) {
          var query = "?q=" + encodeURIComponent(input.value) + (agency ? "&agency=" + agency : "");
          return api("/api/v1/search" + query);
        })
        .then(function (body) {
          status.textContent = body.count + " kết quả";
          body.results.forEach(function (hit) {
            var li = el("li");
            var a = el("a", { href: new URL(hit.url, origin).href, target: "_blank", rel: "noopener" }, hit.title);
            li.appendChild(a);
            li.appendChild(document.createTextNode(" (" + hit.code + ")"));
            list.appendChild(li);
          });
        })
        .catch(function (error) {
          status.textContent = "Không tra cứu được: " + error.message;
        });
    });
  }

  function mountExhibition(box, slug) {
    var lang = (box.getAttribute("data-lang") || document.documentElement.lang || "vi").toLowerCase();
    var english = lang.indexOf("en") === 0;
    function pick(object, field) {
      return (english && object[field + "_en"]) || object[field] || "";
    }
    // A recording or a film: the portal's access copy with its captions; while the copy is
    // being made the portal answers 503, and the visitor is told so.
    function player(item, caption) {
      var box = el("div");
      item.media.forEach(function (url) {
        // crossorigin: captions from another origin load only over CORS (the portal's media
        // and caption answers carry Access-Control-Allow-Origin), and no cookies go with them.
        var media = el(item.kind === "video" ? "video" : "audio", {
          controls: "", preload: "metadata", crossorigin: "anonymous", "aria-label": caption,
          style: "max-width:100%",
        });
        var source = el("source", { src: url, type: item.kind === "video" ? "video/mp4" : "audio/mpeg" });
        source.addEventListener("error", function () {
          box.insertBefore(
            el("p", { role: "status" }, english
              ? "The recording is being prepared; please reload the page in a few minutes."
              : "Bản nghe, xem đang được chuẩn bị; vui lòng tải lại trang sau ít phút."),
            box.firstChild
          );
        });
        media.appendChild(source);
        (item.captions || []).forEach(function (url, index) {
          var track = el("track", { kind: "captions", srclang: "vi", label: "Phụ đề tiếng Việt", src: url });
          if (index === 0) track.setAttribute("default", "");
          media.appendChild(track);
        });
        box.appendChild(media);
      });
      return box;
    }
    var status = el("p", { role: "status", "aria-live": "polite" }, english ? "Loading…" : "Đang tải…");
    box.appendChild(status);
    api("/api/v1/exhibitions/" + encodeURIComponent(slug))
      .then(function (exhibition) {
        status.textContent = "";
        var root = el("section", { class: "luutru-exhibition", lang: english ? "en" : "vi" });
        var heading = el("h2");
        heading.appendChild(
          el("a", { href: exhibition.url, target: "_blank", rel: "noopener" }, pick(exhibition, "title"))
        );
        root.appendChild(heading);
        if (pick(exhibition, "summary")) root.appendChild(el("p", {}, pick(exhibition, "summary")));
        exhibition.sections.forEach(function (section) {
          if (!section.items.length && !pick(section, "text")) return;
          root.appendChild(el("h3", {}, pick(section, "title")));
          if (pick(section, "text")) root.appendChild(el("p", {}, pick(section, "text")));
          section.items.forEach(function (item) {
            var caption = pick(item, "caption") || item.title;
            var figure = el("figure", { style: "margin:1rem 0" });
            if ((item.kind === "audio" || item.kind === "video") && item.media && item.media.length) {
              figure.appendChild(player(item, caption));
            } else {
              var link = el("a", { href: item.url, target: "_blank", rel: "noopener" });
              link.appendChild(
                el("img", { src: item.image, alt: caption, loading: "lazy", style: "max-width:100%;height:auto" })
              );
              figure.appendChild(link);
            }
            var text = el("figcaption", {}, caption + " ");
            text.appendChild(
              el("a", { href: item.url, target: "_blank", rel: "noopener" }, "(" + item.code + ")")
            );
            figure.appendChild(text);
            root.appendChild(figure);
          });
        });
        box.appendChild(root);
      })
      .catch(function (error) {
        status.textContent = (english ? "The exhibition cannot be shown: " : "Không hiển thị được triển lãm: ") + error.message;
      });
  }

  function start() {
    document.querySelectorAll("[data-luutru-widget]").forEach(function (box, index) {
      var slug = box.getAttribute("data-exhibition");
      if (slug) mountExhibition(box, slug);
      else mount(box, index);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
