/* Lưu trữ số — the search widget agency websites paste into their pages:

     <div data-luutru-widget data-agency="000.00.03.H62"></div>
     <script src="https://<portal>/static/js/widget.js" defer></script>

   It searches the agency's public records through the public API (CORS, no cookies) and
   opens results on the portal. Plain DOM, no styles of the host page are touched beyond the
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

  function start() {
    document.querySelectorAll("[data-luutru-widget]").forEach(mount);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
