/* The rule-type registry of the browser's scoring engine (static/js/scoring.js, loaded next):
 * RULE_TYPES, one object per rule type code as criteria/rules registers them, each
 * compile(params, tests) -> (value, context) -> points|null, with the small helpers only they
 * use. Also what the rules and the engine share, here so that nothing needs scoring.js: Python's
 * values (str(), float(), truth, as criteria/rules/checks.py reads them), rounding and number
 * wording (scoring/engine/results.py), and coerceAnswers, which types stored answers as the
 * server does before scoring (survey.imports); scoring.js re-exports these as CDHTScoring.
 * tests/scoring/test_js_scoring_conformance.py proves the results equal the Python engine's.
 * Loaded in the browser (window.CDHTScoringRules) and in node (module.exports). */
(function (root) {
  "use strict";
  var node = typeof module !== "undefined" && module.exports;

  // Python's values, as the engine sees them ------------------------------------------
  var SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var SPACES = new RegExp("[" + SPACE + "]+");
  var EDGES = new RegExp("^[" + SPACE + "]+|[" + SPACE + "]+$", "g");
  var DIGITS = "\\d(?:_?\\d)*";
  var FLOAT = new RegExp("^[+-]?(?:(?:" + DIGITS + "(?:\\.(?:" + DIGITS + ")?)?|\\.(?:" + DIGITS +
    "))(?:[eE][+-]?" + DIGITS + ")?|inf|infinity|nan)$", "i");

  function has(object, key) { return object != null && Object.prototype.hasOwnProperty.call(object, key); }
  function get(object, key) { return has(object, key) ? object[key] : null; }
  function strip(text) { return text.replace(EDGES, ""); }
  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  // Python's truth value of a JSON value.
  function truthy(v) {
    if (v === null || v === undefined || v === "" || v === false || v === 0) return false;
    if (Array.isArray(v)) return v.length > 0;
    return isObject(v) ? Object.keys(v).length > 0 : true;
  }
  function isNumber(v) { return typeof v === "number" || typeof v === "boolean"; }  // numbers.Number
  function digit(ch) {  // a Unicode decimal digit's value: they come in runs of ten, 0 to 9
    var code = ch.codePointAt(0), n = 0;
    while (/\p{Nd}/u.test(String.fromCodePoint(code - n - 1))) n++;
    return String(n % 10);
  }
  // float(text), or null where Python raises ValueError.
  function parseFloatPy(text) {
    text = strip(text.replace(/\p{Nd}/gu, function (ch) { return /[0-9]/.test(ch) ? ch : digit(ch); }));
    if (!FLOAT.test(text)) return null;
    var low = text.toLowerCase().replace(/_/g, "");
    if (/nan$/.test(low)) return NaN;
    if (/inf/.test(low)) return low[0] === "-" ? -Infinity : Infinity;
    return Number(low);
  }
  // criteria.rules.checks.number
  function number(v) {
    if (typeof v === "boolean" || v === null || v === undefined || v === "") return null;
    if (typeof v === "number") return v;
    return typeof v === "string" ? parseFloatPy(v) : null;
  }
  function toFloat(v) {  // float(v), which takes booleans and raises on the rest
    var n = typeof v === "boolean" ? Number(v) : number(v);
    if (n === null) throw new Error("not a number: " + v);
    return n;
  }
  function or0(n) { return n === null || n === 0 ? 0 : n; }  // `x or 0.0`: NaN is true in Python
  function pyMax(a, b) { return b > a ? b : a; }
  function pyMin(a, b) { return b < a ? b : a; }
  function floatRepr(x) {  // repr(float) of a non-integral float
    if (x !== x) return "nan";
    if (!isFinite(x)) return x > 0 ? "inf" : "-inf";
    var m = x.toExponential().match(/^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/), e = Number(m[4]);
    if (e >= -4 && e < 16) return String(x);
    var exp = Math.abs(e) < 10 ? "0" + Math.abs(e) : String(Math.abs(e));
    return m[1] + m[2] + (m[3] ? "." + m[3] : "") + "e" + (e < 0 ? "-" : "+") + exp;
  }
  function repr(v) {
    if (typeof v === "string") {
      var quote = v.indexOf("'") >= 0 && v.indexOf('"') < 0 ? '"' : "'";
      return quote + v.replace(/\\/g, "\\\\").replace(new RegExp(quote, "g"), "\\" + quote) + quote;
    }
    return str(v);
  }
  // str(v) of a JSON value; an integral number reads as the int JSON made of it.
  function str(v) {
    if (v === null || v === undefined) return "None";
    if (typeof v === "boolean") return v ? "True" : "False";
    if (typeof v === "number") return Number.isInteger(v) ? BigInt(v).toString() : floatRepr(v);
    if (Array.isArray(v)) return "[" + v.map(repr).join(", ") + "]";
    if (isObject(v)) return "{" + Object.keys(v).map(function (k) { return repr(k) + ": " + repr(v[k]); }).join(", ") + "}";
    return String(v);
  }

  // Rounding and number wording (results.py) --------------------------------------------
  // float(Decimal(repr(round(value, 9))).quantize(Decimal("0.01"), ROUND_HALF_UP))
  function roundHalfUp(value) {
    value = Number(value);
    if (Number.isInteger(value)) return value + 0;
    if (value !== value) return NaN;  // Decimal("NaN").quantize() is NaN
    if (!isFinite(value)) throw new Error("cannot round " + value);  // as Decimal raises
    var nine = value.toFixed(9), scaled = value * 1024;
    // toFixed breaks an exact tie away from zero, Python's round() to the even digit.
    if (Number.isInteger(scaled) && scaled % 2 && Number(nine.slice(-1)) % 2) {
      nine = nine.slice(0, -1) + (Number(nine.slice(-1)) - 1);
    }
    var shortest = Number(nine);
    if (shortest === 0) return shortest;  // keeps the sign, as Decimal("-0.0") does
    // String() gives the digits of repr(): both are the shortest that read back the same.
    var m = decimalOf(String(shortest)), fraction = m.fraction.padEnd(3, "0");
    var cents = Number(m.whole + fraction.slice(0, 2)) + (Number(fraction[2]) >= 5 ? 1 : 0);
    var whole = Math.floor(cents / 100), part = String(cents % 100).padStart(2, "0");
    return Number(m.sign + whole + "." + part);
  }
  function decimalOf(text) {  // "1.5e-7" -> {sign, whole, fraction} of the plain decimal
    var m = text.match(/^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/);
    var digits = m[2] + (m[3] || ""), point = m[2].length + Number(m[4] || 0);
    if (point <= 0) return {sign: m[1], whole: "0", fraction: "0".repeat(-point) + digits};
    if (point >= digits.length) return {sign: m[1], whole: digits + "0".repeat(point - digits.length), fraction: ""};
    return {sign: m[1], whole: digits.slice(0, point), fraction: digits.slice(point)};
  }
  function fmt(value, language) {
    var r = roundHalfUp(value);
    var text = r !== r ? "nan" : (Object.is(r, -0) ? "-" : "") + r.toFixed(2);
    text = text.replace(/0+$/, "").replace(/\.$/, "");
    return language === "vi" ? text.replace(".", ",") : text;
  }

  // Rule types (criteria/rules), keyed by type code; compile(params, tests) -> (value, context) -> points|null
  function pointsTable(params) {
    var table = new Map();
    Object.keys(params.points).forEach(function (k) { table.set(k, or0(number(params.points[k]))); });
    return table;
  }
  function items(value) {  // answers._items
    return Array.isArray(value) ? value : (truthy(value) ? str(value) : "").split(SPACES).filter(Boolean);
  }
  function hashKey(v) {  // what Python's set() tells apart (1 == 1.0 == True)
    if (Array.isArray(v) || isObject(v)) throw new Error("unhashable answer item");
    return isNumber(v) ? "n" + Number(v) : v === null ? "None" : "s" + v;
  }
  function bandsOf(params) {
    return params.bands.map(function (b) { return [toFloat(b.min), number(get(b, "max")), toFloat(b.points)]; });
  }
  function inBands(bands, value) {
    for (var i = 0; i < bands.length; i++) {
      if (value >= bands[i][0] && (bands[i][1] === null || value <= bands[i][1])) return bands[i][2];
    }
    return 0;
  }
  function bounded(top) {
    return {questionTypes: ["integer", "decimal"], compile: function (params) {
      var most = top(params);
      return function (value) { return pyMin(pyMax(or0(number(value)), 0), most); };
    }};
  }
  function membersType(decide) {
    return {questionTypes: [], compile: function (params, tests) {
      var points = has(params, "bands") ? bandsOf(params) : toFloat(params.points);
      return function (value, context) { return decide(points, tests, context); };
    }};
  }
  var RULE_TYPES = {
    choice_points: {questionTypes: ["select_one"], compile: function (params) {
      var table = pointsTable(params);
      return function (value) { var key = str(value); return table.has(key) ? table.get(key) : 0; };
    }},
    checklist: {questionTypes: ["select_multiple"], compile: function (params) {
      var cap = toFloat(params.cap);
      if (has(params, "points")) {
        var table = pointsTable(params);
        return function (value) {
          var seen = new Set(), total = 0;
          items(value).map(str).forEach(function (item) {
            if (!seen.has(item)) { seen.add(item); total += table.has(item) ? table.get(item) : 0; }
          });
          return total < cap ? total : cap;
        };
      }
      var perItem = toFloat(params.per_item);
      return function (value) {
        var total = new Set(items(value).map(hashKey)).size * perItem;
        return total < cap ? total : cap;
      };
    }},
    bands: {questionTypes: ["integer", "decimal"], compile: function (params) {
      var bands = bandsOf(params);
      return function (value) { var n = number(value); return n === null ? 0 : inBands(bands, n); };
    }},
    yes_no: {questionTypes: ["select_one"], compile: function (params) {
      var yes = has(params, "yes") ? str(params.yes) : "yes", points = toFloat(params.points);
      var noPoints = or0(number(get(params, "no_points")));
      return function (value) { return str(value) === yes ? points : noPoints; };
    }},
    reviewer_score: bounded(function (params) { return or0(number(get(params, "max"))); }),
    direct: bounded(function () { return Infinity; }),
    members_all: membersType(function (points, tests, context) {
      var found = tests.matching(context);
      return found.length ? (tests.passing(found) === found.length ? points : 0) : null;
    }),
    members_any: membersType(function (points, tests, context) {
      var found = tests.matching(context);
      return found.length ? (tests.passing(found) ? points : 0) : null;
    }),
    members_count: membersType(function (bands, tests, context) {
      return inBands(bands, tests.passing(tests.matching(context)));
    }),
    members_share: membersType(function (points, tests, context) {
      var found = tests.matching(context);
      return found.length ? points * tests.passing(found) / found.length : null;
    })
  };

  // Stored answers typed as the server types a synced household before scoring it
  // (survey.imports.payload: payload._text, then AnswerCleaner with the form's field and
  // survey.forms.to_json). Empty answers are dropped; one its field refuses is kept as given
  // (the server refuses the household, and the form's own checks say why).
  var TONES = /[\u0300\u0301\u0303\u0309\u0323]/g;
  function nameKey(text) {  // units.text.name_key (lower-casing for casefold)
    return text.normalize("NFD").toLowerCase().split(SPACES).filter(Boolean).map(function (word) {
      return (word.replace(TONES, "") + (word.match(TONES) || []).join("")).normalize("NFC");
    }).join(" ");
  }
  function textOf(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "boolean") return v ? "1" : "0";
    return Array.isArray(v) ? v.map(textOf).join(" ") : str(v);
  }
  function choiceFinder(list) {  // survey.imports.values.ChoiceIndex.find
    var order = new Map(), byKey = new Map(), AMBIGUOUS = {};
    list.forEach(function (c, n) { order.set(c.name, n); });
    list.forEach(function (c) {
      new Set([c.label.vi, c.label.en].filter(Boolean)).forEach(function (text) {
        var key = nameKey(text), known = byKey.get(key);
        byKey.set(key, known === undefined || known === c.name ? c.name : AMBIGUOUS);
      });
    });
    list.forEach(function (c) { byKey.set(nameKey(c.name), c.name); });
    var find = function (text) {
      var found = order.has(text) ? text : byKey.get(nameKey(text));
      return found === undefined || found === AMBIGUOUS ? null : found;
    };
    find.order = order;
    return find;
  }
  function asciiDigits(text) { return text.replace(/\p{Nd}/gu, function (ch) { return /[0-9]/.test(ch) ? ch : digit(ch); }); }
  var CLEAN = {
    integer: function (text) {  // IntegerField: int() of the text less a trailing ".000"
      text = strip(asciiDigits(text.replace(new RegExp("\\.0*[" + SPACE + "]*$"), "")));
      if (!new RegExp("^[+-]?" + DIGITS + "$").test(text)) return undefined;
      var n = Number(text.replace(/_/g, "")) + 0;  // int() has no -0
      return Math.abs(n) <= 1e9 ? n : undefined;
    },
    decimal: function (text) {  // DecimalField(max_digits=14, decimal_places=4), then float()
      if (text.indexOf(",") >= 0 && text.indexOf(".") < 0) text = text.replace(/,/g, ".");
      var m = strip(asciiDigits(text)).match(new RegExp("^([+-]?)(?:(" + DIGITS + ")(?:\\.(" + DIGITS + ")?)?|\\.(" +
        DIGITS + "))(?:[eE]([+-]?" + DIGITS + "))?$"));
      if (!m) return undefined;
      var whole = (m[2] || "").replace(/_/g, ""), part = (m[3] || m[4] || "").replace(/_/g, "");
      var exponent = Number((m[5] || "0").replace(/_/g, "")) - part.length;
      var coefficient = (whole + part).replace(/^0+/, "") || "0", digits, decimals;
      if (exponent >= 0) { digits = coefficient.length + (coefficient !== "0" ? exponent : 0); decimals = 0; }
      else if (-exponent > coefficient.length) digits = decimals = -exponent;
      else { digits = coefficient.length; decimals = -exponent; }
      if (digits > 14 || decimals > 4 || digits - decimals > 10) return undefined;
      return Number(m[1] + (whole || "0") + "." + (part || "0") + "e" + (m[5] || "0").replace(/_/g, ""));
    },
    select_one: function (text, find) { return find(text) === null ? undefined : find(text); },
    select_multiple: function (text, find) {
      var codes = [];
      text.split(new RegExp("[" + SPACE + ",;]+")).filter(Boolean).forEach(function (token) {
        var code = find(token);
        if (code === null) codes = undefined;
        else if (codes && codes.indexOf(code) < 0) codes.push(code);
      });
      return codes && codes.sort(function (a, b) { return find.order.get(a) - find.order.get(b); });
    },
    text: function (text) {  // CharField(max_length=500): stripped, counted in code points
      text = strip(text);
      return Array.from(text).length <= 500 && text.indexOf("\0") < 0 ? text.normalize("NFC") : undefined;
    },
    date: function (text) {  // values.parse_day, then DateField's years 1900–2100
      text = strip(text);
      var m = text.match(/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/), y, mo, d;
      if (m) { y = +m[1]; mo = +m[2]; d = +m[3]; } else if ((m = text.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/))) { d = +m[1]; mo = +m[2]; y = +m[3]; } else return undefined;
      var day = new Date(Date.UTC(y, mo - 1, d));
      if (y < 1900 || y > 2100 || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
      return day.toISOString().slice(0, 10);
    }
  };
  function coerceAnswers(spec, answers) {
    var lists = new Map((spec.choice_lists || []).map(function (l) { return [l.name, l.choices]; }));
    var byCode = new Map(spec.questions.map(function (q) { return [q.code, q]; }));
    var typed = {};
    Object.keys(answers || {}).forEach(function (code) {
      var question = byCode.get(code), value = answers[code];
      if (!question || !CLEAN[question.type]) { typed[code] = value; return; }
      var text = textOf(value);
      if (!text) return;
      var clean = CLEAN[question.type](text, choiceFinder(lists.get(question.choice_list) || []));
      if (clean === undefined) typed[code] = value;
      else if (clean !== "" && !(Array.isArray(clean) && !clean.length)) typed[code] = clean;
    });
    return typed;
  }

  var api = {RULE_TYPES: RULE_TYPES, coerceAnswers: coerceAnswers, roundHalfUp: roundHalfUp, formatNumber: fmt,
    // For scoring.js: Python's values as the engine sees them.
    python: {has: has, get: get, strip: strip, truthy: truthy, isNumber: isNumber, toFloat: toFloat, str: str}};
  if (node) module.exports = api;
  else root.CDHTScoringRules = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
