import Foundation
import HeliographCore

/// Where and how to write: the URL of the server and which of its two write APIs to use.
public struct InfluxDBEndpoint: Sendable, Hashable {
    public enum API: Sendable, Hashable {
        /// InfluxDB 1.x: `POST /write?db=…&rp=…&precision=ns`, optional basic authentication.
        case v1(database: String, retentionPolicy: String?, username: String?, password: String?)
        /// InfluxDB 2.x/3.x (and 1.8+ compatibility): `POST /api/v2/write?org=…&bucket=…&precision=ns`
        /// with `Authorization: Token …`.
        case v2(organization: String, bucket: String, token: String)
    }

    /// Base URL, e.g. `http://127.0.0.1:8086` (a path prefix behind a proxy is kept).
    public var url: URL
    public var api: API

    public init(url: URL, api: API) {
        self.url = url
        self.api = api
    }

    /// The full write URL with its query.
    public var writeURL: String {
        var base = url.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        switch api {
        case .v1(let database, let retentionPolicy, _, _):
            var query = "db=\(Self.encode(database))&precision=ns"
            if let retentionPolicy { query += "&rp=\(Self.encode(retentionPolicy))" }
            return base + "/write?" + query
        case .v2(let organization, let bucket, _):
            return base + "/api/v2/write?org=\(Self.encode(organization))&bucket=\(Self.encode(bucket))&precision=ns"
        }
    }

    /// The `Authorization` header, if any: Basic for v1 credentials, Token for v2.
    public var authorization: String? {
        switch api {
        case .v1(_, _, let username?, let password):
            return "Basic " + Data("\(username):\(password ?? "")".utf8).base64EncodedString()
        case .v1:
            return nil
        case .v2(_, _, let token):
            return "Token \(token)"
        }
    }

    /// For logs: the write URL without credentials.
    public var description: String { writeURL }

    private static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
