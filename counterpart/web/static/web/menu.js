// On a phone the signed-in menu folds behind one button; the page stays usable without this script.
(function () {
  "use strict";
  var header = document.querySelector("header.site");
  var button = header && header.querySelector(".menu-toggle");
  if (!button) return;
  header.classList.add("has-toggle");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = header.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
