// Where the eye (and a screen reader) should go when a page comes back from a form: to the
// list of what to fix when the form was refused, else to the confirmation of what was saved.
// Without JavaScript both are still announced (role=alert / role=status) and shown first.
(function () {
  var target = document.querySelector(".error-summary") ||
    document.querySelector("[aria-invalid=true]") ||
    document.querySelector(".flashes");
  if (!target) { return; }
  var focus = function () {
    if (document.activeElement === target) { return; }
    if (document.activeElement && document.activeElement !== document.body) { return; }
    target.focus();
  };
  target.focus();
  // Going to an anchor (#aktion-4) moves the focus to the page after this runs: once the page
  // has loaded, the message takes it back (unless the user has already moved on).
  window.addEventListener("load", function () { window.setTimeout(focus, 0); });
})();
