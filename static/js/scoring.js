/* The scoring engine in the browser, so the offline app shows the provisional score and its
 * reasons with no connection. It mirrors scoring/engine: the plan (plan.py, member_rules.py),
 * which questions apply (relevance.py), scoring and the results with their reasons (score.py,
 * results.py, inputs.py), as scoring.compute.score_response returns them, in the shape of their
 * to_dict(). The rule types (RULE_TYPES), rounding, number wording and coerceAnswers come from
 * scoring-rules.js (loaded first) and are re-exported here; conditions are read by
 * expressions.js (loaded before both). tests/scoring/test_js_scoring_conformance.py runs one
 * corpus through this and the Python engine and requires equal results, reasons included.
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
  var rules = node ? require("./scoring-rules.js") : root.CDHTScoringRules, py = rules.python;
  var RULE_TYPES = rules.RULE_TYPES, roundHalfUp = rules.roundHalfUp, fmt = rules.formatNumber;
  var has = py.has, get = py.get, strip = py.strip, truthy = py.truthy, isNumber = py.isNumber;
  var toFloat = py.toFloat, str = py.str;

  // Conditions (criteria.expressions), and relevance._unanswered ------------------------
  var NAMES = /'[^']*'|"[^"]*"|\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;
  // relevance._unanswered; also _score's missing test (falsy and no number, or NaN).
  function unanswered(v) { return (!truthy(v) && !isNumber(v)) || v !== v; }
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

  // Wording (results.py) ----------------------------------------------------------------
  function reason(vi, en) { return {vi: vi, en: en}; }
  function policyWords(policy, max) {
    if (policy === "full") return ["tính đủ " + fmt(max, "vi") + " điểm", "counted as the full " + fmt(max, "en") + " points"];
    return ["không tính, tổng điểm được quy đổi lại", "left out, the total is rescaled"];
  }

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

  var api = {scoreResponse: scoreResponse, coerceAnswers: rules.coerceAnswers, roundHalfUp: roundHalfUp,
    formatNumber: fmt, RULE_TYPES: RULE_TYPES};
  if (node) module.exports = api;
  else root.CDHTScoring = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
