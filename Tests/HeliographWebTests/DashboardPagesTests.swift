import CompressNIO
import Foundation
import HeliographWeb
import HeliographWebTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Issue 16 items 5 and 8: every page has a path that answers the dashboard (reloads and bookmarks,
/// `/lcars` for the theme), unknown paths stay 404, and the files are gzip, hashed and cached.
/// Over a real socket on 127.0.0.1 (`.live`), as a browser meets them.
@Suite struct DashboardPagesTests {
    static let html: HTTPFields = [.accept: "text/html,application/xhtml+xml"]
    static let pagePaths = [
        "/", "/dashboard", "/devices", "/devices/inv1", "/charts", "/battery", "/house", "/commands", "/automation", "/energy",
        "/lcars", "/charts/lcars", "/house/lcars", "/battery/lcars", "/devices/inv1/lcars",
    ]

    @Test("every page path, with or without /lcars, answers index.html; the API is untouched")
    func pagePathsAnswerTheDashboard() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.live) { client in
            let index = try await client.json("/")
            #expect(index.status == .ok)
            #expect(index.text.contains("<nav id=\"nav\""))
            for path in Self.pagePaths {
                let answer = try await client.json(path, headers: Self.html)
                #expect(answer.status == .ok, "\(path)")
                #expect(answer.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                #expect(answer.text == index.text, "\(path) is not the dashboard")
                #expect(answer.headers[.cacheControl] == "no-cache", "\(path)")
            }
            // The API answers JSON as before, and its errors stay JSON even for a browser.
            let devices = try await client.json("/api/v1/devices", headers: Self.html)
            #expect(devices.status == .ok && (devices.json as? [[String: Any]])?.count == 2)
            let missing = try await client.json("/api/v1/no-such-thing", headers: Self.html)
            #expect(missing.status == .notFound && missing.headers[.contentType] == "application/json; charset=utf-8", "\(missing.text)")
            #expect(try await client.json("/api/v1/devices/nobody").status == .notFound)
            #expect(try await client.json("/openapi.json").status == .ok)
        }
    }

    @Test("unknown paths stay 404: a page listing the real ones for a browser, JSON for other callers")
    func unknownPathsAreNotFound() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.live) { client in
            for path in ["/no/such/page", "/chartz", "/charts/extra", "/lcars/charts", "/devices/inv1/history", "/assets/app.0000000000000000.js"] {
                let page = try await client.json(path, headers: Self.html)
                #expect(page.status == .notFound, "\(path)")
                if path.hasPrefix("/assets/") { continue }
                #expect(page.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                #expect(page.text.contains("No page at \(path)") && page.text.contains("href=\"/charts\"") && page.text.contains("/lcars"), "\(path)")
                let api = try await client.json(path)
                #expect(api.status == .notFound && (api.json as? [String: Any])?["error"] != nil, "\(path): \(api.text)")
            }
            // What the path says is shown as text, never as markup.
            let hostile = try await client.json("/%3Cscript%3Ealert(1)%3C%2Fscript%3E", headers: Self.html)
            #expect(hostile.status == .notFound && !hostile.text.contains("<script>"))
        }
    }

    @Test("index.html links its scripts and styles under content-hashed names, cached for a year")
    func hashedNamesInIndex() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.live) { client in
            let index = try await client.json("/").text
            let links = index.matches(of: /(?:src|href)="(\/assets\/([a-z-]+)\.([0-9a-f]{16})\.(js|css|svg))"/).map { String($0.output.1) }
            let names = ["app.css", "lcars.css", "energy.css", "favicon.svg", "router.js", "chart-axis.js", "chart.js", "field-picker.js", "charts-page.js", "energy.js", "app.js"]
            #expect(Set(links.map { $0.replacing(/\.[0-9a-f]{16}/, with: "") }) == Set(names.map { "/assets/" + $0 }), "\(links)")
            #expect(!index.contains("src=\"/app.js\"") && !index.contains("href=\"/app.css\""))
            for link in links {
                let answer = try await client.json(link)
                #expect(answer.status == .ok, "\(link)")
                #expect(answer.headers[.cacheControl] == "public, max-age=31536000, immutable", "\(link)")
                #expect(answer.text.count > 100, "\(link)")
                // The name's hash is the body's: a changed file gets a new name.
                let hash = String(link.split(separator: ".").dropLast().last ?? "")
                #expect(answer.headers[.eTag] == "\"\(hash)\"", "\(link)")
            }
            // The plain names still answer, for pages from before, revalidated each time.
            for plain in ["/app.js", "/chart.js", "/router.js", "/app.css", "/lcars.css", "/favicon.svg"] {
                let answer = try await client.json(plain)
                #expect(answer.status == .ok && answer.headers[.cacheControl] == "no-cache" && answer.headers[.eTag] != nil, "\(plain)")
            }
        }
    }

    @Test("If-None-Match with the ETag answers 304 without a body; another tag gets the file")
    func entityTagsRevalidate() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.live) { client in
            let index = try await client.json("/")
            let script = try #require(index.text.firstMatch(of: /src="(\/assets\/app\.[0-9a-f]+\.js)"/)).output.1
            for path in ["/", "/charts", String(script)] {
                let first = try await client.json(path)
                let tag = try #require(first.headers[.eTag], "\(path)")
                let again = try await client.json(path, headers: [.ifNoneMatch: tag])
                #expect(again.status == .notModified, "\(path)")
                #expect(again.text.isEmpty && again.headers[.eTag] == tag, "\(path)")
                #expect(try await client.json(path, headers: [.ifNoneMatch: "W/\(tag), \"other\""]).status == .notModified, "\(path): weak form in a list")
                let changed = try await client.json(path, headers: [.ifNoneMatch: "\"0123456789abcdef\""])
                #expect(changed.status == .ok && changed.text == first.text, "\(path)")
            }
        }
    }

    @Test("gzip when the browser accepts it (not with q=0), with Vary, and it unpacks to the same bytes")
    func gzipIsNegotiated() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.live) { client in
            let index = try await client.json("/")
            let script = String(try #require(index.text.firstMatch(of: /src="(\/assets\/app\.[0-9a-f]+\.js)"/)).output.1)
            for path in ["/", script] {
                let plain = try await client.raw(path, acceptEncoding: nil)
                #expect(plain.headers[.contentEncoding] == nil && plain.headers[.vary] == "Accept-Encoding", "\(path)")
                let zipped = try await client.raw(path, acceptEncoding: "gzip, deflate, br")
                #expect(zipped.headers[.contentEncoding] == "gzip", "\(path)")
                #expect(zipped.body.count * 2 < plain.body.count, "\(path): \(zipped.body.count) of \(plain.body.count) bytes")
                #expect(try Self.gunzip(zipped.body) == plain.body, "\(path)")
                #expect(zipped.headers[.eTag] != plain.headers[.eTag], "\(path): the two encodings are different bytes")
                // Revalidating the gzip copy works with either tag.
                let revalidated = try await client.raw(path, acceptEncoding: "gzip", ifNoneMatch: zipped.headers[.eTag])
                #expect(revalidated.status == .notModified, "\(path)")
                #expect(try await client.raw(path, acceptEncoding: "gzip;q=0, identity").headers[.contentEncoding] == nil, "\(path)")
                #expect(try await client.raw(path, acceptEncoding: "*").headers[.contentEncoding] == "gzip", "\(path)")
            }
        }
    }

    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        let inflated = try buffer.decompress(with: .gzip())
        return Array(inflated.readableBytesView)
    }
}

extension TestClientProtocol {
    /// A GET returning the body's bytes as sent (the test client does not unpack gzip).
    func raw(_ uri: String, acceptEncoding: String?, ifNoneMatch: String? = nil) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8]) {
        var headers = HTTPFields()
        if let acceptEncoding { headers[.acceptEncoding] = acceptEncoding }
        if let ifNoneMatch { headers[.ifNoneMatch] = ifNoneMatch }
        return try await execute(uri: uri, method: .get, headers: headers, body: nil) { response in
            (response.status, response.headers, Array(response.body.readableBytesView))
        }
    }
}
