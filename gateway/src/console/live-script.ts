import { LIVE_LIST_ID } from './views/live';

/** The header of a list page's own refresh: the console reads the session without touching it (router.ts `visit`). */
export const LIVE_REFRESH_HEADER = 'x-console-live';

/**
 * The list pages' live updates (views/live.ts renders what it needs): an EventSource on the page's own event stream
 * (`/console/events/stream`, by the session cookie); on an event about the list it fetches the page's own URL (its
 * filters and cursor kept) with the live-refresh header, swaps the list in place, marks new and changed rows and says
 * so in the polite live region. The browser's EventSource reconnects after a drop with `Last-Event-ID`; a stream that
 * could not be reopened is opened again after a backoff, with one refresh for what it missed. A `stream-ended` event
 * or a refresh sent to the sign-in page (session over, key revoked) stops it all. Served as /console/assets/live.js.
 */
export const LIVE_JS = `'use strict';
(function () {
  var list = document.getElementById('${LIVE_LIST_ID}');
  var status = document.getElementById('live-status');
  if (!list || !status || typeof EventSource !== 'function' || typeof fetch !== 'function') return;
  var types = (list.getAttribute('data-live-events') || '').split(' ').filter(Boolean);
  var source = null;
  var busy = false;
  var again = false;
  var ended = false;
  var retryMs = 1000;

  function say(text) { status.textContent = text; }
  function state(name) { list.setAttribute('data-live-state', name); }
  function keyOf(row) {
    var head = row.querySelector('th[scope="row"]');
    return head ? head.textContent.trim() : '';
  }
  function textOf(row) { return row.textContent.replace(/\\s+/g, ' ').trim(); }
  function rows() { return Array.prototype.slice.call(list.querySelectorAll('[data-live-rows] tr')); }

  function end() {
    ended = true;
    if (source) source.close();
    state('ended');
    say(status.getAttribute('data-ended'));
  }

  function swap(fresh) {
    var before = {};
    rows().forEach(function (row) { before[keyOf(row)] = textOf(row); });
    var focused = list.contains(document.activeElement) ? document.activeElement.getAttribute('href') : null;
    list.innerHTML = fresh.innerHTML;
    var added = 0;
    var changed = 0;
    rows().forEach(function (row) {
      var key = keyOf(row);
      if (!Object.prototype.hasOwnProperty.call(before, key)) {
        row.classList.add('live-new');
        added += 1;
      } else if (before[key] !== textOf(row)) {
        row.classList.add('live-changed');
        changed += 1;
      }
    });
    if (focused) {
      var link = list.querySelector('a[href="' + CSS.escape(focused) + '"]');
      if (link) link.focus();
    }
    if (added + changed > 0) {
      say(status.getAttribute('data-updated').replace('{added}', added).replace('{changed}', changed));
    }
  }

  // one refresh at a time; events during one ask for one more after it
  function refresh() {
    if (ended) return;
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { headers: { '${LIVE_REFRESH_HEADER}': '1' }, credentials: 'same-origin' })
      .then(function (res) {
        if (res.redirected && new URL(res.url).pathname === '/sign-in') { end(); return null; }
        return res.ok ? res.text() : null;
      })
      .then(function (text) {
        if (text === null || ended) return;
        var fresh = new DOMParser().parseFromString(text, 'text/html').getElementById('${LIVE_LIST_ID}');
        if (fresh) swap(fresh);
      })
      .catch(function () {
        // a failed refresh leaves the list as it was: the next event or reconnect refreshes it again
      })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  function open() {
    var first = true;
    source = new EventSource('/console/events/stream');
    source.addEventListener('open', function () {
      state('open');
      retryMs = 1000;
      if (status.textContent === status.getAttribute('data-interrupted')) say('');
      // what was written between the page's rendering (or the last stream) and now came on no stream
      if (first) { first = false; refresh(); }
    });
    source.addEventListener('stream-ended', end);
    types.forEach(function (type) { source.addEventListener(type, refresh); });
    source.addEventListener('error', function () {
      if (ended || source.readyState !== EventSource.CLOSED) return;
      state('closed');
      say(status.getAttribute('data-interrupted'));
      refresh();
      setTimeout(function () { if (!ended) open(); }, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    });
  }

  open();
})();
`;
