// Starts Swagger UI for /api/docs from a static file, so the page needs no inline script (CSP).
// The settings (openapi.json address, validatorUrl null: nothing is fetched from the internet)
// come from the data attributes of #swagger-ui, written by templates/ninja/wuxiao_swagger.html.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  var config = JSON.parse(root.dataset.settings || "{}");
  var csrfToken = root.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset].filter(Boolean);
  if (csrfToken) {
    // Session-authenticated "Try it out" calls with unsafe methods need Django's CSRF token.
    config.requestInterceptor = function (request) {
      request.headers["X-CSRFToken"] = csrfToken;
      return request;
    };
  }
  window.wuxiaoSwaggerUI = SwaggerUIBundle(config);
})();
