// The report page: an area's or a pairing's section is computed when its reader opens it (the server
// answers ?section=<kind>:<code> with the section's table alone); a link to a section opens it.
(function () {
  "use strict";
  function load(details) {
    var anchor = details.getAttribute("data-section");
    if (!anchor) return;
    details.removeAttribute("data-section");
    var body = details.querySelector(".section-body");
    var url = new URL(window.location.href);
    url.hash = "";
    url.searchParams.set("section", anchor);
    body.setAttribute("aria-busy", "true");
    fetch(url.toString(), { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) { body.innerHTML = html; })
      .catch(function () { details.setAttribute("data-section", anchor); })
      .finally(function () { body.removeAttribute("aria-busy"); });
  }
  function openHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    var details = target.closest("details") || (target.tagName === "DETAILS" ? target : null);
    if (details && !details.open) details.open = true;
  }
  document.querySelectorAll("details[data-section]").forEach(function (details) {
    details.addEventListener("toggle", function () { if (details.open) load(details); });
  });
  window.addEventListener("hashchange", openHash);
  openHash();
})();
