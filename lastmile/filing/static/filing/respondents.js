// Several respondents: "增加被执行人" adds a row from the formset's empty form; "删除此行" hides a
// row (the server drops rows marked for deletion). Without JavaScript the first row still works.
(function () {
  function setup(box) {
    var prefix = box.dataset.prefix;
    var total = box.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var max = box.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
    var rows = box.querySelector(".respondent-rows");
    var empty = box.querySelector("template.respondent-empty");
    function renumber() {
      var n = 0;
      rows.querySelectorAll("[data-row]").forEach(function (row) {
        if (row.hidden) return;
        n += 1;
        var o = row.querySelector("[data-ordinal]");
        if (o) o.textContent = String(n);
      });
    }
    function wire(row) {
      var del = row.querySelector("label.remove input[type=checkbox]");
      if (del) del.addEventListener("change", function () { row.hidden = del.checked; renumber(); });
    }
    rows.querySelectorAll("[data-row]").forEach(wire);
    box.querySelector("[data-add-respondent]").addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) return;
      var html = empty.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      wire(row);
      renumber();
      var first = row.querySelector("input[type=text], input:not([type])");
      if (first) first.focus();
    });
    renumber();
  }
  document.querySelectorAll("fieldset.respondents").forEach(setup);
})();
