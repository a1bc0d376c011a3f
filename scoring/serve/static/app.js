// scoring serve: the workbench's own script (served from the package; no other script runs).
// Puts a number input beside each editable number, sends an edit, and updates in place the
// numbers that moved (by trace id: the report anchors each number by its id). Text from the
// server is only ever set as textContent, never as HTML.
"use strict";
(function () {
  const meta = (n) => document.querySelector(`meta[name="${n}"]`).content;
  const token = meta("scoring-token");
  let version = Number(meta("scoring-version"));
  const api = meta("scoring-api");  // this case's API: /api/, or /cases/ID/api/ in a universe
  const panel = document.createElement("aside");
  panel.id = "workbench";
  panel.innerHTML = '<h2>Workbench</h2><p class="wb-status" role="status"></p>' +
    '<pre class="wb-attribution"></pre><ul class="wb-problems"></ul>' +
    '<form class="wb-save"><label>Scenario id <input name="scenario" required pattern="[A-Za-z0-9][A-Za-z0-9_.\\-]*"></label>' +
    '<label>Rationale <textarea name="rationale" required></textarea></label>' +
    '<button type="submit">Save as scenario</button> <button type="button" class="wb-apply">Apply to the case files</button></form>';
  document.body.prepend(panel);
  const status = panel.querySelector(".wb-status");
  const attribution = panel.querySelector(".wb-attribution");
  const problems = panel.querySelector(".wb-problems");

  function say(text, problemLines) {
    status.textContent = text;
    problems.replaceChildren(...(problemLines || []).map((p) => {
      const li = document.createElement("li"); li.textContent = p; return li;
    }));
  }

  // Writes go one at a time, each with the version the one before it left: two quick
  // edits never race each other into a version conflict.
  let queue = Promise.resolve();
  function post(url, data) {
    const run = queue.then(async () => {
      const r = await fetch(url, {method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-Scoring-Token": token},
        body: JSON.stringify({...data, version})});
      const got = await r.json();
      if (!r.ok) { say(got.error, got.problems); return null; }
      version = got.version;
      return got;
    });
    queue = run.catch(() => null);
    return run;
  }

  function show(changed) {
    document.querySelectorAll(".wb-moved").forEach((e) => e.classList.remove("wb-moved"));
    for (const [id, n] of Object.entries(changed)) {
      const targets = [];
      const anchor = document.getElementById(id);
      if (anchor) targets.push(anchor.matches("b") ? anchor : anchor.querySelector("b"));
      document.querySelectorAll("a.num, a.band").forEach((a) => {
        if (a.getAttribute("href") === "#" + id) targets.push(a);
      });
      for (const t of targets) {
        if (!t) continue;
        t.textContent = n.now;
        t.classList.add("wb-moved");
        t.title = `was ${n.was}`;
        t.dataset.value = n.raw;
      }
    }
  }

  // Break-evens, points at stake, the tornado and the Monte Carlo are not recomputed by an
  // edit (they take longer): marked as such until the page is reloaded.
  const ANALYSES = ["/sensitivity/", "/tornado/", "/simulation/"];
  function stale() {
    document.querySelectorAll("a.num, [id]").forEach((el) => {
      const id = el.matches("a.num") ? (el.getAttribute("href") || "").slice(1) : el.id;
      if (ANALYSES.some((part) => id.includes(part))) {
        el.classList.add("wb-stale");
        el.title = "not recomputed after the edit: reload the page to recompute it";
      }
    });
  }

  function input(e) {
    const host = document.getElementById(e.anchor);
    if (!host) return;
    const cell = host.matches("tr") ? host.querySelector("th") : host;
    const box = document.createElement("input");
    box.type = "number"; box.step = "any"; box.className = "wb-edit";
    box.value = e.value; box.title = e.label; box.setAttribute("aria-label", e.label);
    box.dataset.file = e.file; box.dataset.path = JSON.stringify(e.path);
    if (e.lo !== null) box.min = e.lo;
    if (e.hi !== null) box.max = e.hi;
    box.addEventListener("change", async () => {
      say(`updating ${e.label}…`);
      const got = await post(api + "edit", {file: e.file, path: e.path, value: box.value});
      if (!got) return;
      show(got.changed);
      stale();
      attribution.textContent = got.attribution;
      say(`${e.label} = ${box.value}: ${Object.keys(got.changed).length} numbers moved`);
    });
    cell.append(" ", box);
  }

  panel.querySelector(".wb-save").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const got = await post(api + "scenario", {scenario: f.scenario.value, rationale: f.rationale.value});
    if (got) { say(`saved scenario ${f.scenario.value} to ${got.written.join(", ")}; reloading`); location.reload(); }
  });
  panel.querySelector(".wb-apply").addEventListener("click", async () => {
    const got = await post(api + "apply", {});
    if (got) say(`wrote ${got.written.join(", ") || "nothing (no edit)"}`);
  });

  fetch(api + "state", {credentials: "same-origin"}).then((r) => r.json()).then((s) => {
    version = s.version;
    s.editables.forEach(input);
    say(`${s.editables.length} numbers editable; scenarios: ${s.scenarios.join(", ")}`);
  });
})();
