// An import's page follows its batch until it ends, then reloads to show the result.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "1") return;
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (p) {
      document.getElementById("import-bar").value = p.percent;
      document.getElementById("import-percent").textContent = p.percent + "%";
      document.getElementById("import-status").textContent = p.status_label;
      if (p.finished) { window.location.reload(); } else { setTimeout(poll, 700); }
    }).catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 500);
})();
