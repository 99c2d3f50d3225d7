// The command center's live alerts: Server-Sent Events from /watch/stream/, no reload, no CDN.
(function () {
  "use strict";
  var list = document.getElementById("watch-alerts");
  if (!list) return;
  var map = document.getElementById("watch-map");
  var hits = document.getElementById("watch-hits");
  var live = document.getElementById("watch-live");
  var after = list.getAttribute("data-after") || "0";
  var box = {
    minLat: parseFloat(map.dataset.minLat), maxLat: parseFloat(map.dataset.maxLat),
    minLng: parseFloat(map.dataset.minLng), maxLng: parseFloat(map.dataset.maxLng)
  };
  function xy(lat, lng) {
    return [(lng - box.minLng) / (box.maxLng - box.minLng) * 600, (box.maxLat - lat) / (box.maxLat - box.minLat) * 360];
  }
  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }
  function show(a) {
    if (list.querySelector('[data-id="' + a.id + '"]')) return;
    var empty = document.getElementById("watch-empty");
    if (empty) empty.remove();
    var li = document.createElement("li");
    li.className = "alert-row fresh status-" + a.status;
    li.setAttribute("data-id", a.id);
    var link = document.createElement("a");
    link.href = a.url;
    link.appendChild(text("b", a.observed));
    li.appendChild(link);
    li.appendChild(document.createTextNode(" · " + a.case_number + " · " + a.debtor + " "));
    li.appendChild(text("span", a.status_label, "badge"));
    li.appendChild(document.createElement("br"));
    var detail = a.seen_at.slice(5, 19).replace("T", " ") + " " + (a.place || a.source) +
      " · 置信度 " + a.confidence.toFixed(2) + " · " + a.reason + (a.image_ref ? " · 图像 " + a.image_ref : "");
    li.appendChild(text("span", detail, "muted small"));
    list.insertBefore(li, list.firstChild);
    if (a.lat !== null && a.lng !== null && hits) {
      var p = xy(a.lat, a.lng);
      var c = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      c.setAttribute("cx", p[0].toFixed(1));
      c.setAttribute("cy", p[1].toFixed(1));
      c.setAttribute("r", "7");
      c.setAttribute("class", "hit fresh");
      var title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = a.observed + " " + (a.place || a.source);
      c.appendChild(title);
      hits.appendChild(c);
    }
  }
  function connect() {
    var source = new EventSource(list.getAttribute("data-stream") + "?wait=15&after=" + encodeURIComponent(after));
    source.addEventListener("open", function () {
      live.textContent = "实时";
      live.setAttribute("data-state", "open");
    });
    source.addEventListener("alert", function (ev) {
      var a = JSON.parse(ev.data);
      after = String(a.id);
      show(a);
    });
    source.addEventListener("error", function () {
      // the server ends each stream after a while; EventSource reconnects with Last-Event-ID
      live.textContent = "重新连接中…";
      live.setAttribute("data-state", "reconnecting");
    });
  }
  connect();
})();
