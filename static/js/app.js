// Starts GOV.UK Frontend's components (error summary focus, header menu,
// character counts) from a static file, so pages need no inline script.
import { initAll } from "/static/dist/govuk-frontend.min.js";

initAll();

// A wide table whose latest columns matter most (the ratings matrix, earliest
// visit first) opens scrolled to its right-hand end when it is wider than its box.
for (const region of document.querySelectorAll('[data-module="app-scroll-to-end"]')) {
  region.scrollLeft = region.scrollWidth;
}
