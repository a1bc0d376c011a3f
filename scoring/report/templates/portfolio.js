// Progressive enhancement of the portfolio index: sort any table.sortable by a column (click
// its header) and filter the case table by text. Without JavaScript the page shows the same
// tables, sorted by case id. Numbers sort by their exact value (data-v).
(function () {
  "use strict";
  function key(cell) {
    var v = cell.getAttribute("data-v");
    if (v !== null && v !== "" && !isNaN(Number(v))) { return Number(v); }
    return cell.textContent.trim().toLowerCase();
  }
  function sortBy(table, th, col) {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (r) { return [key(r.cells[col]), r]; });
    keyed.sort(function (a, b) {
      var x = a[0], y = b[0];
      var c = (typeof x === typeof y) ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1);
      return asc ? c : -c;
    });
    var frag = document.createDocumentFragment();
    keyed.forEach(function (k) { frag.appendChild(k[1]); });
    body.appendChild(frag);
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, th, col); });
    });
  });
  var cases = document.getElementById("case-table");
  if (!cases) { return; }
  var label = document.createElement("label");
  label.className = "filter";
  label.textContent = "Filter cases (id, entity or band): ";
  var input = document.createElement("input");
  input.type = "search";
  label.appendChild(input);
  var help = document.getElementById("cases-help");
  help.textContent = "Click a column header to sort; type to filter. ";
  help.parentNode.insertBefore(label, help.nextSibling);
  input.addEventListener("input", function () {
    var q = input.value.trim().toLowerCase();
    Array.prototype.forEach.call(cases.tBodies[0].rows, function (r) {
      r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0;
    });
  });
})();
