// Case file tabs: one pane at a time, the choice kept in the address (#tab-money) so a reload,
// a link or the back button returns to it. Without JavaScript every pane shows, in order.
(function () {
  var nav = document.querySelector("nav.tabs");
  if (!nav) return;
  var panes = document.querySelectorAll(".tab-pane");
  function show(key) {
    var found = false;
    panes.forEach(function (p) { var on = p.dataset.tab === key; p.hidden = !on; found = found || on; });
    if (!found && panes.length) { panes[0].hidden = false; key = panes[0].dataset.tab; }
    nav.querySelectorAll("a").forEach(function (a) { a.classList.toggle("active", a.dataset.tab === key); });
  }
  function fromHash() { show((location.hash || "#tab-overview").replace("#tab-", "")); }
  nav.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-tab]");
    if (!a) return;
    e.preventDefault();
    history.replaceState(null, "", "#tab-" + a.dataset.tab);
    show(a.dataset.tab);
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
