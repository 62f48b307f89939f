// Copies the parts of govuk-frontend the pages load at run time into static/dist:
// its script (an ES module) and its images. Fonts are not copied: the service
// uses the system's own fonts.
import { cpSync, mkdirSync } from "node:fs";

const from = "node_modules/govuk-frontend/dist/govuk";
mkdirSync("static/dist/assets", { recursive: true });
cpSync(`${from}/govuk-frontend.min.js`, "static/dist/govuk-frontend.min.js");
cpSync(`${from}/assets/images`, "static/dist/assets/images", { recursive: true });
cpSync(`${from}/assets/manifest.json`, "static/dist/assets/manifest.json");
