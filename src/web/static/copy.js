/* global document, navigator */
// Palimpsest: "Copy" buttons next to read-only address fields. Without JavaScript the buttons stay hidden and the
// field can be selected and copied by hand.
(function () {
  'use strict';
  var status = document.querySelector('.copy-status');
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var field = document.getElementById(button.getAttribute('data-copy'));
    if (!field) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      field.select();
      var done = function () { if (status) status.textContent = 'Copied ' + field.value; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand('copy'); done(); });
      } else {
        document.execCommand('copy');
        done();
      }
    });
  });
})();
