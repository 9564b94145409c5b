/* rashomon: the comparison view's script. The page works without it; it adds:
   - lighting up, inside the reports, the evidence of the brief sentence under the pointer or focus;
   - pinning a sentence's evidence open with a click, a tap, Enter or Space (Escape closes);
   - a flash on the passage an "in the report" link jumps to;
   - a pop-over naming the facts a highlighted passage carries.
   Data is read from the JSON block and written with textContent only, never as HTML. */
(function () {
  "use strict";
  var root = document.querySelector(".rsh");
  if (!root) { return; }
  var data = null;
  var block = document.getElementById("rsh-data");
  try { data = block ? JSON.parse(block.textContent) : null; } catch (e) { data = null; }
  if (!data) { return; }

  var docIndex = {};
  data.documents.forEach(function (d, i) { docIndex[d.id] = i; });
  var segCache = {};
  function segments(i) {
    if (!segCache[i]) {
      var box = root.querySelector('.doc-text[data-doc="' + i + '"]');
      segCache[i] = box ? Array.prototype.map.call(box.querySelectorAll(".seg"), function (el) {
        return { el: el, s: Number(el.getAttribute("data-s")), e: Number(el.getAttribute("data-e")) };
      }) : [];
    }
    return segCache[i];
  }
  function each(i, start, end, fn) {
    segments(i).forEach(function (g) { if (g.s >= start && g.e <= end) { fn(g.el); } });
  }
  function light(spans, on) {
    (spans || []).forEach(function (sp) {
      var i = docIndex[sp.document];
      if (i !== undefined) { each(i, sp.start, sp.end, function (el) { el.classList.toggle("lit", on); }); }
    });
  }
  function flash(el) {
    el.classList.remove("flash");
    void el.offsetWidth; /* restart the animation */
    el.classList.add("flash");
  }

  /* the brief */
  var items = Array.prototype.slice.call(root.querySelectorAll(".brief-item"));
  function setOpen(li, open) {
    var link = li.querySelector(".brief-text");
    var b = data.brief[Number(li.getAttribute("data-b"))];
    li.classList.toggle("open", open);
    if (link) { link.setAttribute("aria-expanded", String(open)); }
    light(b ? b.evidence : [], open);
  }
  items.forEach(function (li) {
    var b = data.brief[Number(li.getAttribute("data-b"))];
    var spans = b ? b.evidence : [];
    var link = li.querySelector(".brief-text");
    if (!link) { return; }
    link.setAttribute("role", "button");
    link.setAttribute("aria-expanded", "false");
    function show() { light(spans, true); }
    function hide() { if (!li.classList.contains("open")) { light(spans, false); } }
    li.addEventListener("mouseenter", show);
    li.addEventListener("mouseleave", hide);
    li.addEventListener("focusin", show);
    li.addEventListener("focusout", function (ev) { if (!li.contains(ev.relatedTarget)) { hide(); } });
    link.addEventListener("click", function (ev) {
      ev.preventDefault();
      setOpen(li, !li.classList.contains("open"));
    });
    link.addEventListener("keydown", function (ev) {
      if (ev.key === " " || ev.key === "Spacebar") { ev.preventDefault(); link.click(); }
    });
  });

  /* links into the reports: flash the passage they point at */
  root.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a[data-s]") : null;
    if (!a) { return; }
    var i = Number(a.getAttribute("data-doc"));
    var s = Number(a.getAttribute("data-s"));
    var e = Number(a.getAttribute("data-e"));
    window.setTimeout(function () { each(i, s, e, flash); }, 150);
  });

  /* a highlighted passage: which facts does it carry? */
  var rowOf = {};
  Array.prototype.forEach.call(root.querySelectorAll("tr[data-fact]"), function (tr) {
    rowOf[tr.getAttribute("data-fact")] = tr;
  });
  var kindOf = { corroborated: ["✔", "corroborated", "corroborated"],
    single_source: ["•", "single source", "single"], contradicted: ["✖", "contradicted", "contradicted"] };
  var pop = null;
  function closePop() { if (pop) { pop.remove(); pop = null; } }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function showFacts(seg, x, y) {
    var box = seg.closest(".doc-text");
    var doc = data.documents[Number(box.getAttribute("data-doc"))];
    var s = Number(seg.getAttribute("data-s"));
    var e = Number(seg.getAttribute("data-e"));
    var found = data.facts.filter(function (f) {
      return f.evidence.some(function (sp) {
        return sp.document === doc.id && sp.start <= s && sp.end >= e;
      });
    });
    if (!found.length) { return; }
    closePop();
    pop = el("div", "rsh-pop");
    pop.setAttribute("role", "dialog");
    pop.setAttribute("aria-label", "Facts in this passage");
    var close = el("button", "rsh-pop-close", "×");
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", closePop);
    pop.appendChild(close);
    pop.appendChild(el("strong", null, found.length === 1 ? "This passage carries:" : "This passage carries " + found.length + " facts:"));
    var list = el("ul");
    found.forEach(function (f) {
      var k = kindOf[f.status] || ["", f.status, ""];
      var kind = f.differs_in_detail ? ["◐", "differs in detail", "differs"] : k;
      var li = el("li");
      li.appendChild(el("span", "badge k-" + kind[2], kind[0] + " " + kind[1]));
      var row = rowOf[f.id];
      if (row) {
        var a = el("a", null, f.statement);
        a.href = "#" + row.id;
        a.addEventListener("click", function () { closePop(); window.setTimeout(function () { flash(row); }, 150); });
        li.appendChild(a);
      } else {
        li.appendChild(el("span", null, f.statement));
      }
      li.appendChild(el("span", "muted", " — in " + f.documents.length + " of " + data.documents.length + " reports"));
      list.appendChild(li);
    });
    pop.appendChild(list);
    document.body.appendChild(pop);
    var width = pop.offsetWidth;
    var left = Math.max(8, Math.min(x, document.documentElement.clientWidth - width - 8));
    pop.style.left = left + window.scrollX + "px";
    pop.style.top = y + window.scrollY + 14 + "px";
    close.focus({ preventScroll: true });
  }
  root.addEventListener("click", function (ev) {
    var seg = ev.target.closest ? ev.target.closest(".doc-text .seg.ev") : null;
    if (!seg || (window.getSelection && String(window.getSelection()).length)) { return; }
    showFacts(seg, ev.clientX, ev.clientY);
  });
  document.addEventListener("click", function (ev) {
    if (pop && !pop.contains(ev.target) && !(ev.target.closest && ev.target.closest(".seg.ev"))) { closePop(); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") { return; }
    closePop();
    items.forEach(function (li) { if (li.classList.contains("open")) { setOpen(li, false); } });
  });
})();
