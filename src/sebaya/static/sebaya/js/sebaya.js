/* Small behaviours of Sebaya's pages. No inline handlers: the Content-Security-Policy forbids them.
   Everything here is an enhancement: pages read and work without it. */
(function () {
  "use strict";
  var SAVED_CACHE = "sebaya-simpan";

  // Fields marked data-select-on-focus select their whole text (e.g. a link to copy).
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-select-on-focus")) {
      target.select();
    }
  });

  // The service worker keeps visited and saved pages readable without signal.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }

  function showOfflineState() {
    var offline = !navigator.onLine;
    var notice = document.getElementById("offline-notice");
    if (notice) notice.hidden = !offline;
    document.querySelectorAll("[data-offline-only]").forEach(function (el) {
      el.hidden = !offline;
    });
  }
  window.addEventListener("online", showOfflineState);
  window.addEventListener("offline", showOfflineState);

  // "Save for offline reading" on a practice page: a copy in a cache that is never trimmed.
  function setUpSaveButton(box) {
    if (!("caches" in window)) return;
    var button = box.querySelector("button");
    var status = box.querySelector("[data-save-status]");
    var url = location.pathname;
    function show(saved) {
      button.textContent = saved ? button.dataset.labelSaved : button.dataset.labelSave;
      button.setAttribute("aria-pressed", saved ? "true" : "false");
    }
    caches.open(SAVED_CACHE).then(function (cache) {
      return cache.match(url, { ignoreVary: true });
    }).then(function (hit) {
      show(Boolean(hit));
      box.hidden = false;
    });
    button.addEventListener("click", function () {
      caches.open(SAVED_CACHE).then(function (cache) {
        if (button.getAttribute("aria-pressed") === "true") {
          return cache.delete(url, { ignoreVary: true }).then(function () { show(false); });
        }
        return cache.add(url).then(function () { show(true); });
      }).catch(function () {
        status.textContent = "✗";
      });
    });
  }

  // The offline page lists the pages kept in each cache, by their heading.
  function fillOfflineList(list) {
    if (!("caches" in window)) return;
    caches.open(list.dataset.offlineList).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.map(function (request) {
          return cache.match(request).then(function (response) {
            return response.text().then(function (html) {
              var doc = new DOMParser().parseFromString(html, "text/html");
              var heading = doc.querySelector("main h1") || doc.querySelector("title");
              return { url: request.url, title: heading ? heading.textContent.trim() : request.url };
            });
          });
        }));
      });
    }).then(function (pages) {
      pages.reverse().forEach(function (page) {
        if (new URL(page.url).pathname === location.pathname) return;
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = page.url;
        link.textContent = page.title;
        item.appendChild(link);
        list.appendChild(item);
      });
      var empty = list.querySelector("[data-empty]");
      if (empty && list.children.length > 1) empty.remove();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showOfflineState();
    document.querySelectorAll("[data-save-offline]").forEach(setUpSaveButton);
    document.querySelectorAll("[data-offline-list]").forEach(fillOfflineList);
  });
})();
