/* The offline app's storage and its server: households in IndexedDB, each with the UUID
 * that makes a resend harmless, sent to the sync API (/api/v1/, docs/sync-api.md). */
(function () {
  "use strict";

  var O = window.CDHTOffline;
  var DB_NAME = "cdht-offline", db = null;
  var hooks = {saving: function () {}, full: function () {}, expired: function () {}};

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("meta");
        request.result.createObjectStore("households", {keyPath: "id"});
      };
      request.onsuccess = function () {
        db = request.result;
        // Signing out deletes the database (logout.js): let it, from every tab.
        db.onversionchange = function () { db.close(); };
        resolve(db);
      };
      request.onerror = function () { reject(request.error); };
    });
  }
  function tx(store, mode, work) {
    return new Promise(function (resolve, reject) {
      var transaction = db.transaction(store, mode), result;
      transaction.oncomplete = function () { resolve(result); };
      transaction.onerror = transaction.onabort = function () { reject(transaction.error); };
      var request = work(transaction.objectStore(store));
      if (request) request.onsuccess = function () { result = request.result; };
    });
  }
  function putMeta(key, value) { return tx("meta", "readwrite", function (s) { return s.put(value, key); }); }
  function getMeta(key) { return tx("meta", "readonly", function (s) { return s.get(key); }); }
  function load() { return tx("households", "readonly", function (s) { return s.getAll(); }); }
  function remove(id) { return tx("households", "readwrite", function (s) { return s.delete(id); }); }
  function clearAll() {
    return Promise.all([
      tx("households", "readwrite", function (s) { return s.clear(); }),
      tx("meta", "readwrite", function (s) { return s.clear(); })
    ]);
  }
  // Saves in flight, on the page as data-pending: "0" once all that was typed is stored.
  var pending = 0;
  function save(h) {
    h.updated = new Date().toISOString();
    pending += 1;
    hooks.saving(pending);
    return tx("households", "readwrite", function (s) { return s.put(h); })
      .catch(function (error) { hooks.full(error); throw error; })
      .finally(function () { pending -= 1; hooks.saving(pending); });
  }

  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function getJson(url) {
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) {
        if (!r.ok) { var e = new Error(String(r.status)); e.status = r.status; throw e; }
        return r.json();
      });
  }
  function fetchRounds() {
    return getJson("/api/v1/rounds/").then(function (rounds) {
      var plans = {}, earlier = {};
      return Promise.all(rounds.map(function (r) {
        var base = "/api/v1/rounds/" + r.code;
        return Promise.all([getJson(base + "/plan/"), getJson(base + "/revisits/")]).then(function (got) {
          plans[r.code] = got[0]; earlier[r.code] = got[1];
        });
      })).then(function () {
        return Promise.all([putMeta("rounds", rounds), putMeta("plans", plans), putMeta("revisits", earlier)])
          .then(function () { return {rounds: rounds, plans: plans, revisits: earlier}; });
      });
    });
  }

  // What each answer of the sync API makes of a household (docs/offline.md, "States").
  function settle(h, status, body) {
    h.online = body.online || null;
    if (status === 200 || status === 201) {
      h.state = "sent"; h.result = body; h.problems = []; h.replaceOnline = false;
    } else if (status === 400) {
      h.state = "correct"; h.problems = body.problems || [];
    } else if (status === 409 && body.kind === "conflict") {
      h.state = "conflict"; h.problems = body.problems || [];
    } else if (status === 409 || (status === 403 && body.kind)) {
      h.state = "refused"; h.problems = body.problems || [];
    } else {
      // Signed out (the session expired) or server trouble: it stays waiting.
      if (status === 401 || status === 403) hooks.expired();
      throw new Error(String(status));
    }
    return save(h);
  }
  function send(h) {
    var body = Object.assign({id: h.id}, h.data, h.replaceOnline ? {replace_online: true} : {});
    return fetch("/api/v1/rounds/" + h.round + "/households/", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (answer) { return settle(h, r.status, answer); });
    });
  }
  // A household waiting for its correction online: has the online form sent it?
  function check(h) {
    return fetch("/api/v1/households/" + h.id + "/", {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) {
        if (r.status !== 200) return null;
        return r.json().then(function (body) {
          h.state = "sent"; h.result = body; h.problems = []; h.online = null; h.correctedOnline = true;
          return save(h);
        });
      });
  }

  O.store = {
    open: open, putMeta: putMeta, getMeta: getMeta, load: load, save: save, remove: remove,
    clearAll: clearAll, fetchRounds: fetchRounds, send: send, check: check, hooks: hooks
  };
  O.newId = function () {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var x = Array.prototype.map.call(b, function (v) { return (v + 256).toString(16).slice(1); }).join("");
    return x.slice(0, 8) + "-" + x.slice(8, 12) + "-" + x.slice(12, 16) + "-" + x.slice(16, 20) + "-" + x.slice(20);
  };
})();
