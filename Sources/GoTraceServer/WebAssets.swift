/// The web app's files, compiled into the binary (SwiftPM `embedInCode`), by URL name.
enum WebAssets {
    struct Asset {
        let bytes: [UInt8]
        let contentType: String
    }

    private static let files: [String: Asset] = [
        "timeline.html": Asset(bytes: PackageResources.timeline_html, contentType: "text/html; charset=utf-8"),
        "page.html": Asset(bytes: PackageResources.page_html, contentType: "text/html; charset=utf-8"),
        "pages.js": Asset(bytes: PackageResources.pages_js, contentType: "text/javascript; charset=utf-8"),
        "flame.js": Asset(bytes: PackageResources.flame_js, contentType: "text/javascript; charset=utf-8"),
        "chart.js": Asset(bytes: PackageResources.chart_js, contentType: "text/javascript; charset=utf-8"),
        "style.css": Asset(bytes: PackageResources.style_css, contentType: "text/css; charset=utf-8"),
        "app.js": Asset(bytes: PackageResources.app_js, contentType: "text/javascript; charset=utf-8"),
        "timeline.js": Asset(bytes: PackageResources.timeline_js, contentType: "text/javascript; charset=utf-8"),
        "details.js": Asset(bytes: PackageResources.details_js, contentType: "text/javascript; charset=utf-8"),
        "format.js": Asset(bytes: PackageResources.format_js, contentType: "text/javascript; charset=utf-8"),
    ]

    static func file(named name: String) -> Asset? { files[name] }
    static var names: [String] { files.keys.sorted() }
}
