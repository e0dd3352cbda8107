// Small progressive enhancements; every page works without them.
(function () {
  function find(id) { return document.getElementById(id); }

  document.addEventListener('click', function (e) {
    var copy = e.target.closest('[data-copy]');
    if (copy) {
      var text = copy.getAttribute('data-copy');
      var done = function () {
        var label = copy.getAttribute('data-label') || copy.textContent;
        copy.setAttribute('data-label', label);
        copy.textContent = 'Copied';
        setTimeout(function () { copy.textContent = label; }, 1500);
      };
      // the Clipboard API needs a secure context; plain http on a LAN address falls back to a selection copy
      var fallback = function () {
        var area = document.createElement('textarea');
        area.value = text;
        area.setAttribute('readonly', '');
        area.style.position = 'fixed';
        area.style.opacity = '0';
        document.body.appendChild(area);
        area.select();
        var ok = document.execCommand('copy');
        document.body.removeChild(area);
        if (ok) { done(); }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, fallback);
      } else {
        fallback();
      }
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
