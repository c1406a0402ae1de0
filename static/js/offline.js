/* The offline household form: the round's plan (the wizard's own steps, served by
 * /api/v1/rounds/<code>/plan/) drawn as a form, households kept in IndexedDB until the
 * sync API has them, each with the UUID that makes a resend harmless.
 * Conditions are read by expressions.js, the mirror of criteria/expressions.py. */
(function () {
  "use strict";

  var evaluate = window.CDHTExpressions.evaluate;
  var app = document.getElementById("offline-app");
  var DB_NAME = "cdht-offline", STATES = {
    draft: "Bản nháp", waiting: "Chờ gửi", sent: "Đã gửi",
    correct: "Cần sửa", refused: "Bị từ chối"
  };
  var db, meta = {rounds: [], plans: {}, lastSync: null}, households = [], current = null;

  // IndexedDB ----------------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("meta");
        request.result.createObjectStore("households", {keyPath: "id"});
      };
      request.onsuccess = function () {
        // Signing out deletes the database (logout.js): let it, from every tab.
        request.result.onversionchange = function () { request.result.close(); };
        resolve(request.result);
      };
      request.onerror = function () { reject(request.error); };
    });
  }
  function tx(store, mode, work) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction(store, mode), result;
      t.oncomplete = function () { resolve(result); };
      t.onerror = t.onabort = function () { reject(t.error); };
      var request = work(t.objectStore(store));
      if (request) request.onsuccess = function () { result = request.result; };
    });
  }
  function putMeta(key, value) { return tx("meta", "readwrite", function (s) { return s.put(value, key); }); }
  function getMeta(key) { return tx("meta", "readonly", function (s) { return s.get(key); }); }
  // Saves in flight, on the page as data-pending: "0" once all that was typed is stored.
  var pending = 0;
  function saveHousehold(h) {
    h.updated = new Date().toISOString();
    households = households.filter(function (x) { return x.id !== h.id; }).concat([h]);
    pending += 1;
    app.dataset.pending = String(pending);
    return tx("households", "readwrite", function (s) { return s.put(h); }).catch(full)
      .finally(function () { pending -= 1; app.dataset.pending = String(pending); });
  }
  function loadHouseholds() { return tx("households", "readonly", function (s) { return s.getAll(); }); }
  function full(error) {
    notice("Không lưu được trên máy (bộ nhớ đầy hoặc bị từ chối): " + (error && error.name));
    throw error;
  }

  // Server -----------------------------------------------------------------------------
  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function getJson(url) {
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); });
  }
  function refreshPlans() {
    return getJson("/api/v1/rounds/").then(function (rounds) {
      return Promise.all(rounds.map(function (r) {
        return getJson("/api/v1/rounds/" + r.code + "/plan/").then(function (plan) {
          meta.plans[r.code] = plan;
        });
      })).then(function () {
        meta.rounds = rounds;
        return Promise.all([putMeta("rounds", rounds), putMeta("plans", meta.plans)]);
      });
    });
  }
  function send(h) {
    return fetch("/api/v1/rounds/" + h.round + "/households/", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(Object.assign({id: h.id}, h.data))
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (r.status === 200 || r.status === 201) { h.state = "sent"; h.result = body; h.problems = []; message = ""; }
        else if (r.status === 400) { h.state = "correct"; h.problems = body.problems || []; }
        else if (r.status === 409 || (r.status === 403 && body.kind)) { h.state = "refused"; h.problems = body.problems || []; }
        else {
          // Signed out (the session expired) or server trouble: it stays waiting.
          if (r.status === 401 || r.status === 403) notice("Phiên đăng nhập đã hết: hãy đăng nhập lại để gửi các hộ đang chờ.");
          throw new Error(String(r.status));
        }
        return saveHousehold(h);
      });
    });
  }
  var syncing = false;
  function syncAll() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    // From the store, not the page's list: another tab may have queued or sent some.
    return loadHouseholds().then(function (all) {
      households = all.map(function (h) { return current && current.id === h.id ? current : h; });
      var waiting = households.filter(function (h) { return h.state === "waiting"; });
      return waiting.reduce(function (chain, h) {
        return chain.then(function () { return send(h); });
      }, Promise.resolve());
    }).then(function () {
      meta.lastSync = new Date().toISOString();
      return putMeta("lastSync", meta.lastSync);
    }).catch(function () { /* the connection went: the outbox keeps them */ })
      .then(function () { syncing = false; refresh(); });
  }

  // Drawing ----------------------------------------------------------------------------
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
  var message = "";  // kept across redraws until replaced
  function notice(text) {
    message = text;
    var box = document.getElementById("offline-notice");
    if (box) { box.textContent = text; box.hidden = !text; }
  }
  function label(l) { return (l && (l.vi || l.en)) || ""; }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function field(name, text, input) {
    return el("div", {class: "field"}, [el("label", {for: name, text: text}), input]);
  }
  function textInput(name, value, onchange, type) {
    return el("input", {id: name, name: name, type: type || "text", value: value || "",
      oninput: function (e) { onchange(e.target.value); }});
  }
  function select(name, options, value, onchange) {
    var s = el("select", {id: name, name: name, onchange: function (e) { onchange(e.target.value); }},
      [el("option", {value: "", text: "—"})].concat(options.map(function (o) {
        return el("option", {value: o.name, text: label(o.label) || o.label, selected: o.name === value});
      })));
    return s;
  }

  function ageOf(member, plan) {
    var year = parseInt((current.data.household.survey_date || plan.round.starts_on).slice(0, 4), 10);
    var born = parseInt(member.birth_year, 10);
    return isNaN(born) ? null : year - born;
  }
  function asked(q, member, plan, source) {
    if (q.reviewer_only) return false;
    var values = Object.assign({}, member ? member.answers : current.data.answers);
    if (member) {
      values.age = ageOf(member, plan); values.target_group = member.target_group || ""; values.sex = member.sex;
      if (source === "citizen") {
        var assessed = plan.target_groups.some(function (g) { return g.code === member.target_group; });
        if (!assessed) return false;
        if (q.groups && q.groups.indexOf(member.target_group) < 0) return false;
      }
    }
    try { return evaluate(q.relevant || "true()", values); } catch (e) { return true; }
  }
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
      var picked = Array.isArray(value) ? value.slice() : [];
      return el("div", {class: "options", "data-question": q.code}, choices.map(function (c) {
        return el("label", {class: "option"}, [el("input", {type: "checkbox", name: name, value: c.name,
          checked: picked.indexOf(c.name) >= 0, onchange: function (e) {
            var now = (Array.isArray(answers[q.code]) ? answers[q.code] : []).filter(function (x) { return x !== c.name; });
            if (e.target.checked) now.push(c.name);
            onchange(now);
          }}), el("span", {text: label(c.label)})]);
      }));
    }
    var type = q.type === "integer" || q.type === "decimal" ? "number" : q.type === "date" ? "date" : "text";
    return el("input", {id: name, name: name, type: type, inputmode: type === "number" ? "numeric" : false,
      value: value === undefined || value === null ? "" : value, onchange: function (e) {
        var v = e.target.value;
        onchange(v === "" ? null : type === "number" ? Number(v) : v);
      }});
  }

  function drawForm() {
    var h = current, plan = meta.plans[h.round], d = h.data;
    var save = function () { h.state = "draft"; saveHousehold(h); };
    var redraw = function () { save(); render(); };
    var house = d.household;
    var parts = [el("h2", {text: plan.round.name})];
    plan.steps.forEach(function (step) {
      var section = el("section", {class: "card step", "data-step": step.name}, [el("h3", {text: label(step.title)})]);
      if (step.kind === "household") {
        section.appendChild(field("h-unit", "Xã/phường", select("h-unit",
          plan.communes.map(function (c) { return {name: c.key, label: c.name}; }), house.unit,
          function (v) { house.unit = v; save(); })));
        [["village", "Thôn/tổ"], ["address", "Địa chỉ"], ["head_name", "Chủ hộ"]].forEach(function (f) {
          section.appendChild(field("h-" + f[0], f[1], textInput("h-" + f[0], house[f[0]], function (v) { house[f[0]] = v; save(); })));
        });
        section.appendChild(field("h-survey_date", "Ngày khảo sát", textInput("h-survey_date", house.survey_date,
          function (v) { house.survey_date = v; save(); }, "date")));
      } else if (step.kind === "members") {
        d.members.forEach(function (m, i) {
          var p = "m" + i + "-";
          var set = function (k) { return function (v) { m[k] = v; redraw(); }; };
          section.appendChild(el("fieldset", {class: "member", "data-member": i}, [
            el("legend", {text: "Thành viên " + (i + 1)}),
            field(p + "full_name", "Họ và tên", textInput(p + "full_name", m.full_name, function (v) { m.full_name = v; save(); })),
            field(p + "sex", "Giới tính", select(p + "sex", plan.member_fields.sex, m.sex, set("sex"))),
            field(p + "birth_year", "Năm sinh", el("input", {id: p + "birth_year", name: p + "birth_year", type: "number",
              inputmode: "numeric", value: m.birth_year || "", onchange: function (e) { m.birth_year = e.target.value ? Number(e.target.value) : ""; redraw(); }})),
            field(p + "ethnicity", "Dân tộc", select(p + "ethnicity", plan.member_fields.ethnicity, m.ethnicity, set("ethnicity"))),
            field(p + "education", "Trình độ học vấn", select(p + "education", plan.member_fields.education, m.education, set("education"))),
            field(p + "target_group", "Nhóm đối tượng", select(p + "target_group",
              plan.target_groups.map(function (g) { return {name: g.code, label: g.label}; }), m.target_group, set("target_group"))),
            field(p + "relationship", "Quan hệ với chủ hộ", select(p + "relationship", plan.member_fields.relationship, m.relationship, set("relationship")))
          ]));
        });
        section.appendChild(el("button", {type: "button", class: "add-member", text: "Thêm thành viên", onclick: function () {
          d.members.push({full_name: "", sex: "", birth_year: "", ethnicity: "", education: "", target_group: "", relationship: "", answers: {}});
          redraw();
        }}));
      } else if (step.kind === "member_questions") {
        d.members.forEach(function (m, i) {
          var shown = step.questions.filter(function (q) { return asked(q, m, plan, step.source); });
          if (!shown.length) return;
          section.appendChild(el("fieldset", {class: "member-questions", "data-member": i},
            [el("legend", {text: (m.full_name || "Thành viên " + (i + 1)) + " (" + ageOf(m, plan) + " tuổi)"})].concat(
              shown.map(function (q) {
                var name = step.name + "-m" + i + "-" + q.code;
                return el("div", {class: "question-field", "data-question": q.code}, [el("p", {class: "question", text: label(q.label)}),
                  questionInput(q, plan, m.answers, name, function (v) { m.answers[q.code] = v; redraw(); })]);
              }))));
        });
      } else if (step.kind === "household_questions") {
        step.questions.filter(function (q) { return asked(q, null, plan, step.source); }).forEach(function (q) {
          var name = step.name + "-" + q.code;
          section.appendChild(el("div", {class: "question-field", "data-question": q.code}, [el("p", {class: "question", text: label(q.label)}),
            questionInput(q, plan, d.answers, name, function (v) { d.answers[q.code] = v; redraw(); })]));
        });
      } else if (step.kind === "review") {
        section.appendChild(el("button", {type: "button", class: "primary", "data-testid": "queue", text: "Lưu vào hàng chờ gửi",
          onclick: function () { queue(h, plan); }}));
      }
      parts.push(section);
    });
    return parts;
  }

  function problemsOf(h, plan) {
    var found = [];
    var check = function (q, answers, values, where) {
      var v = answers[q.code];
      var empty = v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length);
      if (empty) { if (q.required) found.push(where + label(q.label) + ": cần trả lời."); return; }
      if (q.constraint) {
        var ok = true;
        try { ok = evaluate(q.constraint, values, v); } catch (e) { ok = true; }
        if (!ok) found.push(where + (label(q.constraint_message) || label(q.label) + ": câu trả lời không hợp lệ."));
      }
    };
    plan.steps.forEach(function (step) {
      if (step.kind === "member_questions") {
        h.data.members.forEach(function (m, i) {
          step.questions.forEach(function (q) {
            if (!asked(q, m, plan, step.source)) { delete m.answers[q.code]; return; }
            var values = Object.assign({}, m.answers, {age: ageOf(m, plan), target_group: m.target_group || "", sex: m.sex});
            check(q, m.answers, values, (m.full_name || "Thành viên " + (i + 1)) + " – ");
          });
        });
      } else if (step.kind === "household_questions") {
        step.questions.forEach(function (q) {
          if (!asked(q, null, plan, step.source)) { delete h.data.answers[q.code]; return; }
          check(q, h.data.answers, h.data.answers, "");
        });
      }
    });
    return found;
  }
  function queue(h, plan) {
    var found = problemsOf(h, plan);
    if (found.length) { notice(found.join(" ")); return; }
    h.state = "waiting"; h.problems = [];
    saveHousehold(h).then(function () { current = null; notice(""); render(); syncAll(); });
  }

  function drawOutbox() {
    var waiting = households.filter(function (h) { return h.state === "waiting"; }).length;
    var items = households.slice().sort(function (a, b) { return a.created < b.created ? -1 : 1; }).map(function (h) {
      var detail = h.state === "sent" && h.result ? " · mã hộ " + h.result.household_code : "";
      return el("li", {"data-household": h.id, "data-state": h.state}, [
        el("strong", {text: (h.data.household.head_name || "(chưa có tên chủ hộ)")}),
        el("span", {class: "muted", text: " · " + STATES[h.state] + detail}),
        h.problems && h.problems.length ? el("ul", {class: "problems"}, h.problems.map(function (p) {
          return el("li", {text: p.field + ": " + p.message});
        })) : null,
        h.state === "draft" || h.state === "correct" ? el("button", {type: "button", class: "link", text: "Mở",
          onclick: function () { current = h; render(); }}) : null
      ]);
    });
    return el("section", {class: "card", "data-testid": "outbox"}, [
      el("h2", {text: "Hàng chờ gửi"}),
      el("p", {"data-testid": "unsent", text: waiting + " hộ chưa gửi" +
        (meta.lastSync ? " · gửi lần cuối " + new Date(meta.lastSync).toLocaleString("vi-VN") : "")}),
      el("button", {type: "button", "data-testid": "sync", text: "Gửi ngay", onclick: syncAll}),
      el("ul", {class: "households"}, items)
    ]);
  }

  // What background events (connection changes, a sync, another tab) call: the open form is
  // never rebuilt under the surveyor's fingers, which would drop the field being typed in.
  function refresh() {
    if (!current) { render(); return; }
    var line = app.querySelector("[data-testid=connection]");
    if (line) line.textContent = connectionText();
    notice(message);
  }
  function connectionText() {
    return navigator.onLine ? "Đang có mạng" : "Đang ngoại tuyến: hộ được lưu trên máy";
  }

  function render() {
    app.textContent = "";
    app.appendChild(el("p", {class: "notice", id: "offline-notice", hidden: !message, text: message}));
    app.appendChild(el("p", {"data-testid": "connection", text: connectionText()}));
    if (current) {
      drawForm().forEach(function (part) { app.appendChild(part); });
      return;
    }
    meta.rounds.forEach(function (r) {
      app.appendChild(el("section", {class: "card", "data-round": r.code}, [el("h2", {text: r.name}),
        el("button", {type: "button", class: "primary", text: "Nhập hộ mới", onclick: function () {
          current = {id: uuid(), round: r.code, state: "draft", created: new Date().toISOString(), problems: [],
            data: {household: {unit: r.communes.length === 1 ? r.communes[0].key : "", village: "", address: "", head_name: "",
              survey_date: ""}, answers: {}, members: [{full_name: "", sex: "", birth_year: "", ethnicity: "", education: "",
              target_group: "", relationship: "head", answers: {}}]}};
          saveHousehold(current).then(render);
        }})]));
    });
    if (!meta.rounds.length) app.appendChild(el("p", {text: "Chưa tải được đợt khảo sát nào: hãy mở trang này khi có mạng."}));
    app.appendChild(drawOutbox());
  }

  openDb().then(function (opened) {
    db = opened;
    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persist().then(function (granted) {
        if (!granted && !message) notice("Trình duyệt chưa cho lưu lâu dài: hãy gửi các hộ ngay khi có mạng.");
      });
    }
    return getMeta("owner").then(function (owner) {
      // Another account's households never stay on a device shared by two surveyors.
      if (owner && owner !== app.dataset.user) {
        return Promise.all([
          tx("households", "readwrite", function (s) { return s.clear(); }),
          tx("meta", "readwrite", function (s) { return s.clear(); })
        ]);
      }
    }).then(function () { return putMeta("owner", app.dataset.user); });
  }).then(function () {
    return Promise.all([getMeta("rounds"), getMeta("plans"), getMeta("lastSync"), loadHouseholds()]);
  }).then(function (stored) {
    meta.rounds = stored[0] || []; meta.plans = stored[1] || {}; meta.lastSync = stored[2] || null;
    households = stored[3] || [];
    refresh();
    var online = navigator.onLine ? refreshPlans().catch(function () {}) : Promise.resolve();
    return online.then(function () { return loadHouseholds(); }).then(function (all) {
      // The household open in the form is the newest copy of itself: keep it.
      households = all.map(function (h) { return current && current.id === h.id ? current : h; });
      refresh();
      return syncAll();
    });
  }).then(function () { app.dataset.ready = "1"; })  // loaded and first sync done
    .catch(function (error) { notice("Không mở được bộ nhớ trên máy: " + error); });

  window.addEventListener("online", function () { refresh(); syncAll(); });
  window.addEventListener("offline", refresh);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && db) loadHouseholds().then(function (all) {
      households = all.map(function (h) { return current && current.id === h.id ? current : h; });
      refresh();
    });
  });
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(app.dataset.worker, {scope: app.dataset.scope});
})();
