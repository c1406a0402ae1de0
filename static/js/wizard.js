/* Household form helpers: show only the questions whose condition holds, and add member rows.
 * The server checks every condition again; this only spares surveyors irrelevant questions.
 * Conditions are read by expressions.js (loaded first), the mirror of criteria/expressions.py. */
(function () {
  "use strict";

  // The expression reader is shared with the offline app and checked against the Python
  // one by tests/criteria/test_expression_conformance.py.
  var evaluate = window.CDHTExpressions.evaluate;

  function answerOf(field) {
    var inputs = field.querySelectorAll("input, select, textarea");
    var checks = [], value = null, multi = false;
    inputs.forEach(function (input) {
      if (input.type === "checkbox") { multi = true; if (input.checked) checks.push(input.value); }
      else if (input.type === "radio") { if (input.checked) value = input.value; }
      else if (input.value !== "") { value = input.value; }
    });
    return multi ? checks : value;
  }

  function refresh(block) {
    var values = {};
    try { Object.assign(values, JSON.parse(block.dataset.prior || "{}")); } catch (e) { /* keep going */ }
    try { Object.assign(values, JSON.parse(block.dataset.profile || "{}")); } catch (e) { /* keep going */ }
    block.querySelectorAll(".question-field").forEach(function (field) {
      var code = field.dataset.question;
      if (field.dataset.relevant) {
        var shown = true;
        try { shown = evaluate(field.dataset.relevant, values); } catch (e) { shown = true; }
        field.hidden = !shown;
        if (!shown) return;
      }
      var answer = answerOf(field);
      if (code && answer !== null && !(Array.isArray(answer) && !answer.length)) values[code] = answer;
    });
  }

  document.querySelectorAll(".member-questions").forEach(function (block) {
    refresh(block);
    block.addEventListener("change", function () { refresh(block); });
    block.addEventListener("input", function () { refresh(block); });
  });

  var addButton = document.querySelector("button.add-member");
  var template = document.getElementById("member-template");
  var total = document.querySelector("input[name$='-TOTAL_FORMS']");
  if (addButton && template && total) {
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      document.getElementById("member-forms").insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = document.querySelectorAll("#member-forms .member-form");
      var first = added[added.length - 1].querySelector("input, select");
      if (first) first.focus();
    });
  }

  // A step that failed validation opens on its error summary; each link focuses its field.
  var summary = document.querySelector("[data-testid=error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-focus]");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("data-focus"));
      if (field) {
        event.preventDefault();
        field.scrollIntoView({ block: "center" });
        field.focus();
      }
    });
  }
})();
