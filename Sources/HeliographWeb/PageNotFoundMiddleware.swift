import HTTPTypes
import Hummingbird

/// Answers a GET of a path the server does not know with a small HTML page that says so and links to
/// every page, instead of a bare JSON error, when a browser asked for it (a mistyped or old bookmark).
/// API paths, and callers that did not ask for HTML, keep the JSON error.
struct PageNotFoundMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && Self.wantsPage(request) {
            return Self.page(for: request.uri.path)
        }
    }

    static func wantsPage(_ request: Request) -> Bool {
        let path = request.uri.path
        return request.method == .get && !path.hasPrefix("/api/") && !path.hasPrefix("/assets/") && (request.headers[.accept] ?? "").contains("text/html")
    }

    static func page(for path: String) -> Response {
        let links = WebAPI.pageNames.map { page in
            let href = page == "dashboard" ? "/" : "/\(page)"
            return "<li><a href=\"\(href)\">\(href)</a> \(page.prefix(1).uppercased() + page.dropFirst())</li>"
        }.joined()
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Not found · Heliograph</title><link rel="icon" href="\(DashboardAssets.shared.files["favicon.svg"]?.hashedPath ?? "/favicon.svg")" type="image/svg+xml"></head><body><h1>No page at \(escape(path))</h1>
            <p>Heliograph's pages are:</p><ul>\(links)</ul>
            <p>Add <code>/lcars</code> to a page's path for the LCARS theme (<a href="/charts/lcars">/charts/lcars</a>).
            The API is under <a href="/openapi.json">/api/v1</a>.</p></body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .notFound, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
