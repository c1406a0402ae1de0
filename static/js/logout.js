/* Signing out clears what the offline form keeps on this device (static/js/offline/):
 * the households, the rounds and their forms. Households not yet sent are named first,
 * and the surveyor may stay signed in to send them. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-logout]");
  if (!form || !window.indexedDB) return;
  var confirmed = false;

  function waitingCount() {
    return new Promise(function (resolve) {
      var open = indexedDB.open("cdht-offline", 1);
      open.onupgradeneeded = function () { open.transaction.abort(); };  // nothing stored here
      open.onerror = function () { resolve(0); };
      open.onsuccess = function () {
        var db = open.result;
        if (!db.objectStoreNames.contains("households")) { db.close(); resolve(0); return; }
        var all = db.transaction("households").objectStore("households").getAll();
        all.onsuccess = function () {
          db.close();
          resolve(all.result.filter(function (h) { return h.state !== "sent"; }).length);
        };
        all.onerror = function () { db.close(); resolve(0); };
      };
    });
  }

  form.addEventListener("submit", function (event) {
    if (confirmed) return;
    event.preventDefault();
    waitingCount().then(function (n) {
      if (n && !window.confirm(n + " hộ trên máy chưa gửi được sẽ bị xoá khi đăng xuất. Vẫn đăng xuất?")) return;
      var done = function () { confirmed = true; form.submit(); };
      var removal = indexedDB.deleteDatabase("cdht-offline");
      removal.onsuccess = removal.onerror = removal.onblocked = done;
    });
  });
})();
