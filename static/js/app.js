// Starts GOV.UK Frontend's components (error summary focus, header menu,
// character counts) from a static file, so pages need no inline script.
import { initAll } from "/static/dist/govuk-frontend.min.js";

initAll();

// A wide table whose latest columns matter most (the ratings matrix, earliest
// visit first) opens scrolled to its right-hand end when it is wider than its box.
for (const region of document.querySelectorAll('[data-module="app-scroll-to-end"]')) {
  region.scrollLeft = region.scrollWidth;
}

// The import's reading page: ask every few seconds, in the background, whether the
// reading is done, and only then load the page again, which goes on to the review
// page or back to the start page with the reason.
for (const waiting of document.querySelectorAll('[data-module="app-wait-for-reading"]')) {
  const every = 1000 * Number(waiting.dataset.checkEvery || 2);
  const check = async () => {
    try {
      const response = await fetch(window.location.href, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok && (await response.json()).done) {
        window.location.reload();
        return;
      }
    } catch (error) {
      // A dropped connection is tried again at the next check.
    }
    window.setTimeout(check, every);
  };
  window.setTimeout(check, every);
}
