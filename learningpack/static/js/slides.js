// Presentation mode: one slide at a time. Next: arrow right/down, space, PageDown (clickers send
// PageUp/PageDown). Previous: arrow left/up, PageUp. Home/End: first/last. T: pause the timer.
// Esc: leave full screen, or else leave the presentation. Agenda slides count down their minutes.
(function () {
  "use strict";
  var deck = document.querySelector("[data-deck]");
  if (!deck) { return; }
  var slides = Array.prototype.slice.call(deck.querySelectorAll("[data-slide]"));
  var counter = document.querySelector("[data-counter]");
  var leave = document.querySelector("[data-leave]");
  var current = 0;
  var ticking = null;
  var remaining = 0;
  var paused = false;

  document.body.classList.add("deck-js");
  document.querySelectorAll("[data-prev], [data-next], [data-timer-toggle]").forEach(function (b) {
    b.hidden = false;
  });
  var fullscreen = document.querySelector("[data-fullscreen]");
  if (fullscreen && document.documentElement.requestFullscreen) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", function () {
      document.documentElement.requestFullscreen().catch(function () {});
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function showTime(slide) {
    var display = slide.querySelector("[data-timer]");
    if (!display) { return; }
    display.textContent = pad(Math.floor(remaining / 60)) + ":" + pad(remaining % 60);
    display.classList.toggle("timer-done", remaining === 0);
  }

  function stopTimer() {
    if (ticking !== null) { window.clearInterval(ticking); ticking = null; }
  }

  function startTimer(slide) {
    stopTimer();
    var minutes = parseInt(slide.getAttribute("data-minutes") || "0", 10);
    if (!minutes) { return; }
    remaining = minutes * 60;
    paused = false;
    setToggleText(slide);
    showTime(slide);
    ticking = window.setInterval(function () {
      if (paused || remaining === 0) { return; }
      remaining -= 1;
      showTime(slide);
    }, 1000);
  }

  function setToggleText(slide) {
    var toggle = slide.querySelector("[data-timer-toggle]");
    if (toggle) {
      toggle.textContent = toggle.getAttribute(paused ? "data-resume" : "data-pause");
    }
  }

  function togglePause() {
    paused = !paused;
    setToggleText(slides[current]);
  }

  function show(index) {
    current = Math.max(0, Math.min(slides.length - 1, index));
    slides.forEach(function (slide, n) { slide.hidden = n !== current; });
    counter.textContent = (current + 1) + " / " + slides.length;
    if (window.history.replaceState) { window.history.replaceState(null, "", "#" + (current + 1)); }
    startTimer(slides[current]);
  }

  document.querySelector("[data-prev]").addEventListener("click", function () { show(current - 1); });
  document.querySelector("[data-next]").addEventListener("click", function () { show(current + 1); });
  document.querySelectorAll("[data-timer-toggle]").forEach(function (b) {
    b.addEventListener("click", togglePause);
  });

  var NEXT = ["ArrowRight", "ArrowDown", "PageDown", " ", "Spacebar"];
  var PREVIOUS = ["ArrowLeft", "ArrowUp", "PageUp"];
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var onControl = event.target.closest && event.target.closest("a, button, input, textarea, select");
    if (onControl && (event.key === " " || event.key === "Enter")) { return; }
    if (NEXT.indexOf(event.key) >= 0) { show(current + 1); }
    else if (PREVIOUS.indexOf(event.key) >= 0) { show(current - 1); }
    else if (event.key === "Home") { show(0); }
    else if (event.key === "End") { show(slides.length - 1); }
    else if (event.key === "t" || event.key === "T") { togglePause(); }
    else if (event.key === "Escape") {
      if (document.fullscreenElement) { return; }  // the browser leaves full screen itself
      window.location.href = leave.getAttribute("href");
    } else { return; }
    event.preventDefault();
  });

  var start = parseInt((window.location.hash || "#1").slice(1), 10);
  show(isNaN(start) ? 0 : start - 1);
}());
