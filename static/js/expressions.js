/* XLSForm expressions for "relevant" and "constraint", read the way criteria/expressions.py
 * reads them: a safe subset parsed and interpreted, never passed to eval. The two must
 * agree exactly; tests/criteria/test_expression_conformance.py runs one corpus through both.
 *
 * evaluate(text, values, current) -> boolean; "values" maps names to answers (null or
 * missing when unanswered), "current" is the answer being checked (".").
 * Loaded in the browser (window.CDHTExpressions) and in node (module.exports). */
(function (root) {
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

  // XPath's number(): see NUMBER in criteria/expressions.py.
  var NUMBER = /^\s*-?(?:\d+(?:\.\d*)?|\.\d+)\s*$/;
  function num(v) {
    if (v === null || v === undefined || Array.isArray(v)) return null;
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "number") return isNaN(v) ? null : v;
    var text = String(v);
    return NUMBER.test(text) ? parseFloat(text) : null;
  }
  // XPath's string(): a multiple choice is its codes joined by spaces.
  function str(v) {
    if (v === null || v === undefined) return "";
    if (Array.isArray(v)) return v.map(str).join(" ");
    return String(v);
  }
  function truthy(v) {
    if (v === null || v === undefined || v === "" || v === false) return false;
    if (Array.isArray(v)) return v.length > 0;
    var n = num(v);
    return n !== null ? n !== 0 : Boolean(v);
  }
  function selected(v) {
    return Array.isArray(v) ? v.map(str) : str(v).split(/\s+/).filter(Boolean);
  }
  function compare(op, a, b) {
    if (op === "=" || op === "!=") {
      var na = num(a), nb = num(b);
      var eq = na !== null && nb !== null ? na === nb : str(a) === str(b);
      return op === "=" ? eq : !eq;
    }
    var x = num(a), y = num(b);
    if (x === null || y === null) return false;
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op];
  }
  var CALLS = {
    "not": function (v) { return !truthy(v); },
    "selected": function (v, c) { return selected(v).indexOf(str(c)) >= 0; },
    "count-selected": function (v) { return selected(v).length; },
    "string-length": function (v) { return str(v).length; },
    "true": function () { return true; },
    "false": function () { return false; }
  };

  function evaluate(text, values, current) {
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
      if (tok.k === "dot") return current === undefined ? null : current;
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

  var api = {evaluate: evaluate};
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.CDHTExpressions = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
