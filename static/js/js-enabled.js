// Runs first in <body>: tells govuk-frontend's styles that scripts will run, so
// components such as the header menu render in their scripted form.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
