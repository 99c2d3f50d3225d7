// The countdown of an auction page. The end comes from the server (data-ends-at, moved by each
// bid in the last five minutes); the page's own clock is only used to count down between polls,
// corrected by the server's clock (data-server-now). The browser never decides an end.
(function () {
  "use strict";
  var box = document.getElementById("auction");
  if (!box) return;
  var endsAt = Date.parse(box.dataset.endsAt);
  var offset = Date.parse(box.dataset.serverNow) - Date.now();
  var out = document.getElementById("countdown");
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  function tick() {
    var left = Math.max(0, Math.floor((endsAt - (Date.now() + offset)) / 1000));
    var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    out.textContent = (d ? d + "天" : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
  }
  function poll() {
    fetch(box.dataset.stateUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (st) {
        if (!st) return;
        offset = Date.parse(st.server_now) - Date.now();
        endsAt = Date.parse(st.ends_at);
        document.getElementById("ends-at").textContent = st.ends_at_local;
        document.getElementById("current-price").textContent = st.current_price || "—";
        document.getElementById("bid-count").textContent = st.bid_count;
        document.getElementById("status").textContent = st.status_label;
        var rows = document.getElementById("history");
        if (rows && st.history && st.history.length) {
          rows.textContent = "";
          st.history.forEach(function (b) {
            var tr = document.createElement("tr");
            [b.code + (b.matched ? "（优先购买权）" : ""), b.amount, b.at_local,
             b.extended_to_local ? "延时至 " + b.extended_to_local : ""].forEach(function (text) {
              var td = document.createElement("td");
              td.textContent = text;
              tr.appendChild(td);
            });
            rows.appendChild(tr);
          });
        }
        var amount = document.getElementById("bid-amount");
        if (amount && document.activeElement !== amount) amount.value = st.next_minimum;
      })
      .catch(function () {});
  }
  tick();
  setInterval(tick, 250);
  if (box.dataset.status === "announced") setInterval(poll, 3000);
})();
