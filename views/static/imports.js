// Progress for imports (the pages work without it). The upload shows how much of the file has
// been sent, then that it is being checked; confirming shows that the import is running.
(function () {
  'use strict';

  function show(region, message) {
    region.hidden = false;
    region.textContent = message;
  }

  var upload = document.querySelector('form[data-upload-progress]');
  var uploadStatus = document.getElementById('upload-progress');
  if (upload && uploadStatus && window.FormData && window.XMLHttpRequest) {
    upload.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = upload.querySelector('button[type=submit]');
      if (button) button.disabled = true;
      var request = new XMLHttpRequest();
      request.open('POST', upload.action);
      var token = upload.querySelector('input[name=_csrf]');
      if (token) request.setRequestHeader('X-CSRF-Token', token.value);
      request.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) show(uploadStatus, 'Uploading the file: ' + Math.round((e.loaded / e.total) * 100) + '%');
      });
      request.upload.addEventListener('load', function () {
        show(uploadStatus, 'Checking the file. Large files can take a minute: please keep this page open.');
      });
      request.addEventListener('load', function () {
        // After the 303 redirect to the preview, go there; a form with errors is shown as it came.
        if (request.responseURL && request.responseURL.indexOf('/imports/new') === -1) {
          window.location.assign(request.responseURL);
        } else {
          document.open();
          document.write(request.responseText);
          document.close();
        }
      });
      request.addEventListener('error', function () {
        if (button) button.disabled = false;
        show(uploadStatus, 'The file could not be uploaded. Check your connection and try again.');
      });
      show(uploadStatus, 'Uploading the file: 0%');
      request.send(new FormData(upload));
    });
  }

  var confirmStatus = document.getElementById('confirm-progress');
  var confirmForms = document.querySelectorAll('form[data-progress-message]');
  for (var i = 0; i < confirmForms.length; i++) {
    confirmForms[i].addEventListener('submit', function (event) {
      if (confirmStatus) show(confirmStatus, event.target.getAttribute('data-progress-message'));
    });
  }
})();
