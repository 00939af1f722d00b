import Hummingbird

/// The dashboard: one HTML shell plus its scripts and styles, compiled into the binary.
extension WebAPI {
    /// Paths of the embedded UI files; not part of the API description.
    static let pagePaths: Set<String> = [
        "/", "/index.html", "/app.css", "/lcars.css", "/app.js", "/chart-axis.js", "/chart.js", "/field-picker.js", "/charts-page.js", "/energy.js", "/energy.css", "/favicon.svg",
    ]

    func addPageRoutes(to router: Router<WebRequestContext>) {
        let html = "text/html; charset=utf-8"
        router.get("/") { _, _ in Self.bytes(PackageResources.index_html, contentType: html) }
        router.get("/index.html") { _, _ in Self.bytes(PackageResources.index_html, contentType: html) }
        router.get("/app.css") { _, _ in Self.bytes(PackageResources.app_css, contentType: "text/css; charset=utf-8") }
        router.get("/lcars.css") { _, _ in Self.bytes(PackageResources.lcars_css, contentType: "text/css; charset=utf-8") }
        router.get("/app.js") { _, _ in Self.bytes(PackageResources.app_js, contentType: "text/javascript; charset=utf-8") }
        router.get("/chart-axis.js") { _, _ in Self.bytes(PackageResources.chart_axis_js, contentType: "text/javascript; charset=utf-8") }
        router.get("/chart.js") { _, _ in Self.bytes(PackageResources.chart_js, contentType: "text/javascript; charset=utf-8") }
        router.get("/field-picker.js") { _, _ in Self.bytes(PackageResources.field_picker_js, contentType: "text/javascript; charset=utf-8") }
        router.get("/charts-page.js") { _, _ in Self.bytes(PackageResources.charts_page_js, contentType: "text/javascript; charset=utf-8") }
        router.get("/energy.js") { _, _ in Self.bytes(PackageResources.energy_js, contentType: "text/javascript; charset=utf-8") }
        router.get("/energy.css") { _, _ in Self.bytes(PackageResources.energy_css, contentType: "text/css; charset=utf-8") }
        router.get("/favicon.svg") { _, _ in Self.bytes(PackageResources.favicon_svg, contentType: "image/svg+xml") }
    }
}
