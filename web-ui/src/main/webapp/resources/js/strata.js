// Small progressive enhancements; every page works without them.
(function () {
  function find(id) { return document.getElementById(id); }

  document.addEventListener('click', function (e) {
    var copy = e.target.closest('[data-copy]');
    if (copy) {
      navigator.clipboard.writeText(copy.getAttribute('data-copy')).then(function () {
        var label = copy.textContent;
        copy.textContent = 'Copied';
        setTimeout(function () { copy.textContent = label; }, 1500);
      });
    }
    var reveal = e.target.closest('[data-reveal]');
    if (reveal) {
      var target = find(reveal.getAttribute('data-reveal'));
      if (target) {
        var shown = target.getAttribute('data-shown') === 'true';
        if (!shown) {
          target.setAttribute('data-masked', target.textContent);
          target.textContent = target.getAttribute('data-secret');
        } else {
          target.textContent = target.getAttribute('data-masked');
        }
        target.setAttribute('data-shown', shown ? 'false' : 'true');
        reveal.textContent = shown ? 'Reveal' : 'Hide';
      }
    }
  });

  // Pages with something in progress refresh that part every 1.5 s, without a reload.
  setInterval(function () {
    var marker = find('transitional');
    var button = find('live:refresh');
    if (marker && button && marker.value === 'true') {
      button.click();
    }
  }, 1500);

  // Suggest a slug from the name until the user types one.
  document.addEventListener('input', function (e) {
    var target = e.target.getAttribute && e.target.getAttribute('data-slug-target');
    if (target) {
      var slug = find(target);
      if (slug && slug.getAttribute('data-touched') !== 'true') {
        slug.value = e.target.value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
      }
    } else if (e.target.id === 'create:slug') {
      e.target.setAttribute('data-touched', 'true');
    }
  });
})();
