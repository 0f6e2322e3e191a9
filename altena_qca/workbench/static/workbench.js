/* altena-qca workbench: plain JavaScript, no library, nothing loaded from elsewhere.
 * Offsets are characters of the document text (the pseudonymised text), exactly as
 * the CLI and the REFI-QDA export count them: every ".piece" element holds
 * text[data-start:data-end] as its text content and nothing else. */
"use strict";

const CSRF = document.querySelector('meta[name="csrf"]').content;

function status(msg, isError) {
  const el = document.getElementById("status");
  if (!el) return;
  el.textContent = msg;
  el.className = isError ? "error show" : "show";
  clearTimeout(status.t);
  status.t = setTimeout(() => { el.className = ""; }, isError ? 6000 : 2500);
}

async function api(method, url, body) {
  const opts = { method, headers: { "X-CSRF-Token": CSRF }, credentials: "same-origin" };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const res = await fetch(url, opts);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(data.error || res.statusText);
    err.status = res.status;
    throw err;
  }
  return data;
}

function fold(s) {
  return (s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

/* ------------------------------------------------------------------ document page */
function DocumentPage() {
  const data = JSON.parse(document.getElementById("doc-data").textContent);
  const docId = data.document;
  const textEl = document.getElementById("text");
  const marginEl = document.getElementById("margin");
  const pieces = Array.from(textEl.querySelectorAll(".piece"));
  const turns = pieces.filter(p => p.classList.contains("turn") && !p.classList.contains("sp-interviewer"));
  let turnAt = -1;
  const codes = {};
  data.codebook.forEach(c => { codes[c.id] = c; });
  let codings = data.codings;   // as the page was rendered; re-read from /api after each change
  let suggestions = [];
  let current = -1;           // index of the focused suggestion
  let recent = data.recent.slice();
  let pending = null;         // {start, end} of the selection being coded, or {coding} being re-coded
  let hereOffset = null;

  const colourOf = code => "c" + (data.colours[(codes[code] || {}).top] ?? 0);
  const labelOf = code => (codes[code] ? codes[code].label_nl : code + " (onbekend)");

  /* -- offsets <-> DOM -- */
  function pieceOf(node) {
    const el = node.nodeType === 1 ? node : node.parentElement;
    return el ? el.closest(".piece") : null;
  }
  function offsetOf(node, off) {
    const piece = pieceOf(node);
    if (!piece || !textEl.contains(piece)) return null;
    const r = document.createRange();
    r.setStart(piece, 0);
    r.setEnd(node, off);
    return Number(piece.dataset.start) + r.toString().length;
  }
  const starts = pieces.map(p => Number(p.dataset.start));
  const ends = pieces.map(p => Number(p.dataset.end));
  function locate(pos, side) {
    // the (text node, offset) of document offset pos; binary search over the pieces
    let lo = 0, hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= pos) lo = mid; else hi = mid - 1;
    }
    let k = lo;
    // an end offset at a piece's start belongs to the end of the piece before
    if (side === "end" && k > 0 && pos === starts[k] && ends[k - 1] === pos) k -= 1;
    const piece = pieces[k];
    if (!piece || pos < starts[k] || pos > ends[k]) return null;
    let rest = pos - starts[k];
    const walker = document.createTreeWalker(piece, NodeFilter.SHOW_TEXT);
    let n, last = null;
    while ((n = walker.nextNode())) {
      last = n;
      if (rest < n.length || (rest === n.length && side === "end")) return [n, rest];
      rest -= n.length;
    }
    return last ? [last, last.length] : null;
  }
  function rangeOf(start, end) {
    const a = locate(start, "start"), b = locate(end, "end");
    if (!a || !b) return null;
    const r = document.createRange();
    r.setStart(a[0], a[1]);
    r.setEnd(b[0], b[1]);
    return r;
  }

  /* -- drawing: highlights, suggestions, margin bars -- */
  let spansOf = new Map();   // coding id -> [first span, last span] drawn for it
  function draw() {
    spansOf = new Map();
    const showSg = document.getElementById("show-suggestions").checked;
    const sgs = showSg ? suggestions : [];
    for (const piece of pieces) {
      const s = Number(piece.dataset.start), e = Number(piece.dataset.end);
      const text = piece.textContent;
      const cs = codings.filter(c => c.start < e && c.end > s);
      const ss = sgs.map((g, i) => [g, i]).filter(([g]) => g.start < e && g.end > s);
      const pd = pending && !pending.coding && pending.start < e && pending.end > s ? pending : null;
      if (!cs.length && !ss.length && !pd && !piece.dataset.drawn) continue;
      const cuts = new Set([s, e]);
      if (pd) { cuts.add(Math.max(s, pd.start)); cuts.add(Math.min(e, pd.end)); }
      cs.forEach(c => { cuts.add(Math.max(s, c.start)); cuts.add(Math.min(e, c.end)); });
      ss.forEach(([g]) => { cuts.add(Math.max(s, g.start)); cuts.add(Math.min(e, g.end)); });
      const bounds = Array.from(cuts).sort((x, y) => x - y);
      const frag = document.createDocumentFragment();
      for (let k = 0; k + 1 < bounds.length; k++) {
        const a = bounds[k], b = bounds[k + 1];
        const chunk = text.slice(a - s, b - s);
        const on = cs.filter(c => c.start <= a && c.end >= b);
        const sg = ss.filter(([g]) => g.start <= a && g.end >= b);
        const inPending = pd && pd.start <= a && pd.end >= b;
        if (!on.length && !sg.length && !inPending) { frag.appendChild(document.createTextNode(chunk)); continue; }
        const span = document.createElement("span");
        span.textContent = chunk;
        if (inPending) span.classList.add("pending");
        if (on.length) {
          const inner = on.reduce((x, y) => (y.end - y.start < x.end - x.start ? y : x));
          span.className = (inPending ? "pending " : "") + "hl " + colourOf(inner.code) + (on.length > 1 ? " multi" : "");
          span.title = on.map(c => labelOf(c.code) + " · " + c.coder).join("\n");
          span.dataset.ids = on.map(c => c.id).join(",");
          for (const c of on) {
            const known = spansOf.get(c.id);
            if (known) known[1] = span; else spansOf.set(c.id, [span, span]);
          }
        }
        if (sg.length) {
          span.classList.add("sg");
          if (sg.some(([, i]) => i === current)) span.classList.add("sg-current");
          span.dataset.sg = sg.map(([, i]) => i).join(",");
          span.title = (span.title ? span.title + "\n" : "") +
            sg.map(([g]) => "suggestie: " + labelOf(g.code) + " (" + g.rule + ", " + g.confidence + ")").join("\n");
        }
        frag.appendChild(span);
      }
      piece.replaceChildren(frag);
      piece.dataset.drawn = "1";
    }
    performance.mark("wb-highlights");
    drawMargin();
  }

  function drawMargin() {
    // measure every coding first, then add all bars at once (one layout, not one per bar)
    const top0 = marginEl.getBoundingClientRect().top;
    const lanes = [];   // bottom y per lane
    const sorted = codings.slice().sort((x, y) => x.start - y.start || y.end - x.end);
    const placed = [];
    for (const c of sorted) {
      // the spans drawn for the coding give its extent; a range only when none was drawn
      const ends = spansOf.get(c.id);
      let first, last;
      if (ends) {
        first = ends[0].getClientRects()[0];
        const lr = ends[1].getClientRects();
        last = lr[lr.length - 1];
      } else {
        const r = rangeOf(c.start, c.end);
        const rects = r ? Array.from(r.getClientRects()).filter(x => x.height > 0) : [];
        first = rects[0];
        last = rects[rects.length - 1];
      }
      if (!first || !last) continue;
      const top = first.top - top0, bottom = last.bottom - top0;
      let lane = lanes.findIndex(b => b < top);
      if (lane < 0) { lanes.push(0); lane = lanes.length - 1; }
      lanes[lane] = bottom + 2;
      placed.push([c, top, bottom, lane]);
    }
    const frag = document.createDocumentFragment();
    for (const [c, top, bottom, lane] of placed) {
      const bar = document.createElement("div");
      bar.className = "bar " + colourOf(c.code);
      bar.style.top = top + "px";
      bar.style.height = Math.max(6, bottom - top) + "px";
      bar.style.left = (lane * 9) + "px";
      bar.title = labelOf(c.code) + " · " + c.coder + " · " + c.start + "–" + c.end;
      bar.dataset.id = c.id;
      bar.dataset.code = c.code;
      bar.addEventListener("click", () => showHere(c.start, [c.id]));
      frag.appendChild(bar);
    }
    marginEl.replaceChildren(frag);
    marginEl.style.minWidth = Math.max(1, lanes.length) * 9 + "px";
  }

  async function loadCodings() {
    codings = await api("GET", "/api/documents/" + encodeURIComponent(docId) + "/codings");
  }
  async function loadSuggestions() {
    const res = await api("GET", "/api/documents/" + encodeURIComponent(docId) + "/suggestions");
    suggestions = res.suggestions;
    const st = document.getElementById("sg-status");
    if (res.status.error) st.textContent = "Suggesties niet beschikbaar: " + res.status.error;
    else if (!res.status.ready) { st.textContent = "De auto-codeur wordt getraind; suggesties volgen…"; setTimeout(refreshSuggestions, 3000); }
    else if (!res.status.current) { st.textContent = suggestions.length + " suggesties (de auto-codeur leert bij van de laatste beslissingen…)"; setTimeout(refreshSuggestions, 4000); }
    else st.textContent = suggestions.length + " suggesties die geen bestaande codering herhalen.";
    if (current >= suggestions.length) current = suggestions.length - 1;
    if (current < 0 && suggestions.length) current = 0;
  }
  async function refreshSuggestions() {
    try { await loadSuggestions(); draw(); showSuggestion(false); } catch (e) { status(e.message, true); }
  }
  const ACTIONS = { add: "codering", update: "gewijzigd", delete: "verwijderd", accept: "suggestie geaccepteerd",
    reject: "suggestie afgewezen", memo: "memo", undo: "ongedaan gemaakt", codebook: "codeboek", review: "review",
    import: "import" };
  async function loadHistory() {
    const rows = await api("GET", "/api/history?document=" + encodeURIComponent(docId));
    const ol = document.getElementById("history");
    ol.replaceChildren();
    rows.slice(0, 8).forEach(h => {
      const li = document.createElement("li");
      if (h.undone) li.className = "undone";
      const when = new Date(h.at);
      li.textContent = when.toLocaleString("nl-NL", { dateStyle: "short", timeStyle: "short" }) + " · " + h.coder +
        " · " + (ACTIONS[h.action] || h.action) + (h.summary ? ": " + h.summary : "");
      ol.appendChild(li);
    });
    if (!rows.length) { const li = document.createElement("li"); li.textContent = "Nog niets gewijzigd."; ol.appendChild(li); }
  }
  async function reload() {
    loadHistory().catch(() => {});
    await loadCodings();
    await loadSuggestions();
    draw();
    showSuggestion(false);
    if (hereOffset !== null) showHere(hereOffset);
  }

  /* -- the code picker -- */
  const picker = document.getElementById("picker");
  const q = document.getElementById("picker-q");
  const list = document.getElementById("picker-list");
  let items = [], active = 0;

  function openPicker(target, rect) {
    pending = target;
    q.value = "";
    picker.hidden = false;
    const x = Math.min(window.scrollX + rect.left, window.scrollX + window.innerWidth - 380);
    picker.style.left = Math.max(8, x) + "px";
    picker.style.top = (window.scrollY + rect.bottom + 6) + "px";
    document.getElementById("picker-span").textContent = target.coding
      ? "Andere code voor codering " + target.coding.id + " (" + labelOf(target.coding.code) + ")"
      : "Selectie " + target.start + "–" + target.end + " (" + (target.end - target.start) + " tekens)";
    fillPicker();
    if (!target.coding) draw();   // keep the passage being coded visible while the input has focus
    q.focus();
  }
  function closePicker() {
    const had = pending && !pending.coding;
    picker.hidden = true;
    pending = null;
    if (had) draw();
  }
  function fillPicker() {
    const term = fold(q.value.trim());
    const all = data.codebook.filter(c => !term || fold(c.label_nl).includes(term) || fold(c.id).includes(term));
    const rec = recent.filter(id => codes[id] && all.includes(codes[id]));
    items = rec.map(id => codes[id]).concat(all.filter(c => !rec.includes(c.id)));
    active = 0;
    list.replaceChildren();
    items.slice(0, 60).forEach((c, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.dataset.code = c.id;
      const sw = document.createElement("span");
      sw.className = "swatch " + colourOf(c.id);
      const lab = document.createElement("b");
      lab.textContent = c.label_nl;
      const id = document.createElement("code");
      id.textContent = c.id;
      li.append(sw, lab, " ", id);
      if (i < rec.length) { const t = document.createElement("span"); t.className = "tag"; t.textContent = "recent"; li.append(" ", t); }
      li.addEventListener("mousedown", ev => { ev.preventDefault(); active = i; choose(); });
      list.appendChild(li);
    });
    markActive();
  }
  function markActive() {
    Array.from(list.children).forEach((li, i) => li.setAttribute("aria-selected", i === active ? "true" : "false"));
    const li = list.children[active];
    if (li) li.scrollIntoView({ block: "nearest" });
  }
  async function choose() {
    const c = items[active];
    if (!c || !pending) return;
    const target = pending;
    closePicker();
    try {
      if (target.coding) {
        await api("PATCH", "/api/codings/" + target.coding.id, { code: c.id });
        status("Code gewijzigd in " + c.label_nl);
      } else {
        await api("POST", "/api/codings", { document: docId, start: target.start, end: target.end, code: c.id });
        status("Gecodeerd: " + c.label_nl);
      }
      recent = [c.id].concat(recent.filter(x => x !== c.id)).slice(0, 8);
      window.getSelection().removeAllRanges();
      await reload();
    } catch (e) { status(e.message, true); }
  }
  q.addEventListener("input", fillPicker);
  q.addEventListener("keydown", ev => {
    if (ev.key === "ArrowDown") { active = Math.min(active + 1, Math.min(items.length, 60) - 1); markActive(); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { active = Math.max(active - 1, 0); markActive(); ev.preventDefault(); }
    else if (ev.key === "Enter") { ev.preventDefault(); choose(); }
    else if (ev.key === "Escape") { ev.preventDefault(); closePicker(); }
  });
  document.addEventListener("mousedown", ev => { if (!picker.hidden && !picker.contains(ev.target)) closePicker(); });

  function selectionTarget() {
    const sel = window.getSelection();
    if (!sel.rangeCount || sel.isCollapsed) return null;
    const r = sel.getRangeAt(0);
    let a = offsetOf(r.startContainer, r.startOffset), b = offsetOf(r.endContainer, r.endOffset);
    if (a === null || b === null) return null;
    if (a > b) [a, b] = [b, a];
    // leave out surrounding white space, as a careful coder would
    const full = textEl.dataset.len ? null : null;
    const t = sel.toString();
    const lead = t.length - t.replace(/^\s+/, "").length, trail = t.length - t.replace(/\s+$/, "").length;
    if (b - a === t.length) { a += lead; b -= trail; }
    if (b <= a) return null;
    return { start: a, end: b, rect: r.getBoundingClientRect() };
  }
  textEl.addEventListener("mouseup", () => {
    setTimeout(() => {
      const t = selectionTarget();
      if (t) openPicker({ start: t.start, end: t.end }, t.rect);
    }, 0);
  });
  textEl.addEventListener("click", ev => {
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed) return;
    const span = ev.target.closest(".hl, .sg");
    if (!span) return;
    const pos = offsetOf(span.firstChild || span, 0);
    if (span.dataset.sg) { current = Number(span.dataset.sg.split(",")[0]); draw(); showSuggestion(false); }
    if (span.dataset.ids) showHere(pos, span.dataset.ids.split(",").map(Number));
  });

  /* -- the codings at a place: change code/span/memo, delete -- */
  function showHere(pos, ids) {
    hereOffset = pos;
    const here = codings.filter(c => (ids ? ids.includes(c.id) : (c.start <= pos && c.end > pos)));
    const box = document.getElementById("here-list");
    box.replaceChildren();
    document.getElementById("here").hidden = !here.length;
    for (const c of here) {
      const div = document.createElement("div");
      div.className = "coding";
      div.dataset.id = c.id;
      const head = document.createElement("div");
      head.innerHTML = '<span class="swatch"></span> <b></b> <code></code> <span class="small"></span>';
      head.querySelector(".swatch").classList.add(colourOf(c.code));
      head.querySelector("b").textContent = labelOf(c.code);
      head.querySelector("code").textContent = c.code;
      head.querySelector(".small").textContent = c.coder + (c.origin !== "manual" ? " · " + c.origin : "");
      const span = document.createElement("div");
      span.className = "span-edit";
      span.innerHTML = '<label>van <input type="number" name="start" min="0"></label> <label>tot <input type="number" name="end" min="1"></label>';
      span.querySelector('[name="start"]').value = c.start;
      span.querySelector('[name="end"]').value = c.end;
      const memo = document.createElement("textarea");
      memo.rows = 2;
      memo.placeholder = "Memo bij deze codering";
      memo.value = c.memo || "";
      const buttons = document.createElement("div");
      buttons.className = "buttons";
      const mk = (label, fn, cls) => { const b = document.createElement("button"); b.type = "button"; b.textContent = label; if (cls) b.className = cls; b.addEventListener("click", fn); return b; };
      buttons.append(
        mk("Andere code…", () => openPicker({ coding: c }, div.getBoundingClientRect())),
        mk("Opslaan", async () => {
          try {
            await api("PATCH", "/api/codings/" + c.id, { start: Number(span.querySelector('[name="start"]').value),
              end: Number(span.querySelector('[name="end"]').value), memo: memo.value });
            status("Codering opgeslagen"); await reload();
          } catch (e) { status(e.message, true); }
        }),
        mk("Verwijderen", async () => {
          try { await api("DELETE", "/api/codings/" + c.id); status("Codering verwijderd (ongedaan maken kan)"); await reload(); }
          catch (e) { status(e.message, true); }
        }, "danger"));
      div.append(head, span, memo, buttons);
      box.appendChild(div);
    }
  }

  /* -- suggestions: accept / reject with one key -- */
  function showSuggestion(scroll) {
    const box = document.getElementById("suggestion");
    const show = document.getElementById("show-suggestions").checked && suggestions.length && current >= 0;
    box.hidden = !show;
    if (!show) return;
    const g = suggestions[current];
    document.getElementById("sg-count").textContent = (current + 1) + " van " + suggestions.length;
    const body = document.getElementById("sg-body");
    body.replaceChildren();
    const h = document.createElement("p");
    h.innerHTML = '<span class="swatch"></span> <b></b> <code></code>';
    h.querySelector(".swatch").classList.add(colourOf(g.code));
    h.querySelector("b").textContent = g.label;
    h.querySelector("code").textContent = g.code;
    const why = document.createElement("p");
    why.className = "small";
    why.textContent = "Regel: " + g.rule + " · zekerheid " + String(g.confidence).replace(".", ",") + " · " + g.start + "–" + g.end;
    body.append(h, why);
    if (scroll) {
      const el = textEl.querySelector(".sg-current");
      if (el) el.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }
  async function decide(decision) {
    const g = suggestions[current];
    if (!g) return;
    try {
      await api("POST", "/api/suggestions/decide", { document: docId, start: g.start, end: g.end, code: g.code,
        rule: g.rule, confidence: g.confidence, decision });
      status(decision === "accepted" ? "Geaccepteerd: " + g.label : "Afgewezen: " + g.label);
      await reload();
      showSuggestion(true);
    } catch (e) { status(e.message, true); }
  }
  document.getElementById("sg-accept").addEventListener("click", () => decide("accepted"));
  document.getElementById("sg-reject").addEventListener("click", () => decide("rejected"));
  document.getElementById("show-suggestions").addEventListener("change", () => { draw(); showSuggestion(false); });

  document.addEventListener("keydown", ev => {
    const tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || !picker.hidden) return;
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "z") { ev.preventDefault(); undo(); return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "c" || ev.key === "Enter") {
      const t = selectionTarget();
      if (t) { ev.preventDefault(); openPicker({ start: t.start, end: t.end }, t.rect); return; }
      // keyboard only: the turn marked with t / T, as a whole
      const turn = turns[turnAt];
      if (turn && turn.classList.contains("turn-focus")) {
        ev.preventDefault();
        const s = Number(turn.dataset.start), e = Number(turn.dataset.end);
        const txt = turn.textContent;
        const lead = txt.length - txt.replace(/^\s+/, "").length, trail = txt.length - txt.replace(/\s+$/, "").length;
        openPicker({ start: s + lead, end: e - trail }, turn.getBoundingClientRect());
      }
      return;
    }
    if (ev.key === "t" || ev.key === "T") {
      // mark the next (t) or previous (T) turn of a respondent or observer, to code it by keyboard
      ev.preventDefault();
      if (turns[turnAt]) turns[turnAt].classList.remove("turn-focus");
      turnAt = ev.key === "t" ? Math.min(turnAt + 1, turns.length - 1) : Math.max(turnAt - 1, 0);
      const turn = turns[turnAt];
      if (turn) { turn.classList.add("turn-focus"); turn.scrollIntoView({ block: "center" }); }
      return;
    }
    if (!document.getElementById("show-suggestions").checked || !suggestions.length) return;
    if (ev.key === "a") { ev.preventDefault(); decide("accepted"); }
    else if (ev.key === "r") { ev.preventDefault(); decide("rejected"); }
    else if (ev.key === "n" || ev.key === "j") { ev.preventDefault(); current = (current + 1) % suggestions.length; draw(); showSuggestion(true); }
    else if (ev.key === "p" || ev.key === "k") { ev.preventDefault(); current = (current - 1 + suggestions.length) % suggestions.length; draw(); showSuggestion(true); }
  });

  async function undo() {
    try {
      const res = await api("POST", "/api/undo", {});
      status("Ongedaan gemaakt: " + res.undone.action + " " + res.undone.summary);
      await reload();
    } catch (e) { status(e.message, true); }
  }
  document.getElementById("undo").addEventListener("click", undo);
  document.getElementById("memo-save").addEventListener("click", async () => {
    try { await api("PUT", "/api/documents/" + encodeURIComponent(docId) + "/memo", { memo: document.getElementById("memo").value }); status("Memo opgeslagen"); }
    catch (e) { status(e.message, true); }
  });
  window.addEventListener("resize", () => { clearTimeout(drawMargin.t); drawMargin.t = setTimeout(drawMargin, 100); });

  (async () => {
    try {
      performance.mark("wb-start");
      draw();
      performance.mark("wb-drawn");
      const m = /^#c(\d+)-(\d+)$/.exec(location.hash);
      if (m) {
        const r = rangeOf(Number(m[1]), Number(m[2]));
        if (r) {
          const span = document.createElement("mark");
          span.className = "target";
          try { r.surroundContents(span); } catch (e) { /* crosses elements: just scroll */ }
          (r.startContainer.parentElement || textEl).scrollIntoView({ block: "center" });
        }
      }
      document.body.dataset.ready = "1";
      loadHistory().catch(() => {});
      await loadSuggestions();
      draw();
      showSuggestion(false);
    } catch (e) { status(e.message, true); }
  })();
}

