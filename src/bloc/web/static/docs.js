// Start Swagger UI on bloc's own OpenAPI document (served locally, no CDN).
window.addEventListener("load", function () {
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: node.getAttribute("data-url"), dom_id: "#swagger-ui" });
});
