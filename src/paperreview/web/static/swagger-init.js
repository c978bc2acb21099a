// Swagger UI for /openapi.json, from the swagger-ui-bundle package's files (no CDN).
// That Swagger UI (4.x) reads OpenAPI 3.0 only; FastAPI writes 3.1, whose subset used here it
// renders fine, so the version field is relabelled for display (/openapi.json itself is unchanged).
"use strict";
window.addEventListener("DOMContentLoaded", async () => {
  const spec = await (await fetch("/openapi.json")).json();
  if (String(spec.openapi || "").startsWith("3.1")) spec.openapi = "3.0.3";
  window.ui = SwaggerUIBundle({spec: spec, dom_id: "#swagger-ui", deepLinking: true,
    validatorUrl: null, presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"});
});
