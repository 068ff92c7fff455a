/// The web app's files, compiled into the binary (SwiftPM `embedInCode`), by URL name.
enum WebAssets {
    struct Asset {
        let bytes: [UInt8]
        let contentType: String
    }

    private static let files: [String: Asset] = [
        "index.html": Asset(bytes: PackageResources.index_html, contentType: "text/html; charset=utf-8"),
        "style.css": Asset(bytes: PackageResources.style_css, contentType: "text/css; charset=utf-8"),
        "app.js": Asset(bytes: PackageResources.app_js, contentType: "text/javascript; charset=utf-8"),
        "timeline.js": Asset(bytes: PackageResources.timeline_js, contentType: "text/javascript; charset=utf-8"),
        "details.js": Asset(bytes: PackageResources.details_js, contentType: "text/javascript; charset=utf-8"),
        "format.js": Asset(bytes: PackageResources.format_js, contentType: "text/javascript; charset=utf-8"),
    ]

    static func file(named name: String) -> Asset? { files[name] }
    static var names: [String] { files.keys.sorted() }
}
