// Organisation names as the reader types, for graphs with too many organisations to list them all in the page
// (views.INLINE_NAMES): a name field with data-suggest asks that URL for names matching what is typed and puts
// them in the field's datalist (and the text they answer in the field's data-suggested). Names are set as option
// values, never parsed as HTML.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || typeof fetch !== "function") { return; }
    var timer = null;
    var asked = null;
    var pending = null;

    function fill(names) {
      var options = names.map(function (name) {
        var option = document.createElement("option");
        option.value = name;
        return option;
      });
      list.replaceChildren.apply(list, options);
    }

    function ask(text) {
      if (text === asked) { return; }
      asked = text;
      if (pending) { pending.abort(); pending = null; }
      if (text.length < 2) { fill([]); input.setAttribute("data-suggested", text); return; }
      var controller = new AbortController();
      pending = controller;
      fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text),
            { headers: { Accept: "application/json" }, signal: controller.signal })
        .then(function (response) { return response.ok ? response.json() : { names: [] }; })
        .then(function (answer) {
          if (asked === text) { fill(answer.names || []); input.setAttribute("data-suggested", text); }
        })
        .catch(function () { /* aborted by a newer request, or the server is gone: keep the list */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { ask(input.value.trim()); }, 150);
    });
    input.addEventListener("focus", function () { asked = null; ask(input.value.trim()); });
  });
})();
