// Enhancements only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.querySelector(button.getAttribute("data-copy"));
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.getAttribute("data-copied") || button.textContent;
      });
    });
  });
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});

// While a PDF or a file is being prepared, ask every two seconds and reload when ready or failed.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("pdf-state");
  if (!box || !window.fetch) return;
  var state = box.getAttribute("data-state");
  if (state !== "pending" && state !== "running") return;
  var timer = setInterval(function () {
    fetch(box.getAttribute("data-status-url"), {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var bar = box.querySelector("[data-progress]");
        if (bar && typeof data.progress === "number") {
          bar.value = data.progress;
          box.querySelector("[data-progress-text]").textContent = data.progress;
        }
        if (data.state === "done" || data.state === "failed") {
          clearInterval(timer);
          window.location.reload();
        }
      })
      .catch(function () {});
  }, 2000);
});

// The profile form lists the states or provinces of the country chosen, without a round trip.
document.addEventListener("DOMContentLoaded", function () {
  var region = document.querySelector("select[data-places-url]");
  var country = document.getElementById("id_country");
  if (!region || !country || !window.fetch) return;
  country.addEventListener("change", function () {
    var asked = country.value;
    var url = region.getAttribute("data-places-url") + "?country=" + encodeURIComponent(asked);
    fetch(url, {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (country.value !== asked) return;  // an answer for a country passed on the way
        var first = new Option(region.getAttribute("data-prompt"), "");
        region.replaceChildren(first);
        data.places.forEach(function (place) { region.add(new Option(place.name, place.code)); });
      })
      .catch(function () {});
  });
});

// Logging out erases the field app's data on this device (the site answers with
// Clear-Site-Data): ask first when assessments made offline are still on it, unsent.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-unsent-warning]");
  if (!form || !window.indexedDB || !indexedDB.databases) return;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fieldAppUnsent().then(function (count) {
      var warning = form.getAttribute("data-unsent-warning").replace("%(count)s", count);
      if (!count || window.confirm(warning)) form.submit();
    });
  });
});

function fieldAppUnsent() {
  return indexedDB.databases().then(function (databases) {
    // Opening a database that is not there would create it: look first.
    if (!databases.some(function (database) { return database.name === "ruta-field"; })) return 0;
    return new Promise(function (resolve) {
      var opening = indexedDB.open("ruta-field");
      opening.onerror = function () { resolve(0); };
      opening.onsuccess = function () {
        var db = opening.result;
        if (!db.objectStoreNames.contains("assessments")) { db.close(); resolve(0); return; }
        var all = db.transaction("assessments").objectStore("assessments").getAll();
        all.onsuccess = function () {
          db.close();
          resolve(all.result.filter(function (record) {
            return record.status === "draft" || record.status === "ready";
          }).length);
        };
        all.onerror = function () { db.close(); resolve(0); };
      };
    });
  }).catch(function () { return 0; });
}
