// The person picker (views/partials/person-picker.hbs) enhanced with alphagov's accessible-autocomplete:
// suggestions from GET /api/people as the user types; choosing one fills in "Name (REF)", which the
// service reads back. Without this script the same boxes take a typed name, reference or email.
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function loadStyles() {
  if (document.querySelector('link[data-person-picker-styles]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = '/accessible-autocomplete/accessible-autocomplete.min.css';
  link.dataset.personPickerStyles = '';
  document.head.appendChild(link);
}

function suggestionsFor(purpose, id) {
  let latest = 0;
  // Only the answer to what the box still holds: one arriving after a suggestion was chosen would open the list again.
  const current = (asked, query) => asked === latest && document.getElementById(id)?.value === query;
  return (query, populate) => {
    const asked = ++latest;
    fetch(`/api/people?${new URLSearchParams({ q: query, purpose })}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then((res) => (res.ok ? res.json() : []))
      .then((people) => {
        if (current(asked, query)) populate(people);
      })
      .catch(() => current(asked, query) && populate([]));
  };
}

function enhance(input) {
  if (input.dataset.personPickerReady) return;
  const wrapper = document.createElement('div');
  wrapper.className = 'app-person-picker';
  input.parentNode.insertBefore(wrapper, input);
  const { id, name, value } = input;
  const error = input.classList.contains('govuk-input--error');
  // Someone may already be typing when the script arrives: keep their place in the new box.
  const typing = document.activeElement === input;
  const caret = input.selectionStart;
  input.remove();
  window.accessibleAutocomplete({
    element: wrapper,
    id,
    name,
    // What was typed already is put back below, as typing, so that it is searched for.
    defaultValue: typing ? '' : value,
    minLength: 2,
    // Over the page rather than in it: closing the menu must not move the buttons under the pointer.
    displayMenu: 'overlay',
    source: suggestionsFor(input.dataset.personPicker || 'see', id),
    inputClasses: error ? 'govuk-input--error' : null,
    templates: {
      inputValue: (person) => (person ? (typeof person === 'string' ? person : person.label) : ''),
      suggestion: (person) => (typeof person === 'string' ? escape(person) : `${escape(person.label)} <span class="app-person-picker__organisation">${escape(person.organisationName)}</span>`),
    },
    tNoResults: () => 'No one found: check the spelling, or type their employee reference',
  });
  const created = document.getElementById(id);
  if (!created) return;
  created.dataset.personPickerReady = 'true';
  if (typing) {
    created.focus();
    created.value = value;
    created.dispatchEvent(new Event('input', { bubbles: true }));
    // The autocomplete selects all of its text when it gains focus, once it has drawn: put the caret back after that.
    const at = caret ?? value.length;
    setTimeout(() => created.setSelectionRange(at, at), 0);
  }
}

/** "Add another": blank rows beyond the first are hidden until asked for; more rows are added as needed. */
function addAnother(list) {
  const button = list.querySelector('.app-person-picker-list__add');
  if (!button) return;
  const blanks = [...list.querySelectorAll('.app-person-picker-list__row[data-blank]')];
  blanks.slice(1).forEach((row) => (row.hidden = true));
  button.hidden = false;
  button.addEventListener('click', () => {
    const rows = [...list.querySelectorAll('.app-person-picker-list__row')];
    let next = rows.find((row) => row.hidden);
    if (!next) {
      const last = rows[rows.length - 1];
      const n = rows.length + 1;
      const base = list.dataset.personPickerList;
      next = document.createElement('div');
      next.className = 'govuk-form-group app-person-picker-list__row';
      const label = last.querySelector('label').textContent.replace(/\d+\s*$/, String(n));
      next.innerHTML = `<label class="govuk-label" for="${escape(base)}-${n}">${escape(label)}</label>`;
      const input = document.createElement('input');
      input.className = 'govuk-input govuk-!-width-two-thirds';
      input.id = `${base}-${n}`;
      input.name = base;
      input.type = 'text';
      input.autocomplete = 'off';
      input.spellcheck = false;
      input.dataset.personPicker = (last.querySelector('[data-person-picker]') || {}).dataset?.personPicker || 'see';
      next.appendChild(input);
      last.after(next);
      enhance(input);
    }
    next.hidden = false;
    const box = next.querySelector('input[type="text"]');
    if (box) box.focus();
  });
}

export async function initPersonPickers(inputs) {
  loadStyles();
  if (!window.accessibleAutocomplete) await import('/accessible-autocomplete/accessible-autocomplete.min.js');
  if (!window.accessibleAutocomplete) return;
  inputs.forEach(enhance);
  document.querySelectorAll('[data-person-picker-list]').forEach(addAnother);
}
