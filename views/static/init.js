import { initAll } from '/govuk/govuk-frontend.min.js';
initAll();
// Person boxes become an autocomplete (views/static/person-picker.js), only on pages that have them.
const personPickers = document.querySelectorAll('input[data-person-picker]');
if (personPickers.length > 0) import('/static/person-picker.js').then((picker) => picker.initPersonPickers(personPickers));
