// The commune picker (round and account forms): search without diacritics, and, where the
// form has a start date, show only the communes valid on it (the server checks both again).
(function () {
  "use strict";

  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function isoDay(value) {
    var m = /^(\d{1,2})[\/.-](\d{1,2})[\/.-](\d{4})$/.exec((value || "").trim());
    if (!m) return "";
    return m[3] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[1]).slice(-2);
  }

  function attach(picker) {
    var search = picker.querySelector("input[type=search]");
    var start = document.getElementById(picker.getAttribute("data-start-input") || "");
    var count = picker.querySelector("[data-testid=picked-count]");
    var rows = Array.prototype.slice.call(picker.querySelectorAll("li.commune"));

    function update() {
      var words = plain(search.value).split(" ").filter(Boolean);
      var day = start ? isoDay(start.value) : "";
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
      picker.querySelectorAll("details.commune-group").forEach(function (group) {
        group.hidden = !group.querySelector("li.commune:not([hidden])");
      });
      count.textContent = picker.querySelectorAll("li.commune input[type=checkbox]:checked").length;
    }

    search.addEventListener("input", update);
    if (start) start.addEventListener("input", update);
    picker.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("fieldset.communes").forEach(attach);
})();
