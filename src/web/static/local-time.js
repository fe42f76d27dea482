/* global document */
// Palimpsest: shows the absolute times of a page in the reader's time zone. The server writes each time in UTC
// (<time datetime="ISO" title="... UTC">... UTC</time>); without JavaScript that is what the reader sees, and the
// tooltip keeps the UTC time after this script has rewritten the text. Nothing else on the page changes.
(function () {
  'use strict';
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function zoneName(d) {
    try {
      var parts = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(d);
      for (var i = 0; i < parts.length; i++) if (parts[i].type === 'timeZoneName') return parts[i].value;
    } catch { /* an old browser without formatToParts: fall back to the offset */ }
    var off = -d.getTimezoneOffset();
    return 'UTC' + (off >= 0 ? '+' : '-') + pad(Math.floor(Math.abs(off) / 60)) + ':' + pad(Math.abs(off) % 60);
  }
  function localise(el) {
    var iso = el.getAttribute('datetime');
    var utc = el.getAttribute('title');
    if (!iso || iso.indexOf('T') < 0 || !utc || !/ UTC$/.test(utc)) return;
    var d = new Date(iso);
    if (isNaN(d.getTime())) return;
    var seconds = /\d\d:\d\d:\d\d UTC$/.test(utc);
    var text = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' +
      pad(d.getMinutes()) + (seconds ? ':' + pad(d.getSeconds()) : '') + ' ' + zoneName(d);
    el.textContent = text;
    el.setAttribute('data-local', 'true');
  }
  function run() {
    var times = document.querySelectorAll('time[datetime][title]');
    for (var i = 0; i < times.length; i++) localise(times[i]);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})();
