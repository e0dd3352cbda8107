// Small progressive enhancements; every page works without them.
(function () {
  function find(id) { return document.getElementById(id); }

  // Secrets are not in the page: an element names one (data-secret-ref) and the server hands it out on request,
  // to this session's pages only (the token in <meta name="strata-token">), recording each time as an event.
  function fetchSecret(ref, action) {
    var meta = document.querySelector('meta[name="strata-token"]');
    if (!meta) { return Promise.reject(new Error('no token')); }
    return fetch(meta.getAttribute('data-reveal-url'), {
      method: 'POST', credentials: 'same-origin', cache: 'no-store', redirect: 'manual',
      headers: { 'X-Strata-Token': meta.getAttribute('content'), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'ref=' + encodeURIComponent(ref) + '&action=' + action
    }).then(function (r) {
      // a session that has ended answers with the sign-in page: not a secret
      if (!r.ok || r.type === 'opaqueredirect' || (r.headers.get('Content-Type') || '').indexOf('text/plain') !== 0) {
        throw new Error('not available (' + r.status + ')');
      }
      return r.text();
    });
  }

  function flash(button, text) {
    var label = button.getAttribute('data-label') || button.textContent;
    button.setAttribute('data-label', label);
    button.textContent = text;
    setTimeout(function () { button.textContent = label; }, 1500);
  }

  function copyText(text) {
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
      if (!ok) { throw new Error('copy refused'); }
    };
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(fallback);
    }
    return new Promise(function (resolve) { fallback(); resolve(); });
  }

  document.addEventListener('click', function (e) {
    var copy = e.target.closest('[data-copy], [data-copy-ref]');
    if (copy) {
      var ref = copy.getAttribute('data-copy-ref');
      var text = ref ? fetchSecret(ref, 'copy') : Promise.resolve(copy.getAttribute('data-copy'));
      text.then(copyText).then(function () { flash(copy, 'Copied'); }, function () { flash(copy, 'Copy failed'); });
    }
    var reveal = e.target.closest('[data-reveal]');
    if (reveal) {
      var target = find(reveal.getAttribute('data-reveal'));
      if (target) {
        if (target.getAttribute('data-shown') === 'true') {
          target.textContent = target.getAttribute('data-masked');
          target.removeAttribute('data-masked');
          target.setAttribute('data-shown', 'false');
          reveal.textContent = 'Reveal';
          reveal.setAttribute('aria-pressed', 'false');
        } else {
          fetchSecret(target.getAttribute('data-secret-ref'), 'reveal').then(function (value) {
            target.setAttribute('data-masked', target.textContent);
            target.textContent = value;
            target.setAttribute('data-shown', 'true');
            reveal.textContent = 'Hide';
            reveal.setAttribute('aria-pressed', 'true');
          }, function () { flash(reveal, 'Not available'); });
        }
      }
    }
  });

  // On a phone tables stack into cards (strata.css): each cell shows its column's name from the header.
  function labelCells(root) {
    var tables = (root || document).querySelectorAll('table.table');
    for (var t = 0; t < tables.length; t++) {
      var heads = tables[t].querySelectorAll('thead th');
      if (!heads.length) { continue; }
      var rows = tables[t].querySelectorAll('tbody tr');
      for (var r = 0; r < rows.length; r++) {
        var cells = rows[r].children;
        for (var c = 0; c < cells.length && c < heads.length; c++) {
          // a header that is there for screen readers only (a column of buttons) labels nothing on screen
          var visible = heads[c].querySelector('.sr-only') ? '' : heads[c].textContent.trim();
          cells[c].setAttribute('data-label', visible);
        }
      }
    }
  }

  // After a form was sent back with errors, the first field in error gets the focus (aria-invalid comes from the server).
  function focusFirstError() {
    var invalid = document.querySelector('[aria-invalid="true"]');
    if (invalid && typeof invalid.focus === 'function') {
      invalid.focus();
    }
  }

  // A box that may scroll sideways (code examples, wide tables) can be scrolled with the keyboard too.
  function focusableScrollers() {
    var boxes = document.querySelectorAll('pre, .table-scroll, .table.keep-table');
    for (var i = 0; i < boxes.length; i++) {
      if (!boxes[i].hasAttribute('tabindex')) { boxes[i].setAttribute('tabindex', '0'); }
    }
  }

  function ready() {
    labelCells(document);
    focusableScrollers();
    focusFirstError();
    // faces.js is loaded after this script on pages with Ajax: hook in once the page is there
    var ajax = (window.faces && window.faces.ajax) || (window.jsf && window.jsf.ajax);
    if (ajax) {
      ajax.addOnEvent(function (data) {
        if (data.status === 'success') {
          labelCells(document);
          // the live status refresh must not steal the focus; a submitted form's errors may
          if (data.source && data.source.id && data.source.id.indexOf(':refresh') < 0) {
            focusFirstError();
          }
        }
      });
    }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', ready);
  } else {
    ready();
  }

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
