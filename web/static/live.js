/* gigplatform: the live stream of signed-in pages (no framework, nothing fetched from elsewhere).
 * Opens `/live` (Server-Sent Events, same origin, the page cookies) with the public topics the page names in
 * <body data-live-topics="slots">, keeps the notification bell's unread count ([data-unread]) true without a
 * reload, and re-dispatches the inbox's events and those named in <body data-live-events="slot.seats_changed"> on
 * `document` as `live:<topic>` CustomEvents, for the page's own script.
 * The browser reconnects by itself; each (re)connection starts with `ready`, which carries the unread count.
 * Words come from the bell's data-label ("{count} unread"), already in the visitor's language.
 */
(function () {
  "use strict";
  if (!window.EventSource) return;
  var badge = document.querySelector("[data-unread]");
  var topics = (document.body.dataset.liveTopics || "").trim();
  var url = "/live" + (topics ? "?topics=" + encodeURIComponent(topics) : "");

  function setUnread(count) {
    if (!badge) return;
    count = Math.max(0, count);
    badge.textContent = String(count);
    badge.hidden = count === 0;
    badge.className = count === 0 ? "" : "badge count";
    badge.setAttribute("aria-label", (badge.dataset.label || "{count}").replace("{count}", String(count)));
    badge.dataset.unread = String(count);
  }

  function unread() {
    return badge ? Number(badge.dataset.unread || 0) : 0;
  }

  function read(event) {
    try {
      return JSON.parse(event.data);
    } catch (e) {
      return null;
    }
  }

  var source = new EventSource(url);
  source.addEventListener("ready", function (event) {
    var data = read(event);
    if (data) setUnread(data.unread);
    document.documentElement.dataset.live = "open";
  });
  source.addEventListener("notification.created", function () {
    setUnread(unread() + 1);
  });
  source.addEventListener("notifications.read", function (event) {
    var data = read(event);
    if (data) setUnread(unread() - data.count);
  });
  source.onerror = function () {
    document.documentElement.dataset.live = "closed";
  };

  // Pages listen for their own topics as `live:<topic>` on document (a booking grid updating its seats, say).
  var forward = function (event) {
    var data = read(event);
    if (data) document.dispatchEvent(new CustomEvent("live:" + event.type, { detail: data }));
  };
  source.addEventListener("notification.created", forward);
  source.addEventListener("notifications.read", forward);
  (document.body.dataset.liveEvents || "").split(",").forEach(function (name) {
    name = name.trim();
    if (name) source.addEventListener(name, forward);
  });
})();
