/* The scoring engine in the browser, so the offline app shows the provisional score and its
 * reasons with no connection. It mirrors scoring/engine (plan.py, relevance.py, score.py,
 * results.py, inputs.py) and, as RULE_TYPES, the rule-type registry of criteria/rules; the
 * results are those of scoring.compute.score_response, in the shape of their to_dict().
 * tests/scoring/test_js_scoring_conformance.py runs one corpus through both and requires
 * equal results, reasons included. Conditions are read by expressions.js (loaded first).
 *
 * scoreResponse({citizen, household, members: [{profile: {age, target_group, sex}, answers}],
 *   householdAnswers}) -> {members: [result|null], household: result|null}, the sets being
 * CriteriaSpec.to_dict(). coerceAnswers(spec, answers) types stored answers as the server
 * does before scoring (survey.imports: the form's fields, then survey.forms.to_json).
 * Loaded in the browser (window.CDHTScoring) and in node (module.exports). */
(function (root) {
  "use strict";
  var node = typeof module !== "undefined" && module.exports;
  var evaluate = (node ? require("./expressions.js") : root.CDHTExpressions).evaluate;

  // Python's values, as the engine sees them ------------------------------------------
  var SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var SPACES = new RegExp("[" + SPACE + "]+");
  var EDGES = new RegExp("^[" + SPACE + "]+|[" + SPACE + "]+$", "g");
  var DIGITS = "\\d(?:_?\\d)*";
  var FLOAT = new RegExp("^[+-]?(?:(?:" + DIGITS + "(?:\\.(?:" + DIGITS + ")?)?|\\.(?:" + DIGITS +
    "))(?:[eE][+-]?" + DIGITS + ")?|inf|infinity|nan)$", "i");
  var NAMES = /'[^']*'|"[^"]*"|\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

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
  // relevance._unanswered; also _score's missing test (falsy and no number, or NaN).
  function unanswered(v) { return (!truthy(v) && !isNumber(v)) || v !== v; }
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
  function names(text) {  // criteria.expressions parse(text).names, sorted
    var found = {}, m;
    NAMES.lastIndex = 0;
    while ((m = NAMES.exec(text))) if (m[1] !== undefined) found[m[1]] = true;
    return Object.keys(found).sort();
  }
  function compileCondition(text) {
    if (!strip(text)) return function () { return true; };
    return function (values) { return evaluate(text, values); };
  }

  // Rounding and wording (results.py) ---------------------------------------------------
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
  function reason(vi, en) { return {vi: vi, en: en}; }
  function policyWords(policy, max) {
    if (policy === "full") return ["tính đủ " + fmt(max, "vi") + " điểm", "counted as the full " + fmt(max, "en") + " points"];
    return ["không tính, tổng điểm được quy đổi lại", "left out, the total is rescaled"];
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

  // The plan (plan.py, member_rules.py, relevance.py) -----------------------------------
  var BUILTINS = ["age", "target_group", "sex", "recognised", "total"];
  var RESULT_NAMES = ["recognised", "total"];

  function MembersRule(params, checked) {  // member_rules._MembersRule
    this.conditionText = truthy(get(params, "condition")) ? str(params.condition) : "";
    this.condition = this.conditionText ? compileCondition(this.conditionText) : null;
    var testText = truthy(get(params, "test")) ? str(params.test) : "";
    this.test = testText ? compileCondition(testText) : null;
    var inChecked = function (text) { return strip(text) ? names(text).filter(function (n) { return checked.has(n); }) : []; };
    this.conditionNames = inChecked(this.conditionText);
    this.testNames = inChecked(testText);
    this.readsResult = [this.conditionText, testText].some(function (text) {
      return strip(text) && names(text).some(function (n) { return RESULT_NAMES.indexOf(n) >= 0; });
    });
  }
  MembersRule.prototype.matching = function (context) {
    var members = context.members || [], condition = this.condition;
    return condition === null ? members.slice() : members.filter(function (m) { return condition(m); });
  };
  MembersRule.prototype.passing = function (members) {
    var test = this.test;
    return test === null ? members.length : members.filter(function (m) { return test(m); }).length;
  };

  function relevanceSteps(spec, wanted, scope) {
    var byCode = new Map(spec.questions.map(function (q) { return [q.code, q]; }));
    wanted = new Set(wanted);
    var pending = Array.from(wanted);
    while (pending.length) {
      var question = byCode.get(pending.pop());
      if (!question || !strip(question.relevant || "")) continue;
      names(question.relevant).forEach(function (name) {
        if (byCode.has(name) && scope.has(name) && !wanted.has(name)) { wanted.add(name); pending.push(name); }
      });
    }
    return spec.questions.filter(function (q) { return wanted.has(q.code) && strip(q.relevant || ""); }).map(function (q) {
      return {code: q.code, condition: compileCondition(q.relevant), reads: names(q.relevant).filter(function (n) { return scope.has(n); })};
    });
  }

  var PLANS = typeof WeakMap !== "undefined" ? new WeakMap() : null;
  function compileSpec(spec) {
    var plan = PLANS && PLANS.get(spec);
    if (!plan) { plan = buildPlan(spec); if (PLANS) PLANS.set(spec, plan); }
    return plan;
  }
  function buildPlan(spec) {
    var household = spec.subject === "household";
    var questions = new Map(spec.questions.map(function (q) { return [q.code, q]; }));
    var clashing = BUILTINS.filter(function (n) { return questions.has(n); });
    if (clashing.length) throw new Error("questions may not be named like built-in values: " + clashing);
    var criterionIndex = new Map(spec.criteria.map(function (c, n) { return [c.code, n]; }));
    var memberQuestions = new Set(spec.questions.filter(function (q) { return q.level === "member" && q.type !== "note"; }).map(function (q) { return q.code; }));
    var checked = new Set(BUILTINS.concat(Array.from(memberQuestions)));
    var groups = new Map(spec.target_groups.map(function (g) {
      return [g.code, [g.label.vi || g.code, g.label.en || g.label.vi || g.code]];
    }));
    var needed = new Set(), memberNeeded = new Set();
    var indicators = spec.indicators.map(function (indicator) {
      if (!criterionIndex.has(indicator.criterion)) throw new Error(indicator.code + ": unknown criterion");
      var policy = indicator.when_not_applicable;
      if (policy !== "full" && policy !== "rescale") throw new Error(indicator.code + ": when_not_applicable");
      var detailsVi = [], detailsEn = [];
      var rules = indicator.rules.map(function (rule) {
        var type = RULE_TYPES[rule.type], params = rule.params || {};
        if (!type) throw new Error(indicator.code + ": unknown rule type " + rule.type);
        if (type.questionTypes.length) {
          var question = questions.get(rule.question || "");
          if (!question) throw new Error(indicator.code + ": unknown question " + rule.question);
          if (household && question.level === "member") throw new Error(indicator.code + ": member question in a household rule");
          needed.add(question.code);
          detailsVi.push(question.code + " không áp dụng");
          detailsEn.push(question.code + " does not apply");
          return {question: question.code, score: type.compile(params), reviewer: Boolean(question.reviewer_only), members: null};
        }
        if (!household) throw new Error(indicator.code + ": rule type " + rule.type + " only fits a household set");
        var members = new MembersRule(params, checked);
        ["condition", "test"].forEach(function (key) {
          if (truthy(get(params, key))) names(str(params[key])).forEach(function (n) { if (memberQuestions.has(n)) memberNeeded.add(n); });
        });
        var condition = members.conditionText;
        detailsVi.push(condition ? "không có thành viên nào thoả " + condition : "không có thành viên phù hợp");
        detailsEn.push(condition ? "no member meets " + condition : "no matching member");
        return {question: null, score: type.compile(params, members), reviewer: false, members: members};
      });
      var max = toFloat(indicator.max_points), words = policyWords(policy, max);
      var item = {code: indicator.code, criterion: indicator.criterion, index: criterionIndex.get(indicator.criterion),
        max: max, policy: policy, rules: rules, spec_groups: groups,
        groups: indicator.target_groups && indicator.target_groups.length && !household ? new Set(indicator.target_groups) : null};
      item.naRules = notApplicable(item, reason(
        indicator.code + ": không áp dụng (" + (detailsVi.join("; ") || "không có quy tắc") + "); " + words[0],
        indicator.code + ": not applicable (" + (detailsEn.join("; ") || "no rule") + "); " + words[1]));
      return item;
    });
    var recognition = spec.recognition;
    var plan = {subject: spec.subject, totalPoints: toFloat(spec.total_points), indicators: indicators,
      criteria: spec.criteria.map(function (c) { return c.code; }),
      criteriaMax: spec.criteria.map(function (c) { return toFloat(c.max_points); }),
      minTotal: toFloat(recognition.min_total), minIndicator: get(recognition, "min_indicator"),
      minShare: get(recognition, "min_criterion_share"),
      levels: (recognition.levels || []).map(function (lv) { return [lv.code, toFloat(lv.min_total), get(lv, "min_indicator")]; })
        .sort(function (a, b) { return b[1] - a[1] || (b[2] || 0) - (a[2] || 0); }),  // stable, as Python's sorted
      reviewer: new Set(spec.questions.filter(function (q) { return q.reviewer_only; }).map(function (q) { return q.code; }))};
    var answerable = spec.questions.filter(function (q) { return q.type !== "note"; }).map(function (q) { return q.code; });
    if (household) {
      var own = new Set(spec.questions.filter(function (q) { return q.level !== "member" && q.type !== "note"; }).map(function (q) { return q.code; }));
      plan.householdRelevance = relevanceSteps(spec, Array.from(needed).filter(function (c) { return own.has(c); }), own);
      plan.memberRelevance = relevanceSteps(spec, memberNeeded, checked);
    } else {
      plan.householdRelevance = [];
      plan.memberRelevance = relevanceSteps(spec, needed, new Set(answerable.concat(["age", "target_group", "sex"])));
    }
    return plan;
  }

  // Which questions apply (relevance.py): blanks what does not apply, in form order.
  function blankIrrelevant(steps, values) {
    var irrelevant = {};
    steps.forEach(function (step) {
      if (step.condition(values)) return;
      var unknown = [];
      step.reads.forEach(function (name) {
        if (has(irrelevant, name)) unknown = unknown.concat(irrelevant[name]);
        else if (unanswered(get(values, name))) unknown.push(name);
      });
      values[step.code] = null;
      irrelevant[step.code] = Array.from(new Set(unknown)).sort();
    });
    return irrelevant;
  }
  function unknownOf(names_, values, irrelevant) {
    var unknown = [];
    names_.forEach(function (name) {
      if (has(irrelevant, name)) unknown = unknown.concat(irrelevant[name]);
      else if (unanswered(get(values, name))) unknown.push(name);
    });
    return unknown;
  }
  function memberGaps(rule, members) {
    var gaps = {};
    members.values.forEach(function (values, i) {
      if (rule.readsResult && !members.assessed[i]) return;  // numbers stay the household's
      var irrelevant = members.irrelevant[i];
      var missing = unknownOf(rule.conditionNames, values, irrelevant);
      if (!missing.length && (rule.condition === null || rule.condition(values))) missing = unknownOf(rule.testNames, values, irrelevant);
      missing.forEach(function (name) {
        var numbers = gaps[name] = gaps[name] || [];
        if (!numbers.length || numbers[numbers.length - 1] !== i + 1) numbers.push(i + 1);
      });
    });
    return Object.keys(gaps).sort().map(function (name) { return ["m", name, gaps[name]]; });
  }

  // Scoring (score.py, indicator_plan.py) -----------------------------------------------
  function indicatorResult(item, status, points, counted, reasons) {
    return {code: item.code, criterion: item.criterion, status: status, points: points,
      counted_points: counted, max_points: item.max, reasons: reasons};
  }
  function notApplicable(item, why) { return indicatorResult(item, "not_applicable", null, item.policy === "full" ? item.max : null, [why]); }
  function naGroup(item, group) {
    var labels = item.spec_groups.get(group) || [group, group], code = str(group);
    var vi = labels[0] !== group ? labels[0] + " (" + code + ")" : code;
    var en = labels[1] !== group ? labels[1] + " (" + code + ")" : code, words = policyWords(item.policy, item.max);
    return notApplicable(item, reason(item.code + ": không áp dụng cho nhóm đối tượng " + vi + "; " + words[0],
      item.code + ": does not apply to target group " + en + "; " + words[1]));
  }
  function missingResult(item, entries) {
    var c = item.code, seen = new Set(), reasons = [];
    entries.forEach(function (entry) {
      var key = JSON.stringify(entry);
      if (seen.has(key)) return;
      seen.add(key);
      if (entry[0] === "b") reasons.push(reason(c + ": chưa biết " + entry[1], c + ": " + entry[1] + " unknown"));
      else if (entry[0] === "q" && entry[2]) reasons.push(reason(c + ": chưa có điểm của người kiểm tra (" + entry[1] + ")", c + ": reviewer score not yet entered (" + entry[1] + ")"));
      else if (entry[0] === "q") reasons.push(reason(c + ": thiếu câu trả lời " + entry[1], c + ": answer missing for " + entry[1]));
      else {
        var listed = entry[2].join(", ");
        reasons.push(RESULT_NAMES.indexOf(entry[1]) >= 0
          ? reason(c + ": chưa có kết quả Công dân học tập (" + entry[1] + ") của thành viên số " + listed,
            c + ": Learning Citizen result (" + entry[1] + ") not determined for member no. " + listed)
          : reason(c + ": thiếu " + entry[1] + " của thành viên số " + listed, c + ": " + entry[1] + " missing for member no. " + listed));
      }
    });
    return indicatorResult(item, "missing", null, null, reasons);
  }
  function below(code, points, minimum) {
    return reason(code + ": " + fmt(points, "vi") + " < " + fmt(minimum, "vi"), code + ": " + fmt(points, "en") + " < " + fmt(minimum, "en"));
  }

  function score(plan, values, irrelevant, group, members) {
    var results = [], count = plan.criteria.length, points = new Array(count).fill(0), out = new Array(count).fill(0);
    var judged = new Array(count).fill(false), raw = 0, leftOut = 0, complete = true, lowest = null;
    var missingReasons = [], lowReasons = [];
    var unknownEntries = function (list) {
      return list.map(function (n) { return BUILTINS.indexOf(n) >= 0 ? ["b", n] : ["q", n, plan.reviewer.has(n)]; });
    };
    plan.indicators.forEach(function (item) {
      var notApplies = function (result) {
        results.push(result);
        if (item.policy === "full") { raw += item.max; points[item.index] += item.max; } else { leftOut += item.max; out[item.index] += item.max; }
      };
      if (item.groups !== null && !item.groups.has(group)) return notApplies(naGroup(item, group));
      var total = 0, applicable = false, missing = null;
      item.rules.forEach(function (rule) {
        var got;
        if (rule.members === null) {
          if (has(irrelevant, rule.question)) {
            if (irrelevant[rule.question].length) missing = (missing || []).concat(unknownEntries(irrelevant[rule.question]));
            return;
          }
          var value = get(values, rule.question);
          if (unanswered(value)) { missing = (missing || []).concat([["q", rule.question, rule.reviewer]]); return; }
          got = rule.score(value, values);
        } else {
          var gaps = memberGaps(rule.members, members);
          if (gaps.length) { missing = (missing || []).concat(gaps); return; }
          got = rule.score(null, {members: rule.members.readsResult ? members.assessedValues : members.values});
        }
        if (got !== null) { applicable = true; total += got; }
      });
      if (missing !== null) {
        var result = missingResult(item, missing);
        results.push(result);
        complete = false;
        judged[item.index] = true;
        missingReasons = missingReasons.concat(result.reasons);
      } else if (applicable) {
        if (total > item.max) total = item.max;
        var reasons = plan.minIndicator !== null && roundHalfUp(total) < plan.minIndicator ? [below(item.code, total, plan.minIndicator)] : [];
        results.push(indicatorResult(item, "scored", total, total, reasons));
        raw += total;
        points[item.index] += total;
        judged[item.index] = true;
        if (lowest === null || total < lowest) lowest = total;
        lowReasons = lowReasons.concat(reasons);
      } else notApplies(item.naRules);
    });

    var criteria = plan.criteria.map(function (code, n) {
      return {code: code, points: roundHalfUp(points[n]), max_points: plan.criteriaMax[n], counted_max: plan.criteriaMax[n] - out[n]};
    });
    var rawTotal = Number.isInteger(raw) ? raw : roundHalfUp(raw), total, rescaled = false, nothingApplies = false;
    if (leftOut) {
      rescaled = true;
      var remaining = plan.totalPoints - leftOut;
      if (remaining > 0) total = roundHalfUp(raw * plan.totalPoints / remaining);
      else { total = 0; nothingApplies = true; }
    } else total = rawTotal;

    var reasons = [], recognised, level = null;
    if (!complete) {
      recognised = null;
      reasons = missingReasons.concat(lowReasons);
    } else if (nothingApplies) {
      recognised = false;
      reasons = [reason("Không có chỉ số nào áp dụng", "No indicator applies")];
    } else {
      if (total < plan.minTotal) {
        reasons.push(reason("Tổng điểm " + fmt(total, "vi") + " < " + fmt(plan.minTotal, "vi"), "Total " + fmt(total, "en") + " < " + fmt(plan.minTotal, "en")));
      }
      if (plan.minShare !== null) {
        criteria.forEach(function (criterion, n) {
          if (!judged[n]) return;
          var share = plan.minShare, threshold = roundHalfUp(share * criterion.counted_max), percent = share * 100;
          if (criterion.points < threshold) {
            reasons.push(reason(
              criterion.code + ": " + fmt(criterion.points, "vi") + " < " + fmt(threshold, "vi") + " (" + fmt(percent, "vi") + "% của " + fmt(criterion.counted_max, "vi") + ")",
              criterion.code + ": " + fmt(criterion.points, "en") + " < " + fmt(threshold, "en") + " (" + fmt(percent, "en") + "% of " + fmt(criterion.counted_max, "en") + ")"));
          }
        });
      }
      reasons = reasons.concat(lowReasons);
      recognised = !reasons.length;
      if (recognised && plan.levels.length) level = levelOf(plan, total, lowest);
    }
    return {indicators: results, criteria: criteria, total: total, raw_total: rawTotal, rescaled: rescaled,
      complete: complete, recognised: recognised, level: level,
      reasons_vi: reasons.map(function (r) { return r.vi; }), reasons_en: reasons.map(function (r) { return r.en; })};
  }
  function levelOf(plan, total, lowest) {
    var lowestRounded = lowest === null ? null : roundHalfUp(lowest);
    for (var i = 0; i < plan.levels.length; i++) {
      var lv = plan.levels[i];
      if (total < lv[1]) continue;
      if (lv[2] !== null && lowestRounded !== null && lowestRounded < lv[2]) continue;
      return lv[0];
    }
    return null;
  }

  function profileValue(profile, key) { var v = get(profile, key); return v === undefined ? null : v; }
  function scoreMember(plan, profile, answers) {
    if (plan.subject === "household") throw new Error("a household set; use scoreHousehold");
    var values = Object.assign({}, answers);
    values.age = profileValue(profile, "age");
    var group = values.target_group = profileValue(profile, "target_group");
    values.sex = profileValue(profile, "sex");
    return score(plan, values, blankIrrelevant(plan.memberRelevance, values), group, null);
  }
  // contexts: [{values (MemberContext.values()), assessed}]
  function scoreHousehold(plan, answers, contexts) {
    if (plan.subject !== "household") throw new Error("not a household set; use scoreMember");
    var values = Object.assign({}, answers);
    var irrelevant = blankIrrelevant(plan.householdRelevance, values);
    var members = {values: [], irrelevant: [], assessed: [], assessedValues: []};
    contexts.forEach(function (context) {
      var memberValues = Object.assign({}, context.values);
      members.irrelevant.push(blankIrrelevant(plan.memberRelevance, memberValues));
      members.values.push(memberValues);
      members.assessed.push(context.assessed);
      if (context.assessed) members.assessedValues.push(memberValues);
    });
    return score(plan, values, irrelevant, null, members);
  }
  // inputs.MemberContext.from_result(...).values() and .assessed
  function memberContext(profile, answers, result) {
    var known = result !== null && result.complete;
    var values = Object.assign({}, answers, {age: profileValue(profile, "age"),
      target_group: profileValue(profile, "target_group"), sex: profileValue(profile, "sex"),
      recognised: known ? (result.recognised ? 1 : 0) : null, total: known ? result.total : null});
    return {values: values, assessed: result !== null};
  }

  // scoring.compute.score_response
  function scoreResponse(input) {
    var citizen = input.citizen, plan = compileSpec(citizen), people = input.members || [];
    var results = people.map(function (m) {
      var group = profileValue(m.profile, "target_group");
      var assessed = citizen.target_groups.some(function (g) { return g.code === group; });
      return assessed ? scoreMember(plan, m.profile, m.answers || {}) : null;
    });
    var household = null;
    if (input.household) {
      household = scoreHousehold(compileSpec(input.household), input.householdAnswers || {}, people.map(function (m, i) {
        return memberContext(m.profile, m.answers || {}, results[i]);
      }));
    }
    return {members: results, household: household};
  }

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

  var api = {scoreResponse: scoreResponse, coerceAnswers: coerceAnswers, roundHalfUp: roundHalfUp,
    formatNumber: fmt, RULE_TYPES: RULE_TYPES};
  if (node) module.exports = api;
  else root.CDHTScoring = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
