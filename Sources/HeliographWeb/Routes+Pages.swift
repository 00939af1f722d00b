import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard: one HTML shell plus its scripts and styles, compiled into the binary.
///
/// Every page has a path (`/`, `/devices`, `/devices/{device}`, `/charts`, …) answered with index.html,
/// so reloads and bookmarks work; the same path ending in `/lcars` selects the LCARS theme. Scripts and
/// styles live under content-hashed names (`/assets/app.<hash>.js`) cached for a year; index.html is
/// revalidated on each load (`no-cache`, answered 304 while unchanged). Everything is sent gzip when
/// the browser accepts it, compressed once per process.
extension WebAPI {
    /// The dashboard's pages; router.js keeps the same list.
    static let pageNames = ["dashboard", "devices", "charts", "battery", "house", "commands", "automation", "energy"]
    /// A page path ending in this segment selects the LCARS theme (`/lcars`, `/charts/lcars`), as the MPP-Solar dashboard's did.
    static let themeSuffix = "lcars"

    /// Routes that serve the dashboard rather than the API; not part of the API description.
    static var pagePaths: Set<String> {
        var paths: Set<String> = ["/", "/index.html", "/\(themeSuffix)", "/devices/{device}", "/devices/{device}/\(themeSuffix)", "/assets/{file}"]
        for page in pageNames {
            paths.insert("/\(page)")
            paths.insert("/\(page)/\(themeSuffix)")
        }
        for name in DashboardAssets.shared.files.keys { paths.insert("/\(name)") }
        return paths
    }

    func addPageRoutes(to router: Router<WebRequestContext>) {
        let assets = DashboardAssets.shared
        for path in Self.pagePaths where path != "/assets/{file}" && !assets.files.keys.contains(String(path.dropFirst())) {
            router.get(RouterPath(path)) { request, _ in Self.serve(assets.index, to: request, cache: "no-cache") }
        }
        // The plain names stay for links from before the hashed names (revalidated each time).
        for asset in assets.files.values {
            router.get(RouterPath("/\(asset.name)")) { request, _ in Self.serve(asset, to: request, cache: "no-cache") }
        }
        router.get("/assets/{file}") { request, _ in
            guard let asset = assets.byHashedPath[request.uri.path] else {
                throw HTTPError(.notFound, message: "no such asset (the page may be from an older version: reload it)")
            }
            return Self.serve(asset, to: request, cache: "public, max-age=31536000, immutable")
        }
    }

    /// The asset, or 304 when the browser's copy is current; gzip when accepted.
    static func serve(_ asset: DashboardAsset, to request: Request, cache: String) -> Response {
        let gzip = asset.gzipped != nil && HTTPNegotiation.acceptsGzip(request.headers[.acceptEncoding])
        var headers = HTTPFields()
        headers[.contentType] = asset.contentType
        headers[.cacheControl] = cache
        headers[.eTag] = gzip ? "\"\(asset.hash)-gzip\"" : asset.entityTag
        if asset.gzipped != nil { headers[.vary] = "Accept-Encoding" }
        if HTTPNegotiation.matches(request.headers[.ifNoneMatch], hash: asset.hash) {
            return Response(status: .notModified, headers: headers)
        }
        let body = gzip ? asset.gzipped ?? asset.body : asset.body
        if gzip { headers[.contentEncoding] = "gzip" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Reading the request headers that choose a representation. Pure.
enum HTTPNegotiation {
    /// Whether `Accept-Encoding` allows gzip: listed (or `*`) without `q=0`.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var star: Bool?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if coding == "gzip" || coding == "x-gzip" { return quality > 0 }
            if coding == "*" { star = quality > 0 }
        }
        return star ?? false
    }

    /// Whether `If-None-Match` names this version (either encoding's tag, weak or strong, or `*`).
    static func matches(_ header: String?, hash: String) -> Bool {
        guard let header else { return false }
        for item in header.split(separator: ",") {
            var tag = item.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            if tag == "\"\(hash)\"" || tag == "\"\(hash)-gzip\"" { return true }
        }
        return false
    }
}
