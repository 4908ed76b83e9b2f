// Choosing a named query in the console loads its text (the server reads ?from=NAME); no text is built here.
(function () {
  "use strict";
  var select = document.getElementById("console-from");
  if (!select) { return; }
  select.addEventListener("change", function () {
    if (select.value) { window.location.assign("?from=" + encodeURIComponent(select.value)); }
  });
}());
