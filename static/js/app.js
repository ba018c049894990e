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
