// Print pages: the "Udskriv" button (hidden until this script shows it) opens the print dialog.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
