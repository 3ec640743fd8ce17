/* gigplatform: the booking grid's live seat counts (no framework, nothing fetched from elsewhere).
 * live.js re-dispatches the `slots` channel's `shift.seats_changed` events (payload: the slot's id) and the inbox's
 * `notification.created` on `document`. When one names a slot on this page, or a shift notification comes (a
 * waitlist promotion), the grid is fetched again from its [data-source] (the same template, rendered alone) and:
 * - each cell's seat count ([data-seats]) is copied over;
 * - a cell whose state changed for the visitor ([data-mine]: booked, on the waitlist, or neither) is replaced whole.
 * Buttons are left alone otherwise, so nothing moves under a finger in a burst: a click on a seat just taken is
 * answered by the server with the reason and the waitlist offer.
 * Fetches are coalesced: at most one in flight and one a second, whatever the rate of events.
 * A cell whose window is not open yet carries its book button hidden and the seconds until the window opens
 * ([data-opens-in], from the server, so the visitor's clock changes nothing): the button shows at that moment
 * without any request, so the page does not join the burst with a fetch; the server still decides the click.
 */
(function () {
  "use strict";
  var grid = document.querySelector("[data-shift-grid]");
  if (!grid || !window.fetch || !window.DOMParser) return;
  var GAP_MS = 1000;
  var busy = false;
  var again = false;
  var timer = null;
  var last = 0;

  function cellOf(root, id) {
    return root.querySelector('[data-slot="' + String(id).replace(/[^0-9a-f-]/gi, "") + '"]');
  }

  function apply(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    fresh.querySelectorAll("[data-slot]").forEach(function (next) {
      var cell = cellOf(grid, next.dataset.slot);
      if (!cell) return;
      if ((cell.dataset.mine || "") !== (next.dataset.mine || "")) {
        var focused = cell.contains(document.activeElement);
        cell.innerHTML = next.innerHTML;
        cell.className = next.className;
        cell.dataset.mine = next.dataset.mine || "";
        offerWhenOpen(cell);
        if (focused) {
          var target = cell.querySelector("button") || cell;
          if (target === cell) cell.tabIndex = -1;
          target.focus();
        }
        return;
      }
      var seats = cell.querySelector("[data-seats]");
      var now = next.querySelector("[data-seats]");
      if (seats && now && seats.outerHTML !== now.outerHTML) {
        seats.textContent = now.textContent;
        seats.className = now.className;
      }
    });
    document.documentElement.dataset.gridUpdated = String(Date.now());
  }

  function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    last = Date.now();
    fetch(grid.dataset.source, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html) apply(html);
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          schedule();
        }
      });
  }

  function schedule() {
    if (timer) return;
    var wait = Math.max(0, last + GAP_MS - Date.now()) + Math.floor(Math.random() * 200);
    timer = window.setTimeout(function () {
      timer = null;
      refresh();
    }, wait);
  }

  var MAX_WAIT_S = 86400;
  function offerWhenOpen(cell) {
    cell.querySelectorAll("[data-opens-in]").forEach(function (opens) {
      var seconds = Number(opens.dataset.opensIn || 0);
      if (seconds > MAX_WAIT_S) return;
      window.setTimeout(function () {
        var form = cell.querySelector("form[data-when-open]");
        if (!form || !opens.isConnected) return;
        form.hidden = false;
        opens.hidden = true;
      }, seconds * 1000);
    });
  }
  grid.querySelectorAll("[data-slot]").forEach(offerWhenOpen);

  document.addEventListener("live:shift.seats_changed", function (event) {
    if (event.detail && cellOf(grid, event.detail.slot_id)) schedule();
  });
  document.addEventListener("live:notification.created", function (event) {
    if (event.detail && String(event.detail.kind || "").indexOf("shift.") === 0) schedule();
  });
})();
