// The catalog gallery: filter the cards by words (name, summary, tags) and by one tag; the filter is kept in the
// URL (?q=…&tag=…) so a filtered gallery can be shared. Cards and tags are the server's HTML; nothing is built
// from data here except by textContent.
(function () {
  'use strict';
  var input = document.getElementById('gallery-q');
  var chips = Array.prototype.slice.call(document.querySelectorAll('#gallery-tags button.tag'));
  var cards = Array.prototype.slice.call(document.querySelectorAll('#gallery li.card'));
  var count = document.querySelector('#gallery-count span');
  var none = document.getElementById('gallery-none');
  var here = new URLSearchParams(window.location.search);
  var tag = here.get('tag') || '';
  input.value = here.get('q') || '';
  var texts = cards.map(function (c) { return c.textContent.toLowerCase(); });
  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (card, i) {
      var tags = (card.dataset.tags || '').split(' ');
      var ok = (!tag || tags.indexOf(tag) >= 0) && words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      card.hidden = !ok;
      if (ok) shown += 1;
    });
    chips.forEach(function (c) {
      var on = c.dataset.tag === tag;
      c.classList.toggle('selected', on);
      c.setAttribute('aria-pressed', on ? 'true' : 'false');
      if (on && c.parentNode.tagName === 'DETAILS') c.parentNode.open = true;
    });
    count.textContent = String(shown);
    none.hidden = shown > 0;
    var qs = new URLSearchParams(window.location.search);
    if (input.value) qs.set('q', input.value); else qs.delete('q');
    if (tag) qs.set('tag', tag); else qs.delete('tag');
    var search = qs.toString();
    window.history.replaceState(null, '', window.location.pathname + (search ? '?' + search : ''));
  }
  chips.forEach(function (c) {
    c.addEventListener('click', function () { tag = c.dataset.tag === tag ? '' : c.dataset.tag; apply(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll('#gallery ul.tags button'), function (b) {
    b.addEventListener('click', function () { tag = b.dataset.tag; apply(); window.scrollTo(0, 0); });
  });
  input.addEventListener('input', apply);
  document.getElementById('gallery-search').addEventListener('submit', function (ev) { ev.preventDefault(); });
  apply();
})();
