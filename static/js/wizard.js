/* Household form helpers: show only the questions whose condition holds, and add member rows.
 * The server checks every condition again; this only spares surveyors irrelevant questions.
 * The expression reader mirrors criteria/expressions.py (a safe XLSForm subset, no eval). */
(function () {
  "use strict";

  function tokenize(text) {
    var re = /\s*(?:(\d+(?:\.\d+)?)|('[^']*'|"[^"]*")|\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}|(!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)|([A-Za-z_][A-Za-z0-9_-]*)|(\.))/y;
    var tokens = [], m;
    re.lastIndex = 0;
    while (re.lastIndex < text.length) {
      if (!text.slice(re.lastIndex).trim()) break;
      var start = re.lastIndex;
      m = re.exec(text);
      if (!m || re.lastIndex === start) throw new Error("bad expression");
      if (m[1] !== undefined) tokens.push({k: "num", v: parseFloat(m[1])});
      else if (m[2] !== undefined) tokens.push({k: "str", v: m[2].slice(1, -1)});
      else if (m[3] !== undefined) tokens.push({k: "ref", v: m[3]});
      else if (m[4] !== undefined) tokens.push({k: "op", v: m[4]});
      else if (m[5] !== undefined) tokens.push({k: "word", v: m[5]});
      else tokens.push({k: "dot", v: "."});
    }
    tokens.push({k: "end", v: ""});
    return tokens;
  }

  function num(v) {
    if (v === null || v === undefined || v === "" || Array.isArray(v)) return null;
    var n = Number(v);
    return isNaN(n) ? null : n;
  }
  function truthy(v) {
    if (v === null || v === undefined || v === "" || v === false) return false;
    if (Array.isArray(v)) return v.length > 0;
    var n = num(v);
    return n !== null ? n !== 0 : Boolean(v);
  }
  function selected(v) {
    if (v === null || v === undefined) return [];
    return Array.isArray(v) ? v.map(String) : String(v).split(/\s+/).filter(Boolean);
  }
  function compare(op, a, b) {
    if (op === "=" || op === "!=") {
      a = a === null || a === undefined ? "" : a;
      b = b === null || b === undefined ? "" : b;
      var na = num(a), nb = num(b);
      var eq = na !== null && nb !== null ? na === nb : String(a) === String(b);
      return op === "=" ? eq : !eq;
    }
    var x = num(a), y = num(b);
    if (x === null || y === null) return false;
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op];
  }
  var CALLS = {
    "not": function (v) { return !truthy(v); },
    "selected": function (v, c) { return selected(v).indexOf(String(c)) >= 0; },
    "count-selected": function (v) { return selected(v).length; },
    "string-length": function (v) { return v === null || v === undefined ? 0 : String(v).length; },
    "true": function () { return true; },
    "false": function () { return false; }
  };

  function evaluate(text, values) {
    var t = tokenize(text), i = 0;
    function peek() { return t[i]; }
    function take() { return t[i++]; }
    function orExpr() {
      var v = andExpr();
      while (peek().k === "word" && peek().v === "or") { take(); var r = andExpr(); v = truthy(v) || truthy(r); }
      return v;
    }
    function andExpr() {
      var v = cmpExpr();
      while (peek().k === "word" && peek().v === "and") { take(); var r = cmpExpr(); v = truthy(v) && truthy(r); }
      return v;
    }
    function cmpExpr() {
      var v = sumExpr();
      if (peek().k === "op" && ["=", "!=", "<", "<=", ">", ">="].indexOf(peek().v) >= 0) {
        var op = take().v; v = compare(op, v, sumExpr());
      }
      return v;
    }
    function arith(op, a, b) {
      var x = num(a), y = num(b);
      if (x === null || y === null) return null;
      if (op === "+") return x + y;
      if (op === "-") return x - y;
      if (op === "*") return x * y;
      if (y === 0) return null;
      return op === "div" ? x / y : x % y;
    }
    function sumExpr() {
      var v = mulExpr();
      while (peek().k === "op" && (peek().v === "+" || peek().v === "-")) { var op = take().v; v = arith(op, v, mulExpr()); }
      return v;
    }
    function mulExpr() {
      var v = unary();
      while ((peek().k === "op" && peek().v === "*") || (peek().k === "word" && (peek().v === "div" || peek().v === "mod"))) {
        var op = take().v; v = arith(op, v, unary());
      }
      return v;
    }
    function unary() {
      if (peek().k === "op" && peek().v === "-") { take(); return arith("-", 0, unary()); }
      return primary();
    }
    function primary() {
      var tok = take();
      if (tok.k === "num" || tok.k === "str") return tok.v;
      if (tok.k === "ref") return values.hasOwnProperty(tok.v) ? values[tok.v] : null;
      if (tok.k === "dot") return null;
      if (tok.k === "op" && tok.v === "(") { var v = orExpr(); take(); return v; }
      if (tok.k === "word" && CALLS[tok.v]) {
        take(); var args = [];
        if (!(peek().k === "op" && peek().v === ")")) {
          args.push(orExpr());
          while (peek().k === "op" && peek().v === ",") { take(); args.push(orExpr()); }
        }
        take();
        return CALLS[tok.v].apply(null, args);
      }
      throw new Error("bad expression");
    }
    return truthy(orExpr());
  }

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
