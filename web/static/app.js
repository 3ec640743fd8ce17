/* gigplatform: the few things the pages do in the browser (no framework, nothing fetched from elsewhere).
 * - countdowns ([data-countdown]): seconds given by the server, counted on the monotonic clock, so a wrong clock on
 *   the visitor's computer changes nothing; at zero they enable a button or submit a form. The server keeps the
 *   real deadline either way.
 * - the typing test's textarea ([data-no-paste]): no pasting or dropping text, and a count of what is typed.
 * - the ID number check ([data-id-check]): 18 characters, GB 11643 check digit, birth date and age, as one types.
 * - the exam ([data-exam]): each answer is saved as it is clicked; the reply's seconds left re-synchronise the
 *   countdown; when the server says time is up, the page reloads to show the result.
 * - [data-confirm] buttons ask first (with [data-confirm-count="name"], naming how many boxes of that name are
 *   ticked, and asking nothing when none is: the server then says to tick one); [data-select-all] ticks every box.
 * Every text comes from the page's data-msg-* attributes, already in the visitor's language.
 */
(function () {
  "use strict";

  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (_, key) {
      return values[key] !== undefined ? String(values[key]) : "";
    });
  }

  function submitOnce(form) {
    if (!form || form.dataset.submitted) return;
    form.dataset.submitted = "1";
    form.submit();
  }

  document.querySelectorAll("[data-countdown]").forEach(function (el) {
    var end = performance.now() + Number(el.dataset.seconds || 0) * 1000;
    var timer = el.closest(".timer");
    var finished = false;
    el.addEventListener("countdown:sync", function (event) {
      end = performance.now() + Number(event.detail) * 1000;
    });

    function finish() {
      if (finished) return;
      finished = true;
      if (el.dataset.enable) {
        var button = document.getElementById(el.dataset.enable);
        if (button) button.disabled = false;
      }
      if (el.dataset.done) {
        var box = document.getElementById(el.dataset.done);
        if (box) {
          box.querySelectorAll("[data-when-running]").forEach(function (n) { n.hidden = true; });
          box.querySelectorAll("[data-when-done]").forEach(function (n) { n.hidden = false; });
        }
      }
    }

    function tick() {
      var left = (end - performance.now()) / 1000;
      el.textContent = clock(left);
      if (timer) timer.classList.toggle("urgent", left <= 30);
      // Submit a moment before zero, so the text reaches the server inside its deadline.
      if (el.dataset.autosubmit && left <= 1) {
        submitOnce(document.getElementById(el.dataset.autosubmit));
        return;
      }
      if (left <= 0) {
        finish();
        return;
      }
      window.setTimeout(tick, 250);
    }
    tick();
  });

  document.querySelectorAll("textarea[data-no-paste]").forEach(function (area) {
    var warning = document.getElementById("paste-warning");
    var counter = area.dataset.counter ? document.getElementById(area.dataset.counter) : null;

    function refuse(event) {
      event.preventDefault();
      if (warning) {
        warning.textContent = area.dataset.msgPaste || "";
        warning.hidden = false;
      }
    }
    area.addEventListener("paste", refuse);
    area.addEventListener("drop", refuse);
    area.addEventListener("beforeinput", function (event) {
      if (event.inputType === "insertFromPaste" || event.inputType === "insertFromDrop") refuse(event);
    });

    function count() {
      if (!counter) return;
      var typed = area.value.replace(/\s+/g, "").length;
      counter.textContent = fill(area.dataset.msgCount, { count: typed, total: area.dataset.total });
    }
    area.addEventListener("input", count);
    count();
    if (area.form) {
      area.form.addEventListener("submit", function () { area.form.dataset.submitted = "1"; });
    }
  });

  // GB 11643-1999: weights 2^(17-i) mod 11, check character "10X98765432"[sum mod 11].
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";

  function checkIdNumber(raw, today, minAge) {
    var value = raw.replace(/\s+/g, "").toUpperCase();
    if (!value) return null;
    if (!/^\d{0,17}$/.test(value.slice(0, 17)) || (value.length === 18 && !/^[\dX]$/.test(value[17])) || value.length > 18) {
      return { bad: true, key: "msgFormat" };
    }
    if (value.length < 18) return { bad: false, key: "msgCount", values: { count: value.length } };
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += Number(value[i]) * WEIGHTS[i];
    if (CHECK[sum % 11] !== value[17]) return { bad: true, key: "msgChecksum" };
    var y = Number(value.slice(6, 10)), m = Number(value.slice(10, 12)), d = Number(value.slice(12, 14));
    var born = new Date(Date.UTC(y, m - 1, d));
    var t = today.split("-").map(Number);
    var now = Date.UTC(t[0], t[1] - 1, t[2]);
    if (born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d || born.getTime() > now) {
      return { bad: true, key: "msgBirth" };
    }
    var age = t[0] - y - ((t[1] < m || (t[1] === m && t[2] < d)) ? 1 : 0);
    var date = value.slice(6, 10) + "-" + value.slice(10, 12) + "-" + value.slice(12, 14);
    if (age < minAge) return { bad: true, key: "msgTooYoung" };
    return { bad: false, ok: true, key: "msgAge", values: { date: date, age: age } };
  }

  document.querySelectorAll("input[data-id-check]").forEach(function (input) {
    var hint = document.getElementById("id-hint");
    var serverError = document.getElementById("e-" + input.name);
    var edited = false;
    function update() {
      if (!hint) return;
      var result = checkIdNumber(input.value, input.dataset.today, Number(input.dataset.minAge || 0));
      hint.classList.remove("ok", "bad");
      if (!result) {
        hint.textContent = "";
        return;
      }
      hint.textContent = fill(hint.dataset[result.key], result.values || {});
      if (result.bad) hint.classList.add("bad");
      if (result.ok) hint.classList.add("ok");
    }
    input.addEventListener("input", function () {
      if (!edited && serverError) {
        serverError.hidden = true;  // the server's verdict was about the number as it was
        input.removeAttribute("aria-invalid");
      }
      edited = true;
      update();
    });
    if (!serverError) update();
  });

  document.querySelectorAll("form[data-exam]").forEach(function (form) {
    var attempt = form.dataset.exam;
    var token = form.querySelector('input[name="_csrf_token"]');
    var timer = document.querySelector("[data-countdown]");
    form.querySelectorAll("fieldset[data-question]").forEach(function (box) {
      var question = box.dataset.question;
      var state = box.querySelector(".save-state");
      var sent = 0;
      function say(text, bad) {
        if (!state) return;
        state.textContent = text;
        state.classList.toggle("bad", !!bad);
      }
      box.addEventListener("change", function () {
        var body = new URLSearchParams();
        if (token) body.append("_csrf_token", token.value);
        box.querySelectorAll("input:checked").forEach(function (input) { body.append("choice", input.value); });
        var mine = ++sent;
        say(form.dataset.msgSaving);
        fetch("/exam-attempts/" + attempt + "/answers/" + question, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: token ? { "x-csrftoken": token.value } : {},
        })
          .then(function (response) { return response.json().then(function (data) { return [response, data]; }); })
          .then(function (pair) {
            var data = pair[1];
            if (mine !== sent) return;  // a later click is on its way; its answer is the one that counts
            if (data.saved) {
              say(form.dataset.msgSaved);
              if (timer) timer.dispatchEvent(new CustomEvent("countdown:sync", { detail: data.seconds_left }));
            } else if (data.reload) {
              form.dataset.submitted = "1";
              window.location.reload();
            } else {
              say(fill(form.dataset.msgFailed, { reason: data.message || pair[0].status }), true);
            }
          })
          .catch(function () { if (mine === sent) say(form.dataset.msgOffline, true); });
      });
    });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (!button) return;
    var message = button.dataset.confirm;
    if (button.dataset.confirmCount && button.form) {
      var ticked = button.form.querySelectorAll(
        'input[type="checkbox"][name="' + button.dataset.confirmCount + '"]:checked'
      ).length;
      if (!ticked) return;
      message = fill(message, { count: ticked });
    }
    if (!window.confirm(message)) event.preventDefault();
  });

  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var name = all.dataset.selectAll;
    var form = all.form;
    all.addEventListener("change", function () {
      form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });
})();
