/* gigplatform: the exam admin editors' small conveniences (no framework, nothing fetched from elsewhere).
 * - question editor ([data-question-editor]): shows only the inputs the chosen type uses ([data-for-types]) and
 *   disables the others, so they are not sent. Without this script every input is shown and the server reads the
 *   ones the type uses.
 * - blueprint editor ([data-blueprint-editor]): offers only the chosen round's tracks.
 */
(function () {
  "use strict";

  document.querySelectorAll("form[data-question-editor]").forEach(function (form) {
    var type = form.querySelector("[data-type-switch]");
    if (!type) return;
    function update() {
      form.querySelectorAll("[data-for-types]").forEach(function (box) {
        var used = box.dataset.forTypes.split(" ").indexOf(type.value) !== -1;
        box.hidden = !used;
        box.querySelectorAll("input, textarea, select").forEach(function (input) { input.disabled = !used; });
      });
    }
    type.addEventListener("change", update);
    update();
  });

  document.querySelectorAll("form[data-blueprint-editor]").forEach(function (form) {
    var round = form.querySelector("[data-round-select]");
    var track = form.querySelector("[data-track-select]");
    if (!round || !track) return;
    function update() {
      var chosen = round.options[round.selectedIndex];
      var offered = (chosen && chosen.dataset.tracks ? chosen.dataset.tracks : "").split(" ");
      Array.prototype.forEach.call(track.options, function (option) {
        var usable = option.value === "" || offered.indexOf(option.value) !== -1;
        option.hidden = !usable;
        option.disabled = !usable;
        if (!usable && option.selected) track.value = "";
      });
    }
    round.addEventListener("change", update);
    update();
  });
})();
