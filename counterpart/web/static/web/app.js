// Behaviour every page shares, kept out of the HTML so that the Content-Security-Policy can refuse
// every inline script (docs/security.md).
(function () {
  "use strict";
  // The language list switches as soon as a language is chosen (without script, its button does).
  var select = document.getElementById("language-select");
  if (select && select.form) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();
