// The item table: click a header to sort by that column (again to reverse); the text
// filter and the selects combine. Plain DOM, no library; the rows are the page's own.
(function () {
  "use strict";
  var table = document.getElementById("items-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  rows.forEach(function (row, i) { row.dataset.order = String(i); });
  var text = document.getElementById("filter-text");
  var selects = { family: document.getElementById("filter-family"), kind: document.getElementById("filter-kind"),
                  agree: document.getElementById("filter-agree") };
  var count = document.getElementById("items-count");

  function filter() {
    var query = text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var keep = !query || row.textContent.toLowerCase().indexOf(query) !== -1;
      Object.keys(selects).forEach(function (key) {
        var value = selects[key].value;
        if (value && row.dataset[key] !== value) { keep = false; }
      });
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    count.textContent = shown === rows.length ? "All " + rows.length + " items" : shown + " of " + rows.length + " items";
  }

  function key(row, column) {
    var cell = row.cells[column];
    return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
  }

  function compare(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y)) { return x - y; }
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, column) {
    th.querySelector("button").addEventListener("click", function () {
      var order = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", order);
      var sign = order === "ascending" ? 1 : -1;
      rows.sort(function (a, b) {
        return sign * compare(key(a, column), key(b, column)) || Number(a.dataset.order) - Number(b.dataset.order);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });

  text.addEventListener("input", filter);
  Object.keys(selects).forEach(function (k) { selects[k].addEventListener("change", filter); });
  document.querySelector("form.filters").addEventListener("submit", function (event) { event.preventDefault(); });
  filter();
})();
