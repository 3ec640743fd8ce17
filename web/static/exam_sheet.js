/* gigplatform: the exam's answer sheet (no framework, nothing fetched from elsewhere).
 * - The sheet ([data-sheet] links, one per question) shows each question answered, unanswered or marked for review,
 *   and counts them; a click jumps to the question and puts the keyboard on its first choice.
 * - "Mark for review" ([data-review] boxes) is the candidate's own note: kept in this tab's sessionStorage (per
 *   attempt), so a reload keeps it; the server never needs it.
 * - Handing in ([data-handin]) first opens a dialog that says how many questions are unanswered and marked, with
 *   links to each; the time running out hands in without asking (app.js submits the form directly).
 * Without this script the sheet still shows what was saved and links to each question; hand-in asks nothing.
 * Every text comes from the page's data-msg-* attributes, already in the visitor's language.
 */
(function () {
  "use strict";

  var sheet = document.getElementById("answer-sheet");
  var form = document.getElementById("exam-form");
  if (!sheet || !form) return;

  var key = "exam-review:" + sheet.dataset.attempt;
  var marked = {};
  try {
    JSON.parse(window.sessionStorage.getItem(key) || "[]").forEach(function (id) { marked[id] = true; });
  } catch (e) { marked = {}; }

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (_, name) {
      return values[name] !== undefined ? String(values[name]) : "";
    });
  }

  function items() {
    return Array.prototype.slice.call(sheet.querySelectorAll("a[data-sheet]"));
  }

  function box(question) {
    return form.querySelector('fieldset[data-question="' + question + '"]');
  }

  function state() {
    var all = items().map(function (link) {
      var id = link.dataset.sheet;
      var fieldset = box(id);
      return {
        link: link,
        id: id,
        n: link.dataset.n,
        answered: !!(fieldset && fieldset.querySelector("input:checked")),
        review: !!marked[id],
      };
    });
    return {
      all: all,
      answered: all.filter(function (q) { return q.answered; }),
      unanswered: all.filter(function (q) { return !q.answered; }),
      review: all.filter(function (q) { return q.review; }),
    };
  }

  function render() {
    var now = state();
    now.all.forEach(function (q) {
      q.link.classList.toggle("answered", q.answered);
      q.link.classList.toggle("unanswered", !q.answered);
      q.link.classList.toggle("review", q.review);
      var words = [q.answered ? sheet.dataset.msgAnswered : sheet.dataset.msgUnanswered];
      if (q.review) words.push(sheet.dataset.msgReview);
      q.link.setAttribute("aria-label", fill(sheet.dataset.msgItem, { n: q.n, state: words.join(", ") }));
    });
    var counts = { answered: now.answered.length, unanswered: now.unanswered.length, review: now.review.length };
    document.querySelectorAll("[data-sheet-count]").forEach(function (el) {
      el.textContent = String(counts[el.dataset.sheetCount]);
    });
    return now;
  }

  function save() {
    try {
      window.sessionStorage.setItem(key, JSON.stringify(Object.keys(marked)));
    } catch (e) { /* private mode: the marks last until the page is left */ }
  }

  function jump(n) {
    var target = document.getElementById("q" + n);
    if (!target) return;
    target.scrollIntoView({ block: "start" });
    var first = target.querySelector("fieldset input:checked") || target.querySelector("fieldset input");
    (first || target).focus({ preventScroll: true });
    if (window.history && window.history.replaceState) window.history.replaceState(null, "", "#q" + n);
  }

  form.querySelectorAll("input[data-review]").forEach(function (input) {
    input.checked = !!marked[input.dataset.review];
    input.addEventListener("change", function () {
      if (input.checked) marked[input.dataset.review] = true;
      else delete marked[input.dataset.review];
      save();
      render();
    });
  });
  form.addEventListener("change", render);

  sheet.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-sheet]") : null;
    if (!link) return;
    event.preventDefault();
    jump(link.dataset.n);
  });

  var dialog = document.getElementById("handin-dialog");
  var opener = form.querySelector("[data-handin]");
  if (dialog && opener && typeof dialog.showModal === "function") {
    var summary = dialog.querySelector("[data-handin-summary]");

    function list(name, questions) {
      var line = dialog.querySelector('[data-handin-list="' + name + '"]');
      if (!line) return;
      line.querySelectorAll("a").forEach(function (a) { a.remove(); });
      questions.forEach(function (q) {
        var a = document.createElement("a");
        a.href = "#q" + q.n;
        a.textContent = q.n;
        a.className = "handin-jump";
        a.addEventListener("click", function (event) {
          event.preventDefault();
          dialog.close();
          jump(q.n);
        });
        line.appendChild(a);
      });
      line.hidden = questions.length === 0;
    }

    opener.addEventListener("click", function (event) {
      event.preventDefault();
      var now = render();
      var values = { unanswered: now.unanswered.length, review: now.review.length, total: now.all.length };
      var worry = values.unanswered > 0 || values.review > 0;
      summary.textContent = fill(worry ? dialog.dataset.msgWarning : dialog.dataset.msgComplete, values);
      summary.classList.toggle("warning", worry);
      list("unanswered", now.unanswered);
      list("review", now.review);
      dialog.showModal();
    });
    dialog.querySelector("[data-handin-cancel]").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector("[data-handin-confirm]").addEventListener("click", function () {
      try { window.sessionStorage.removeItem(key); } catch (e) { /* nothing kept */ }
    });
  }

  render();
})();
