// Starts Swagger UI from a static file, so /api-docs needs no inline script under our CSP.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // The default validator badge loads an image from an outside service: never, offline.
    validatorUrl: null,
  });
})();