/* ------------------------------------------------------------------ codebook page */
function CodebookPage() {
  const add = document.getElementById("add-code");
  add.addEventListener("submit", async ev => {
    ev.preventDefault();
    const f = new FormData(add);
    const body = {};
    for (const [k, v] of f.entries()) body[k] = v;
    try {
      const res = await api("POST", "/api/codebook/codes", body);
      status("Code toegevoegd (" + res.codes + " codes)");
      location.hash = "code-" + body.id;
      location.reload();
    } catch (e) { status(e.message, true); }
  });
  const edit = document.getElementById("edit-code");
  edit.addEventListener("submit", async ev => {
    ev.preventDefault();
    const f = new FormData(edit);
    const kind = f.get("edit"), value = (f.get("value") || "").trim();
    const body = { code: f.get("code") };
    if (kind === "rename") body.new = value;
    if (kind === "merge") body.target = value;
    if (kind === "move") body.parent = value || null;
    if (kind === "delete") body.force = f.get("force") === "on";
    try {
      const res = await api("POST", "/api/codebook/" + kind, body);
      status("Klaar: " + res.codings_changed + " coderingen aangepast");
      location.reload();
    } catch (e) { status(e.message, true); }
  });
  document.body.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", () => {
  if (document.getElementById("doc-data")) DocumentPage();
  else if (document.getElementById("add-code")) CodebookPage();
  else document.body.dataset.ready = "1";
});
