/* The offline app: the rounds to enter, the outbox with each household's state, the sync
 * that sends waiting households when there is a connection, and the start-up that opens
 * the store, downloads the rounds' plans and earlier households, and registers the
 * service worker. docs/offline.md says what the surveyor sees. */
(function () {
  "use strict";

  var O = window.CDHTOffline, t = O.t, store = O.store, form = O.form, el = form.el;
  var app = document.getElementById("offline-app");
  var meta = {rounds: [], plans: {}, revisits: {}, lastSync: null}, households = [], current = null;
  var message = "";  // kept across redraws until replaced

  store.hooks.saving = function (n) { app.dataset.pending = String(n); };
  store.hooks.full = function (error) { notice(t("storage_full", {error: (error && error.name) || error})); };
  store.hooks.expired = function () { notice(t("expired")); };

  function notice(text) {
    message = text;
    var box = document.getElementById("offline-notice");
    if (box) { box.textContent = text; box.hidden = !text; }
  }
  function keep(h) {
    households = households.filter(function (x) { return x.id !== h.id; }).concat([h]);
    return store.save(h);
  }
  // The household open in the form is the newest copy of itself.
  function merge(all) {
    households = all.map(function (h) { return current && current.id === h.id ? current : h; });
  }

  var syncing = false;
  function syncAll() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    // From the store, not the page's list: another tab may have queued or sent some.
    return store.load().then(function (all) {
      merge(all);
      var work = households.filter(function (h) { return h.state === "waiting" || h.state === "correct"; });
      return work.reduce(function (chain, h) {
        return chain.then(function () { return h.state === "waiting" ? store.send(h) : store.check(h); });
      }, Promise.resolve());
    }).then(function () {
      meta.lastSync = new Date().toISOString();
      return store.putMeta("lastSync", meta.lastSync);
    }).catch(function () { /* the connection went: the outbox keeps them */ })
      .then(function () { syncing = false; refresh(); });
  }

  function queue(h) {
    h.state = "waiting"; h.problems = []; h.stepProblems = [];
    keep(h).then(function () { current = null; notice(""); render(); syncAll(); });
  }
  function open(h) { current = h; render(); }
  function close() { current = null; render(); }

  function actionsOf(h) {
    var buttons = [];
    if (h.state === "draft" || h.state === "correct") {
      buttons.push(el("button", {type: "button", class: "link", "data-action": "open",
        text: h.state === "draft" ? t("open") : t("fix_here"), onclick: function () { open(h); }}));
    }
    if (h.online && (h.state === "correct" || h.state === "conflict")) {
      buttons.push(el("a", {href: h.online.url, "data-action": "online",
        text: h.state === "correct" ? t("fix_online") : t("see_online")}));
    }
    if (h.state === "conflict") {
      buttons.push(el("button", {type: "button", class: "link", "data-action": "keep-online", text: t("keep_online"),
        onclick: function () {
          if (!window.confirm(t("confirm_drop"))) return;
          store.remove(h.id).then(function () { households = households.filter(function (x) { return x.id !== h.id; }); render(); });
        }}));
      if (h.online && h.online.kind === "draft") {
        buttons.push(el("button", {type: "button", class: "link", "data-action": "use-device", text: t("use_device"),
          onclick: function () { h.replaceOnline = true; queue(h); }}));
      }
    }
    return buttons;
  }
  function drawOutbox() {
    var waiting = households.filter(function (h) { return h.state === "waiting"; }).length;
    var items = households.slice().sort(function (a, b) { return a.created < b.created ? -1 : 1; }).map(function (h) {
      var detail = "";
      if (h.state === "sent" && h.result) {
        detail = " · " + t("code", {code: h.result.household_code}) + (h.correctedOnline ? " · " + t("corrected_online") : "");
      }
      return el("li", {"data-household": h.id, "data-state": h.state}, [
        el("strong", {text: h.data.household.head_name || t("no_head")}),
        el("span", {class: "muted", text: " · " + t("state." + h.state) + detail}),
        h.state === "correct" && h.online ? el("p", {class: "muted", text: t("correct_hint")}) : null,
        h.state === "conflict" && h.online ? el("p", {class: "muted", "data-testid": "online-copy", text: t("online_copy",
          {head: h.online.head_name, members: h.online.members, when: O.when(h.online.updated_at)})}) : null,
        h.problems && h.problems.length ? el("ul", {class: "problems"}, h.problems.map(function (p) {
          return el("li", {text: (p.field && p.field !== "household" ? p.field + ": " : "") + p.message});
        })) : null,
        el("div", {class: "buttons"}, actionsOf(h))
      ]);
    });
    return el("section", {class: "card", "data-testid": "outbox"}, [
      el("h2", {text: t("outbox")}),
      el("p", {"data-testid": "unsent", text: t("unsent", {n: waiting}) +
        (meta.lastSync ? " · " + t("last_sync", {when: O.when(meta.lastSync)}) : "")}),
      el("button", {type: "button", "data-testid": "sync", text: t("send_now"), onclick: syncAll}),
      el("ul", {class: "households"}, items)
    ]);
  }

  function start(r, revisit) {
    var plan = meta.plans[r.code];
    var one = r.communes.length === 1 ? r.communes[0].key : "";
    current = {id: O.newId(), round: r.code, state: "draft", created: new Date().toISOString(), problems: [], step: 0,
      data: {household: {unit: one, village: "", address: "", head_name: "", survey_date: ""}, answers: {},
        members: [form.newMember("head")]}};
    if (revisit) {
      var known = plan.communes.some(function (c) { return c.key === revisit.unit; });
      current.data.revisit = revisit.code;
      current.data.household = {unit: known ? revisit.unit : one, village: revisit.village, address: revisit.address,
        head_name: revisit.head_name, survey_date: ""};
      current.data.members = revisit.members.map(function (m) {
        return Object.assign(form.newMember(), m, {answers: {}});
      });
    }
    keep(current).then(render);
  }
  // Searched as the online revisit page searches: without accents ("nguyen van an").
  function plain(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  function drawRevisits(r) {
    var earlier = meta.revisits[r.code] || [];
    if (!earlier.length) return null;
    var list = el("ul", {class: "households", "data-testid": "revisits"});
    var fill = function (text) {
      var needle = plain(text);
      list.textContent = "";
      earlier.filter(function (e) {
        return !needle || plain(e.head_name + " " + e.code + " " + e.village).indexOf(needle) >= 0;
      }).slice(0, 20).forEach(function (e) {
        list.appendChild(el("li", {"data-revisit": e.code}, [
          el("strong", {text: e.head_name}), el("span", {class: "muted", text: " · " + e.code + " · " + e.village + " · " +
            t("revisit_earlier", {round: e.round, members: e.members.length})}),
          el("button", {type: "button", class: "link", text: t("revisit_pick"), onclick: function () { start(r, e); }})
        ]));
      });
    };
    fill("");
    return el("details", {class: "revisit"}, [el("summary", {text: t("revisit") + " (" + earlier.length + ")"}),
      el("input", {type: "search", "aria-label": t("revisit_search"), placeholder: t("revisit_search"),
        oninput: function (e) { fill(e.target.value); }}), list]);
  }

  // What background events (connection changes, a sync, another tab) call: the open form is
  // never rebuilt under the surveyor's fingers, which would drop the field being typed in.
  function refresh() {
    if (!current) { render(); return; }
    var line = app.querySelector("[data-testid=connection]");
    if (line) line.textContent = navigator.onLine ? t("online") : t("offline");
    notice(message);
  }
  function render() {
    app.textContent = "";
    app.appendChild(el("p", {class: "notice", id: "offline-notice", hidden: !message, text: message}));
    app.appendChild(el("p", {"data-testid": "connection", text: navigator.onLine ? t("online") : t("offline")}));
    if (current) {
      form.draw(current, meta.plans[current.round], {save: keep, render: render, queue: queue, close: close})
        .forEach(function (part) { app.appendChild(part); });
      return;
    }
    meta.rounds.forEach(function (r) {
      app.appendChild(el("section", {class: "card", "data-round": r.code}, [el("h2", {text: r.name}),
        el("button", {type: "button", class: "primary", "data-testid": "new", text: t("new_household"),
          onclick: function () { start(r, null); }}),
        drawRevisits(r)]));
    });
    if (!meta.rounds.length) app.appendChild(el("p", {text: t("no_rounds")}));
    app.appendChild(drawOutbox());
  }

  store.open().then(function () {
    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persist().then(function (granted) {
        if (!granted && !message) notice(t("storage_refused"));
      });
    }
    return store.getMeta("owner").then(function (owner) {
      // Another account's households never stay on a device shared by two surveyors.
      if (owner && owner !== app.dataset.user) return store.clearAll();
    }).then(function () { return store.putMeta("owner", app.dataset.user); });
  }).then(function () {
    return Promise.all([store.getMeta("rounds"), store.getMeta("plans"), store.getMeta("revisits"),
      store.getMeta("lastSync"), store.load()]);
  }).then(function (stored) {
    meta.rounds = stored[0] || []; meta.plans = stored[1] || {}; meta.revisits = stored[2] || {};
    meta.lastSync = stored[3] || null;
    households = stored[4] || [];
    refresh();
    var online = navigator.onLine ? store.fetchRounds().then(function (got) {
      meta.rounds = got.rounds; meta.plans = got.plans; meta.revisits = got.revisits;
    }).catch(function () {}) : Promise.resolve();
    return online.then(store.load).then(function (all) { merge(all); refresh(); return syncAll(); });
  }).then(function () { app.dataset.ready = "1"; })  // loaded and first sync done
    .catch(function (error) { notice(t("storage_open", {error: error})); });

  window.addEventListener("online", function () { refresh(); syncAll(); });
  window.addEventListener("offline", refresh);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) store.load().then(function (all) { merge(all); refresh(); }).catch(function () {});
  });
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(app.dataset.worker, {scope: app.dataset.scope});
})();
