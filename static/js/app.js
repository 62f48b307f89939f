// Starts GOV.UK Frontend's components (error summary focus, header menu,
// character counts) from a static file, so pages need no inline script.
import { initAll } from "/static/dist/govuk-frontend.min.js";

initAll();
