// newslens UI: progressive enhancement only. Every page works without this
// script; it adds layer toggles, the technique confidence threshold, smooth
// click-to-evidence and linked quote parts. It never builds HTML from data.
(function () {
  "use strict";
  var text = document.getElementById("doc-text");
  if (!text) return;

  var hidden = {};       // layer key -> true when switched off
  var threshold = 0;

  function refresh() {
    var spans = text.querySelectorAll(".hl");
    for (var i = 0; i < spans.length; i++) {
      var s = spans[i];
      s.classList.toggle("off", !!hidden[s.dataset.layer]);
      if (s.dataset.conf !== undefined) {
        s.classList.toggle("low", parseFloat(s.dataset.conf) < threshold);
      }
    }
    var items = document.querySelectorAll("#panel li[data-conf]");
    for (var j = 0; j < items.length; j++) {
      items[j].classList.toggle("low", parseFloat(items[j].dataset.conf) < threshold);
    }
  }

  var toggles = document.querySelectorAll(".layer-toggle");
  for (var i = 0; i < toggles.length; i++) {
    toggles[i].addEventListener("change", function (ev) {
      hidden[ev.target.dataset.layer] = !ev.target.checked;
      refresh();
    });
  }

  var slider = document.getElementById("conf-threshold");
  var out = document.getElementById("conf-value");
  if (slider) {
    slider.addEventListener("input", function () {
      threshold = parseFloat(slider.value) || 0;
      if (out) out.textContent = threshold.toFixed(2);
      refresh();
    });
  }

  // Click an annotation in the panel: scroll to its evidence and flash it.
  var panel = document.getElementById("panel");
  if (panel) {
    panel.addEventListener("click", function (ev) {
      var a = ev.target.closest ? ev.target.closest("a.jump") : null;
      if (!a) return;
      var target = document.getElementById("ev-" + a.dataset.ann);
      if (!target) return;
      ev.preventDefault();
      target.scrollIntoView({ behavior: "smooth", block: "center" });
      target.classList.remove("flash");
      void target.offsetWidth; // restart the animation
      target.classList.add("flash");
      if (history.replaceState) history.replaceState(null, "", "#ev-" + a.dataset.ann);
    });
  }

  // Arriving from an evidence link (an entity page's portrayal evidence, a
  // quote): flash the span the link names.
  if (/^#ev-[A-Za-z0-9_-]+$/.test(location.hash)) {
    var arrived = document.getElementById(location.hash.slice(1));
    if (arrived && text.contains(arrived)) {
      arrived.scrollIntoView({ block: "center" });
      arrived.classList.add("flash");
    }
  }

  // Hovering any part of a quote outlines its content, cue and source.
  function linkQuote(q, on) {
    var parts = text.querySelectorAll('.hl[data-q="' + q + '"]');
    for (var i = 0; i < parts.length; i++) parts[i].classList.toggle("linked", on);
  }
  text.addEventListener("mouseover", function (ev) {
    var s = ev.target.closest ? ev.target.closest(".hl[data-q]") : null;
    if (s && /^[A-Za-z0-9_-]+$/.test(s.dataset.q)) linkQuote(s.dataset.q, true);
  });
  text.addEventListener("mouseout", function (ev) {
    var s = ev.target.closest ? ev.target.closest(".hl[data-q]") : null;
    if (s && /^[A-Za-z0-9_-]+$/.test(s.dataset.q)) linkQuote(s.dataset.q, false);
  });
})();
