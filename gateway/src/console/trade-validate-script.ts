/**
 * The trade form's live check (console asset `trade-validate.js`): on input (debounced) and when a field is left, the
 * form is posted to `data-validate` (`POST /trades/new/validate`, CSRF token included) and each error the answer
 * names is shown at its field, tied to it by aria-describedby and aria-invalid. Only fields the person has touched
 * show errors. No rule lives here: the gateway judges with the API's schema and the chaincode's rules. Without
 * JavaScript, or when the check cannot be reached, the form is judged on submit as before.
 */
export const TRADE_VALIDATE_JS = `'use strict';
(function () {
  var form = document.querySelector('form[data-validate]');
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var url = form.getAttribute('data-validate');
  var touched = {};
  var timer = null;
  var asked = 0;
  function describedBy(control, errorId, on) {
    var ids = (control.getAttribute('aria-describedby') || '').split(' ').filter(function (id) {
      return id !== '' && id !== errorId;
    });
    if (on) ids.push(errorId);
    if (ids.length > 0) control.setAttribute('aria-describedby', ids.join(' '));
    else control.removeAttribute('aria-describedby');
  }
  function show(fields) {
    form.querySelectorAll('input[id], select[id]').forEach(function (control) {
      if (control.type === 'hidden' || !touched[control.id]) return;
      var errorId = control.id + '-error';
      var error = document.getElementById(errorId);
      var message = Object.prototype.hasOwnProperty.call(fields, control.id) ? fields[control.id] : '';
      if (message) {
        if (!error) {
          error = document.createElement('p');
          error.id = errorId;
          error.className = 'error field-error';
          error.setAttribute('data-live', '');
          control.parentNode.appendChild(error);
        }
        error.textContent = message;
        control.setAttribute('aria-invalid', 'true');
      } else {
        if (error) error.remove();
        control.removeAttribute('aria-invalid');
      }
      describedBy(control, errorId, Boolean(message));
    });
  }
  function check() {
    var mine = ++asked;
    var data = new URLSearchParams(new FormData(form));
    data.delete('op');
    fetch(url, { method: 'POST', body: data, credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (answer) {
        // an older answer arriving late must not undo a newer one
        if (answer && mine === asked) show(answer.fields || {});
      })
      // unreachable: the submit still checks everything
      .catch(function () { return null; });
  }
  function later(event) {
    var target = event.target;
    if (!target || !target.id || target.type === 'hidden') return;
    touched[target.id] = true;
    clearTimeout(timer);
    timer = setTimeout(check, event.type === 'input' ? 300 : 0);
  }
  form.addEventListener('input', later);
  form.addEventListener('change', later);
  form.addEventListener('focusout', later);
})();
`;
