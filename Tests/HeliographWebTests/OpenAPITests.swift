import Foundation
import HeliographWeb
import HeliographWebTesting
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct OpenAPITests {
    /// Every served route is documented and every documented operation is served, except the page files and the WebSocket.
    @Test func documentMatchesTheRouter() async throws {
        let fixture = try await WebFixture()
        let served = Set(fixture.server.routeList())
        let undocumented = WebServer.dashboardRoutes.union(["GET /api/v1/live"])
        try await fixture.server.makeApplication().test(.router) { client in
            let answer = try await client.json("/openapi.json")
            #expect(answer.status == .ok)
            let document = try #require(answer.json as? [String: Any])
            #expect(document["openapi"] as? String == "3.0.3")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented = Set<String>()
            for (path, operations) in paths {
                for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            #expect(documented.count > 25)
            #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
            #expect(served.subtracting(documented).subtracting(undocumented).isEmpty, "served but not documented: \(served.subtracting(documented).subtracting(undocumented).sorted())")
            #expect(served.isSuperset(of: undocumented))

            // Every $ref resolves.
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let refs = answer.text.matches(of: /"#\/components\/schemas\/([A-Za-z]+)"/).map { String($0.output.1) }
            #expect(!refs.isEmpty)
            for ref in refs { #expect(schemas[ref] != nil, "missing schema \(ref)") }
        }
    }
}
