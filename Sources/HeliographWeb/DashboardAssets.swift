import CompressNIO
import Crypto
import Foundation
import NIOCore

/// One file of the dashboard as served: its bytes, their gzip form and a name carrying its content hash.
struct DashboardAsset: Sendable {
    /// The file's plain name, e.g. `app.js`.
    let name: String
    let contentType: String
    let body: [UInt8]
    /// The gzip form; nil when gzip would not make the file smaller (the SVG icon).
    let gzipped: [UInt8]?
    /// The first 8 bytes of the body's SHA-256, in hex: names the version, so it can be cached for good.
    let hash: String

    init(name: String, contentType: String, body: [UInt8]) {
        self.name = name
        self.contentType = contentType
        self.body = body
        self.hash = SHA256.hash(data: body).prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        let compressed = Self.gzip(body)
        self.gzipped = compressed.count < body.count ? compressed : nil
    }

    /// `/assets/app.3f2a9c1b5d7e0a42.js`: the path under which this version never changes.
    var hashedPath: String {
        guard let dot = name.lastIndex(of: ".") else { return "/assets/\(name).\(hash)" }
        return "/assets/\(name[..<dot]).\(hash)\(name[dot...])"
    }

    /// The strong validator of the identity form; the gzip form's adds `-gzip`, as the two differ in bytes.
    var entityTag: String { "\"\(hash)\"" }

    /// gzip at its best level: done once per process, so the extra time costs nothing per request.
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        let compressor = CompressionAlgorithm.gzip(configuration: .init(compressionLevel: .bestCompression)).compressor
        do {
            try compressor.startStream()
            defer { try? compressor.finishStream() }
            var output = ByteBuffer()
            output.reserveCapacity(compressor.maxSize(from: input))
            try compressor.streamDeflate(from: &input, to: &output, flush: .finish)
            return Array(output.readableBytesView)
        } catch {
            return bytes  // not smaller, so the file is served uncompressed
        }
    }
}

/// The dashboard's files, read from the binary and prepared once: hashed names, gzip, and an
/// index.html whose links point at the hashed names (so a new release's files are fetched at once,
/// while unchanged ones stay in the browser's cache for a year).
struct DashboardAssets: Sendable {
    /// The files index.html links to (and favicon), by plain name.
    let files: [String: DashboardAsset]
    /// Each file under its hashed path.
    let byHashedPath: [String: DashboardAsset]
    /// index.html with hashed links.
    let index: DashboardAsset

    /// Prepared on first use (the first request, or the server's start), then shared.
    static let shared = DashboardAssets(
        files: [
            DashboardAsset(name: "app.css", contentType: "text/css; charset=utf-8", body: PackageResources.app_css),
            DashboardAsset(name: "lcars.css", contentType: "text/css; charset=utf-8", body: PackageResources.lcars_css),
            DashboardAsset(name: "router.js", contentType: "text/javascript; charset=utf-8", body: PackageResources.router_js),
            DashboardAsset(name: "chart-axis.js", contentType: "text/javascript; charset=utf-8", body: PackageResources.chart_axis_js),
            DashboardAsset(name: "chart.js", contentType: "text/javascript; charset=utf-8", body: PackageResources.chart_js),
            DashboardAsset(name: "field-picker.js", contentType: "text/javascript; charset=utf-8", body: PackageResources.field_picker_js),
            DashboardAsset(name: "charts-page.js", contentType: "text/javascript; charset=utf-8", body: PackageResources.charts_page_js),
            DashboardAsset(name: "energy.js", contentType: "text/javascript; charset=utf-8", body: PackageResources.energy_js),
            DashboardAsset(name: "energy.css", contentType: "text/css; charset=utf-8", body: PackageResources.energy_css),
            DashboardAsset(name: "app.js", contentType: "text/javascript; charset=utf-8", body: PackageResources.app_js),
            DashboardAsset(name: "favicon.svg", contentType: "image/svg+xml", body: PackageResources.favicon_svg),
        ],
        indexHTML: PackageResources.index_html
    )

    init(files: [DashboardAsset], indexHTML: [UInt8]) {
        self.files = Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0) })
        self.byHashedPath = Dictionary(uniqueKeysWithValues: files.map { ($0.hashedPath, $0) })
        var html = String(decoding: indexHTML, as: UTF8.self)
        for file in files {
            for attribute in ["href", "src"] {
                html = html.replacingOccurrences(of: "\(attribute)=\"/\(file.name)\"", with: "\(attribute)=\"\(file.hashedPath)\"")
            }
        }
        self.index = DashboardAsset(name: "index.html", contentType: "text/html; charset=utf-8", body: Array(html.utf8))
    }
}
