/* global document, history */
// Palimpsest diff page: keys to jump between changes (j or n: next, k or p: previous). The page works without
// this script: every change has an anchor (#change-N) and links to its neighbours. Keys typed into a field, or
// with a modifier held, are left alone.
(function () {
  'use strict';
  var changes = Array.prototype.slice.call(document.querySelectorAll('.change-head[id^="change-"]'));
  if (changes.length === 0) return;
  var hint = document.querySelector('.keys-hint');
  if (hint) hint.hidden = false;
  function typing(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable;
  }
  function go(el) {
    el.scrollIntoView({ block: 'start' });
    if (history.replaceState) history.replaceState(null, '', '#' + el.id);
  }
  document.addEventListener('keydown', function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    var key = e.key;
    var next = key === 'j' || key === 'n';
    var prev = key === 'k' || key === 'p';
    if (!next && !prev) return;
    // A change scrolled to sits just below the top of the window (its scroll margin): that one is the current
    // change, so "next" looks further down than that and "previous" above the top.
    var i;
    if (next) {
      for (i = 0; i < changes.length; i++) if (changes[i].getBoundingClientRect().top > 16) break;
      if (i < changes.length) go(changes[i]);
    } else {
      for (i = changes.length - 1; i >= 0; i--) if (changes[i].getBoundingClientRect().top < 2) break;
      if (i >= 0) go(changes[i]);
    }
    e.preventDefault();
  });
})();
