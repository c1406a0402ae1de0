// The round form's commune picker: search without diacritics, and show only the communes
// valid on the typed start date (the server checks both again).
(function () {
  "use strict";
  var form = document.querySelector(".round-form");
  if (!form) return;
  var search = document.getElementById("commune-search");
  var start = document.getElementById("id_starts_on");
  var count = form.querySelector("[data-testid=picked-count]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("li.commune"));

  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function startDay() {
    var m = /^(\d{1,2})[\/.-](\d{1,2})[\/.-](\d{4})$/.exec((start && start.value || "").trim());
    if (!m) return "";
    return m[3] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[1]).slice(-2);
  }

  function update() {
    var words = plain(search.value).split(" ").filter(Boolean);
    var day = startDay();
    rows.forEach(function (row) {
      var text = row.getAttribute("data-search");
      var matches = words.every(function (w) { return text.indexOf(w) !== -1; });
      var from = row.getAttribute("data-valid-from");
      var to = row.getAttribute("data-valid-to");
      var valid = !day || (from <= day && (!to || to >= day));
      var box = row.querySelector("input[type=checkbox]");
      // A picked commune stays visible, so that nothing is sent unseen.
      row.hidden = !(box.checked || (matches && valid));
    });
    form.querySelectorAll("details.commune-group").forEach(function (group) {
      group.hidden = !group.querySelector("li.commune:not([hidden])");
    });
    count.textContent = form.querySelectorAll("li.commune input[type=checkbox]:checked").length;
  }

  search.addEventListener("input", update);
  if (start) start.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
