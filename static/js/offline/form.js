/* The offline household form, one step at a time: the round's plan (the wizard's own steps,
 * served by /api/v1/rounds/<code>/plan/), its conditions read by expressions.js (the mirror
 * of criteria/expressions.py), and on the last step the provisional score by scoring.js
 * (the mirror of the scoring engine). The checks of each step are the wizard's: the
 * household and member fields as survey/forms.py checks them, then each question's
 * required flag and constraint from the plan. */
(function () {
  "use strict";

  var O = window.CDHTOffline, t = O.t, label = O.label;
  var evaluate = window.CDHTExpressions.evaluate;
  var REQUIRED_MEMBER = ["full_name", "sex", "birth_year", "ethnicity", "education", "relationship"];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== false && attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function field(name, text, input) {
    return el("div", {class: "field"}, [el("label", {for: name, text: text}), input]);
  }
  function textInput(name, value, onchange, type) {
    return el("input", {id: name, name: name, type: type || "text", value: value || "",
      oninput: function (e) { onchange(e.target.value); }});
  }
  function select(name, options, value, onchange, blank) {
    return el("select", {id: name, name: name, onchange: function (e) { onchange(e.target.value); }},
      [el("option", {value: "", text: blank || "—"})].concat(options.map(function (o) {
        return el("option", {value: o.name, text: label(o.label), selected: o.name === value});
      })));
  }
  function newMember(relationship) {
    return {full_name: "", sex: "", birth_year: "", ethnicity: "", education: "", target_group: "",
      relationship: relationship || "", answers: {}};
  }

  function surveyYear(h, plan) {
    return parseInt((h.data.household.survey_date || plan.round.starts_on).slice(0, 4), 10);
  }
  function ageOf(h, member, plan) {
    var born = parseInt(member.birth_year, 10);
    return isNaN(born) ? null : surveyYear(h, plan) - born;
  }
  function memberValues(h, m, plan) {
    return Object.assign({}, m.answers, {age: ageOf(h, m, plan), target_group: m.target_group || "", sex: m.sex});
  }
  // survey.steps.is_asked: reviewer-only questions never; citizen questions only to members
  // of the groups the set assesses (and the groups the question scores); then relevance.
  function asked(h, q, member, plan, source) {
    if (q.reviewer_only) return false;
    var values = member ? memberValues(h, member, plan) : Object.assign({}, h.data.answers);
    if (member && source === "citizen") {
      var assessed = plan.target_groups.some(function (g) { return g.code === member.target_group; });
      if (!assessed || (q.groups && q.groups.indexOf(member.target_group) < 0)) return false;
    }
    try { return evaluate(q.relevant || "true()", values); } catch (e) { return true; }
  }
  function empty(v) { return v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length); }

  function questionInput(q, plan, answers, name, onchange) {
    var value = answers[q.code];
    var choices = q.choice_list ? (plan.choice_lists[q.choice_list] || []) : [];
    if (q.type === "select_one") {
      return el("div", {class: "options", "data-question": q.code}, choices.map(function (c) {
        return el("label", {class: "option"}, [el("input", {type: "radio", name: name, value: c.name,
          checked: value === c.name, onchange: function () { onchange(c.name); }}), el("span", {text: label(c.label)})]);
      }));
    }
    if (q.type === "select_multiple") {
      return el("div", {class: "options", "data-question": q.code}, choices.map(function (c) {
        var picked = Array.isArray(value) && value.indexOf(c.name) >= 0;
        return el("label", {class: "option"}, [el("input", {type: "checkbox", name: name, value: c.name,
          checked: picked, onchange: function (e) {
            var now = (Array.isArray(answers[q.code]) ? answers[q.code] : []).filter(function (x) { return x !== c.name; });
            if (e.target.checked) now.push(c.name);
            onchange(now);
          }}), el("span", {text: label(c.label)})]);
      }));
    }
    var type = q.type === "integer" || q.type === "decimal" ? "number" : q.type === "date" ? "date" : "text";
    return el("input", {id: name, name: name, type: type, inputmode: type === "number" ? "numeric" : false,
      step: q.type === "decimal" ? "any" : false,
      value: empty(value) ? "" : value, onchange: function (e) {
        var v = e.target.value;
        onchange(v === "" ? null : type === "number" ? Number(v) : v);
      }});
  }

  // The checks of one step; answers of questions not asked are dropped, as the wizard does.
  function stepProblems(h, plan, step) {
    var found = [], d = h.data;
    var checkQuestion = function (q, answers, values, who) {
      var v = answers[q.code], name = who + label(q.label);
      if (empty(v)) { if (q.required) found.push(t("required", {field: name})); return; }
      if (q.constraint) {
        var ok = true;
        try { ok = evaluate(q.constraint, values, v); } catch (e) { ok = true; }
        if (!ok) found.push(label(q.constraint_message) ? who + label(q.constraint_message) : t("invalid", {field: name}));
      }
    };
    if (step.kind === "household") {
      ["unit", "village", "head_name", "survey_date"].forEach(function (k) {
        if (empty((d.household[k] || "").toString().trim())) found.push(t("required", {field: t(k)}));
      });
      var day = d.household.survey_date;
      if (day && (day < plan.round.starts_on || day > plan.round.ends_on)) {
        found.push(t("date_range", {start: dmy(plan.round.starts_on), end: dmy(plan.round.ends_on)}));
      }
    } else if (step.kind === "members") {
      var year = surveyYear(h, plan), low = Math.max(1900, year - plan.oldest_age);
      d.members.forEach(function (m, i) {
        var who = (m.full_name || t("member", {n: i + 1})) + " – ";
        REQUIRED_MEMBER.forEach(function (k) {
          if (empty((m[k] === undefined ? "" : m[k]).toString().trim())) found.push(t("required", {field: who + t(k)}));
        });
        var born = Number(m.birth_year);
        if (!empty(m.birth_year) && !(Number.isInteger(born) && born >= low && born <= year)) {
          found.push(t("birth_range", {field: who + t("birth_year"), low: low, high: year}));
        }
        var group = plan.target_groups.filter(function (g) { return g.code === m.target_group; })[0];
        var age = ageOf(h, m, plan);
        if (group && age !== null && ((group.min_age !== null && age < group.min_age) || (group.max_age !== null && age > group.max_age))) {
          found.push(t("group_age", {name: who + label(group.label), age: age}));
        }
      });
    } else if (step.kind === "member_questions") {
      d.members.forEach(function (m, i) {
        step.questions.forEach(function (q) {
          if (!asked(h, q, m, plan, step.source)) { delete m.answers[q.code]; return; }
          checkQuestion(q, m.answers, memberValues(h, m, plan), (m.full_name || t("member", {n: i + 1})) + " – ");
        });
      });
    } else if (step.kind === "household_questions") {
      step.questions.forEach(function (q) {
        if (!asked(h, q, null, plan, step.source)) { delete d.answers[q.code]; return; }
        checkQuestion(q, d.answers, d.answers, "");
      });
    }
    return found;
  }
  function allProblems(h, plan) {
    return plan.steps.reduce(function (all, step) { return all.concat(stepProblems(h, plan, step)); }, []);
  }
  function dmy(iso) { return iso ? iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4) : ""; }

  function drawHousehold(h, plan, save) {
    var house = h.data.household, parts = [];
    if (h.data.revisit) parts.push(el("p", {class: "muted", "data-testid": "revisit-of", text: t("revisit_of", {code: h.data.revisit})}));
    parts.push(field("h-unit", t("unit"), select("h-unit",
      plan.communes.map(function (c) { return {name: c.key, label: c.name}; }), house.unit,
      function (v) { house.unit = v; save(); })));
    ["village", "address", "head_name"].forEach(function (k) {
      parts.push(field("h-" + k, t(k), textInput("h-" + k, house[k], function (v) { house[k] = v; save(); })));
    });
    parts.push(field("h-survey_date", t("survey_date"), textInput("h-survey_date", house.survey_date,
      function (v) { house.survey_date = v; save(); }, "date")));
    return parts;
  }
  function drawMembers(h, plan, save, redraw) {
    var parts = h.data.members.map(function (m, i) {
      var p = "m" + i + "-", set = function (k) { return function (v) { m[k] = v; save(); }; };
      var groups = plan.target_groups.map(function (g) { return {name: g.code, label: g.label}; });
      return el("fieldset", {class: "member", "data-member": i}, [
        el("legend", {text: t("member", {n: i + 1})}),
        field(p + "full_name", t("full_name"), textInput(p + "full_name", m.full_name, set("full_name"))),
        field(p + "sex", t("sex"), select(p + "sex", plan.member_fields.sex, m.sex, set("sex"))),
        field(p + "birth_year", t("birth_year"), el("input", {id: p + "birth_year", name: p + "birth_year", type: "number",
          inputmode: "numeric", value: m.birth_year === "" ? "" : m.birth_year, onchange: function (e) {
            m.birth_year = e.target.value ? Number(e.target.value) : ""; save();
          }})),
        field(p + "ethnicity", t("ethnicity"), select(p + "ethnicity", plan.member_fields.ethnicity, m.ethnicity, set("ethnicity"))),
        field(p + "education", t("education"), select(p + "education", plan.member_fields.education, m.education, set("education"))),
        field(p + "target_group", t("target_group"), select(p + "target_group", groups, m.target_group, set("target_group"), t("no_group"))),
        field(p + "relationship", t("relationship"), select(p + "relationship", plan.member_fields.relationship, m.relationship, set("relationship"))),
        h.data.members.length > 1 ? el("button", {type: "button", class: "link remove-member", text: t("remove_member"),
          onclick: function () { h.data.members.splice(i, 1); redraw(); }}) : null
      ]);
    });
    if (h.data.members.length < plan.max_members) {
      parts.push(el("button", {type: "button", class: "add-member", text: t("add_member"), onclick: function () {
        h.data.members.push(newMember()); redraw();
      }}));
    }
    return parts;
  }
  function questionBlock(q, plan, answers, name, onchange) {
    return el("div", {class: "question-field", "data-question": q.code}, [
      el("p", {class: "question", text: label(q.label)}),
      label(q.hint) ? el("p", {class: "muted hint", text: label(q.hint)}) : null,
      questionInput(q, plan, answers, name, onchange)]);
  }
  function drawMemberQuestions(h, plan, step, save, redraw) {
    var parts = [];
    h.data.members.forEach(function (m, i) {
      var shown = step.questions.filter(function (q) { return asked(h, q, m, plan, step.source); });
      if (!shown.length) return;
      var age = ageOf(h, m, plan);
      parts.push(el("fieldset", {class: "member-questions", "data-member": i},
        [el("legend", {text: (m.full_name || t("member", {n: i + 1})) + (age === null ? "" : " (" + t("age", {age: age}) + ")")})].concat(
          shown.map(function (q) {
            // A relevance may read this answer: redraw so a question shown or hidden follows.
            return questionBlock(q, plan, m.answers, step.name + "-m" + i + "-" + q.code, function (v) { m.answers[q.code] = v; redraw(); });
          }))));
    });
    return parts.length ? parts : [el("p", {class: "muted", text: t("nothing_asked")})];
  }
  function drawHouseholdQuestions(h, plan, step, save, redraw) {
    return step.questions.filter(function (q) { return asked(h, q, null, plan, step.source); }).map(function (q) {
      return questionBlock(q, plan, h.data.answers, step.name + "-" + q.code, function (v) { h.data.answers[q.code] = v; redraw(); });
    });
  }

  // The provisional score, as the server will compute it on arrival (scoring.js): answers
  // typed as the server's reading types them, then the engine's mirror.
  function preview(h, plan) {
    var S = window.CDHTScoring;
    if (!S || !plan.scoring) return null;
    var citizen = plan.scoring.citizen, household = plan.scoring.household, year = surveyYear(h, plan);
    var result = S.scoreResponse({
      citizen: citizen, household: household,
      members: h.data.members.map(function (m) {
        var answers = S.coerceAnswers(citizen, m.answers);
        if (household) answers = S.coerceAnswers(household, answers);
        return {profile: {age: year - Number(m.birth_year), target_group: m.target_group || "", sex: m.sex || null}, answers: answers};
      }),
      householdAnswers: household ? S.coerceAnswers(household, h.data.answers) : {}
    });
    var lines = h.data.members.map(function (m, i) {
      return resultLine(m.full_name || t("member", {n: i + 1}), result.members[i], "member-" + i);
    });
    if (result.household) lines.push(resultLine(t("household_result"), result.household, "household"));
    return el("section", {class: "preview", "data-testid": "preview"}, [el("h4", {text: t("preview")})].concat(lines));
  }
  function resultLine(name, r, key) {
    if (!r) return el("p", {"data-result": key, text: name + ": " + t("not_assessed")});
    var verdict = r.recognised === true ? t("passed") : r.recognised === false ? t("failed") : t("incomplete");
    var reasons = (O.lang === "en" ? r.reasons_en : r.reasons_vi) || [];
    return el("div", {"data-result": key, "data-recognised": String(r.recognised)}, [
      el("p", {text: name + ": " + t("points", {total: window.CDHTScoring.formatNumber(r.total, O.lang)}) + " · " + verdict}),
      reasons.length ? el("ul", {class: "reasons"}, reasons.map(function (x) { return el("li", {text: x}); })) : null
    ]);
  }

  function draw(h, plan, actions) {
    var steps = plan.steps, index = Math.min(h.step || 0, steps.length - 1), step = steps[index];
    var save = function () { if (h.state !== "draft") h.state = "draft"; actions.save(h); };
    var redraw = function () { save(); actions.render(); };
    var go = function (to) { h.step = to; h.stepProblems = []; redraw(); window.scrollTo(0, 0); };
    var body;
    if (step.kind === "household") body = drawHousehold(h, plan, save);
    else if (step.kind === "members") body = drawMembers(h, plan, save, redraw);
    else if (step.kind === "member_questions") body = drawMemberQuestions(h, plan, step, save, redraw);
    else if (step.kind === "household_questions") body = drawHouseholdQuestions(h, plan, step, save, redraw);
    else body = [preview(h, plan)];
    var problems = h.stepProblems || [];
    var buttons = [
      index > 0 ? el("button", {type: "button", "data-testid": "back", text: t("back"), onclick: function () { go(index - 1); }}) : null,
      step.kind === "review"
        ? el("button", {type: "button", class: "primary", "data-testid": "queue", text: t("queue"), onclick: function () {
          var found = allProblems(h, plan);
          if (found.length) { h.stepProblems = found; redraw(); return; }
          actions.queue(h);
        }})
        : el("button", {type: "button", class: "primary", "data-testid": "next", text: t("next"), onclick: function () {
          var found = stepProblems(h, plan, step);
          if (found.length) { h.stepProblems = found; redraw(); return; }
          go(index + 1);
        }}),
      el("button", {type: "button", class: "link", "data-testid": "to-list", text: t("to_list"), onclick: actions.close})
    ];
    return [el("h2", {text: plan.round.name}), el("section", {class: "card step", "data-step": step.name}, [
      el("p", {class: "muted", "data-testid": "step-count", text: t("step", {n: index + 1, total: steps.length})}),
      el("h3", {text: label(step.title)}),
      problems.length ? el("ul", {class: "problems", "data-testid": "step-problems"}, problems.map(function (p) { return el("li", {text: p}); })) : null
    ].concat(body).concat([el("div", {class: "buttons"}, buttons)]))];
  }

  O.form = {draw: draw, el: el, newMember: newMember};
})();
