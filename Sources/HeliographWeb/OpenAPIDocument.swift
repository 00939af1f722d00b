import Foundation

/// The OpenAPI 3.0 description served at `/openapi.json`. A test checks that it lists exactly the
/// routes the router serves (less the page files and the WebSocket), so the two cannot drift apart.
enum OpenAPIDocument {
    struct Parameter {
        var name: String
        var location = "query"
        var required = false
        var schema: [String: Any]
        var description: String
    }

    struct Operation {
        var method: String
        var path: String
        var summary: String
        var tag: String
        var parameters: [Parameter] = []
        var body: String?
        var response: [String: Any]
        var successStatus = "200"
        var secured = false
        var errors: [String] = ["400"]
        var produces = "application/json"
    }

    // MARK: Parameters used by several routes

    private static var device: Parameter { Parameter(name: "device", location: "path", required: true, schema: deviceSchema, description: "Device id") }
    private static var serial: Parameter { Parameter(name: "serial", location: "path", required: true, schema: ["type": "string", "minLength": 1], description: "Inverter serial or device id") }
    private static var from: Parameter { Parameter(name: "from", schema: ["type": "string"], description: "Start, ISO 8601 or Unix seconds (default: to − 24 h)") }
    private static var to: Parameter { Parameter(name: "to", schema: ["type": "string"], description: "End, ISO 8601 or Unix seconds (default: now)") }
    private static var deviceSchema: [String: Any] { ["type": "string", "pattern": "^[a-z0-9_-]{1,64}$"] }

    private static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
    private static func array(_ item: [String: Any]) -> [String: Any] { ["type": "array", "items": item] }

    static var operations: [Operation] {
        [
        Operation(method: "GET", path: "/api/v1/devices", summary: "Every known device with its fields and settings", tag: "devices", response: array(ref("Device")), errors: []),
        Operation(method: "GET", path: "/api/v1/devices/{device}", summary: "One device", tag: "devices", parameters: [device], response: ref("Device"), errors: ["400", "404"]),
        Operation(method: "GET", path: "/api/v1/devices/{device}/latest", summary: "Newest value of every field of a device", tag: "devices", parameters: [device], response: ref("Sample"), errors: ["400", "404"]),
        Operation(method: "GET", path: "/api/v1/latest", summary: "Newest sample of every device", tag: "devices", response: array(ref("Sample")), errors: []),
        Operation(method: "GET", path: "/api/v1/flow", summary: "Site power balance: PV, battery, grid, load", tag: "devices", response: ref("PowerFlow"), errors: []),
        Operation(method: "GET", path: "/api/v1/stats", summary: "Store and server statistics", tag: "system", response: ref("Stats"), errors: []),
        Operation(
            method: "GET", path: "/api/v1/history", summary: "History of one or more series; raw points or rollups; JSON or CSV", tag: "history",
            parameters: [
                Parameter(name: "series", schema: ["type": "string"], description: "Comma-separated device/field pairs"),
                Parameter(name: "device", schema: deviceSchema, description: "Device, with fields"),
                Parameter(name: "fields", schema: ["type": "string"], description: "Comma-separated field ids of device"),
                from, to,
                Parameter(
                    name: "period", schema: ["type": "string", "enum": ["day", "week", "month", "year"]],
                    description: "A calendar window in the site's time zone (midnight to midnight, ISO week, month, year) instead of from and to"
                ),
                Parameter(name: "date", schema: ["type": "string", "format": "date"], description: "A day (YYYY-MM-DD) in the period's window (default: today)"),
                Parameter(name: "step", schema: ["type": "string", "enum": ["auto", "raw", "1m", "1h", "1d"]], description: "Resolution; auto picks the coarsest rollup that still draws `points` points"),
                Parameter(name: "points", schema: ["type": "integer", "minimum": 10, "maximum": 5_000], description: "Points the auto step aims for (default 300)"),
                Parameter(name: "format", schema: ["type": "string", "enum": ["json", "csv"]], description: "csv returns text/csv, one column per series"),
            ],
            response: ref("History"), produces: "application/json+csv"
        ),
        Operation(
            method: "GET", path: "/api/v1/energy/daily", summary: "Energy per day from a counter or power field", tag: "history",
            parameters: [
                Parameter(name: "device", required: true, schema: deviceSchema, description: "Device id"),
                Parameter(name: "field", schema: ["type": "string"], description: "Field id (default pv_power_w)"), from, to,
            ],
            response: ref("DailyEnergy")
        ),
        Operation(
            method: "GET", path: "/api/v1/energy",
            summary: "Energy per flow (pv, load, grid_import, grid_export, battery_charge, battery_discharge) for the site and each device, with source, coverage, ratios, cost and bars; JSON or CSV",
            tag: "history",
            parameters: [
                Parameter(name: "period", schema: ["type": "string", "enum": ["day", "week", "month", "year"]], description: "day (default), ISO week, month or year in the site's time zone"),
                Parameter(name: "date", schema: ["type": "string", "format": "date"], description: "A day inside the period, YYYY-MM-DD (default: today)"),
                Parameter(name: "format", schema: ["type": "string", "enum": ["json", "csv"]], description: "csv returns text/csv, one row per scope and flow"),
            ],
            response: ref("Energy"), produces: "application/json+csv"
        ),
        Operation(
            method: "GET", path: "/api/v1/settings", summary: "The allow-list: settings each device accepts, with ranges and current values", tag: "control",
            response: array(ref("DeviceSettings")), errors: []
        ),
        Operation(
            method: "GET", path: "/api/v1/devices/{device}/settings",
            summary: "Every setting of a device the CommandGate allows: range or options, current value as read from the device, and when it was read",
            tag: "control", parameters: [device], response: ref("DeviceSettings"), errors: ["400", "404"]
        ),
        Operation(
            method: "POST", path: "/api/v1/commands", summary: "Change a setting (allow-list, range, rate limit, audit, read-back; dryRun checks only)", tag: "control",
            body: "Command", response: ref("CommandResult"), secured: true, errors: ["400", "401", "404", "422", "429", "502", "504"]
        ),
        Operation(
            method: "GET", path: "/api/v1/audit", summary: "Audit log of setting changes, newest first", tag: "control",
            parameters: [
                Parameter(name: "device", schema: deviceSchema, description: "Only this device"),
                Parameter(name: "limit", schema: ["type": "integer", "minimum": 1, "maximum": 10_000], description: "At most this many (default 100)"),
            ],
            response: array(ref("AuditEntry")), secured: true, errors: ["400", "401"]
        ),
        Operation(
            method: "GET", path: "/api/v1/switches", summary: "Load switches: state, rule, and the newest switching decisions with their reasons", tag: "automation",
            parameters: [Parameter(name: "limit", schema: ["type": "integer", "minimum": 1, "maximum": 10_000], description: "Decisions, newest first (default 50)")],
            response: ref("Switches")
        ),
        Operation(
            method: "GET", path: "/api/v1/weather/forecast", summary: "Hourly forecast of each weather source, with the PV output expected each hour",
            tag: "automation", response: ref("Forecasts"), errors: []
        ),
        Operation(
            method: "GET", path: "/api/v1/alerts", summary: "Alerts firing now and the recent history of raised and cleared alerts", tag: "automation",
            parameters: [Parameter(name: "limit", schema: ["type": "integer", "minimum": 1, "maximum": 10_000], description: "History entries, newest first (default 100)")],
            response: ref("Alerts")
        ),
        Operation(method: "POST", path: "/api/v1/login", summary: "Sign in with a user name and password, or an API token alone; returns a session token", tag: "auth", body: "Login", response: ref("Session"), errors: ["400", "401", "429", "503"]),
        Operation(method: "POST", path: "/api/v1/logout", summary: "Close the presented session", tag: "auth", response: ref("Session"), errors: ["401"]),
        Operation(method: "GET", path: "/api/v1/session", summary: "Who is calling, and the server's access policy", tag: "auth", response: ref("Session"), errors: ["401"]),
        // Endpoints of the systems Heliograph replaces.
        Operation(method: "GET", path: "/api/data", summary: "Newest values of every device and the power balance", tag: "compatibility", response: ref("Data"), errors: []),
        Operation(
            method: "GET", path: "/api/historical", summary: "Power and state-of-charge history of the last hours", tag: "compatibility",
            parameters: [Parameter(name: "hours", schema: ["type": "integer", "minimum": 1, "maximum": 8_784], description: "Hours back (default 24)")],
            response: ref("Historical")
        ),
        Operation(method: "POST", path: "/api/command", summary: "Same as POST /api/v1/commands", tag: "compatibility", body: "Command", response: ref("CommandResult"), secured: true, errors: ["400", "401", "404", "422", "429", "502", "504"]),
        Operation(method: "POST", path: "/api/refresh", summary: "Ask for an immediate poll round", tag: "compatibility", response: ref("Accepted"), successStatus: "200", secured: true, errors: ["401"]),
        Operation(method: "GET", path: "/api/house", summary: "House sensors and weather", tag: "compatibility", response: ref("House"), errors: []),
        Operation(method: "GET", path: "/api/inverters", summary: "PV inverters with their newest values", tag: "compatibility", response: array(ref("Inverter")), errors: []),
        Operation(method: "GET", path: "/api/inverters/{serial}", summary: "One inverter", tag: "compatibility", parameters: [serial], response: ref("Inverter"), errors: ["404"]),
        Operation(
            method: "GET", path: "/api/inverters/{serial}/history", summary: "Newest raw rows of an inverter (last 24 h)", tag: "compatibility",
            parameters: [serial, Parameter(name: "limit", schema: ["type": "integer", "minimum": 1, "maximum": 10_000], description: "Rows (default 100)")],
            response: ref("InverterHistory"), errors: ["400", "404"]
        ),
        Operation(method: "GET", path: "/api/inverters/{serial}/ports", summary: "PV inputs of one inverter", tag: "compatibility", parameters: [serial], response: array(ref("Port")), errors: ["404"]),
        Operation(method: "GET", path: "/api/ports", summary: "PV inputs of every inverter", tag: "compatibility", response: array(ref("Port")), errors: []),
        Operation(method: "GET", path: "/api/production/current", summary: "Current PV production", tag: "compatibility", response: ref("Production"), errors: []),
        Operation(method: "GET", path: "/health", summary: "Liveness, with the state of storage, every poller, sink and MQTT; 200 while the server answers", tag: "system", response: ref("Health"), errors: []),
        Operation(method: "GET", path: "/ready", summary: "Readiness: storage answers and every device finished its first poll; 503 before", tag: "system", response: ref("Ready"), errors: ["503"]),
        Operation(method: "GET", path: "/metrics", summary: "Prometheus text exposition: field gauges, poll and sink counters, durations", tag: "system", response: ["type": "string"], errors: ["401", "404"], produces: "text/plain"),
        Operation(method: "GET", path: "/stats", summary: "Same as /api/v1/stats", tag: "system", response: ref("Stats"), errors: []),
        Operation(method: "GET", path: "/openapi.json", summary: "This document", tag: "system", response: ["type": "object"], errors: []),
        ]
    }

    /// `METHOD /path` of every documented operation.
    static var documentedRoutes: Set<String> { Set(operations.map { "\($0.method) \($0.path)" }) }

    static let json: [UInt8] = {
        let data = try? JSONSerialization.data(withJSONObject: document(), options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return Array(data ?? Data("{}".utf8))
    }()

    static func document() -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for operation in operations {
            var entry: [String: Any] = [
                "summary": operation.summary,
                "tags": [operation.tag],
                "operationId": operationID(operation),
            ]
            if !operation.parameters.isEmpty {
                entry["parameters"] = operation.parameters.map {
                    ["name": $0.name, "in": $0.location, "required": $0.required, "schema": $0.schema, "description": $0.description] as [String: Any]
                }
            }
            if let body = operation.body {
                entry["requestBody"] = ["required": true, "content": ["application/json": ["schema": ref(body)]]]
            }
            var content: [String: Any] = [operation.produces == "text/plain" ? "text/plain" : "application/json": ["schema": operation.response]]
            if operation.produces.hasSuffix("csv") { content["text/csv"] = ["schema": ["type": "string"]] }
            var responses: [String: Any] = [operation.successStatus: ["description": "OK", "content": content]]
            for status in operation.errors + (operation.secured ? [] : []) {
                responses[status] = ["description": errorDescriptions[status] ?? "Error", "content": ["application/json": ["schema": ref("Error")]]]
            }
            entry["responses"] = responses
            if operation.secured { entry["security"] = [["bearer": [String]()], ["apiKey": [String]()]] }
            paths[operation.path, default: [:]][operation.method.lowercased()] = entry
        }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Heliograph",
                "version": "1.0.0",
                "description": """
                    Monitoring and safe control of home solar inverters and batteries. Reading is open on the LAN unless \
                    the server is configured otherwise; every setting change needs a token (Authorization: Bearer) or a \
                    session from /api/v1/login, and so do the audit log and /api/refresh. A token in the query string \
                    (`?token=`) is accepted on GET only (browsers cannot set headers on a WebSocket). Live samples: \
                    WebSocket at /api/v1/live (messages `hello`, then `sample`); a browser page from another origin is refused.
                    """,
            ],
            "paths": paths,
            "components": [
                "schemas": schemas(),
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer"],
                    "apiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key"],
                ],
            ],
        ]
    }

    private static let errorDescriptions = [
        "400": "Bad request", "401": "Not authenticated", "404": "Not found", "422": "Setting not allowed or out of range",
        "429": "Rate limited", "502": "Device refused or answered wrongly", "503": "Not ready", "504": "Device timed out",
    ]

    private static func operationID(_ operation: Operation) -> String {
        let words = operation.path.split(whereSeparator: { "/{}.".contains($0) }).map(String.init)
        return operation.method.lowercased() + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    private static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }

    private static var string: [String: Any] { ["type": "string"] }
    private static var number: [String: Any] { ["type": "number"] }
    private static var integer: [String: Any] { ["type": "integer"] }
    private static var boolean: [String: Any] { ["type": "boolean"] }
    private static var time: [String: Any] { ["type": "string", "format": "date-time"] }
    private static var fieldValue: [String: Any] { ["oneOf": [number, boolean, string]] }
    private static var values: [String: Any] { ["type": "object", "additionalProperties": fieldValue] }

    private static func schemas() -> [String: Any] {
        [
            "Error": object(
                ["error": object(["status": integer, "code": string, "message": string, "device": string], required: ["status", "code", "message"])],
                required: ["error"]
            ),
            "Field": object(
                ["id": string, "name": string, "unit": string, "kind": string, "deviceClass": string, "stateClass": string, "precision": integer],
                required: ["id", "name", "unit", "kind"]
            ),
            "Setting": object(
                [
                    "id": string, "name": string, "kind": ["type": "string", "enum": ["choice", "number", "toggle"]], "options": array(string),
                    "min": number, "max": number, "step": number, "unit": string, "readBack": string,
                    "value": fieldValue, "readAt": time, "state": ["type": "string", "enum": ["read", "unknown"]],
                ],
                required: ["id", "name", "kind"]
            ),
            "Device": object(
                [
                    "id": string, "kind": string, "name": string, "manufacturer": string, "model": string, "serial": string, "firmware": string,
                    "firstSeen": time, "lastSeen": time, "online": boolean, "lastError": string, "fields": array(ref("Field")), "settings": array(ref("Setting")),
                ],
                required: ["id", "kind", "name", "fields", "settings", "online"]
            ),
            "Sample": object(
                [
                    "device": string, "time": time, "values": values,
                    "fieldTimes": ["type": "object", "additionalProperties": time, "description": "When each value was read (latest values only)"],
                    "stale": ["type": "object", "additionalProperties": number, "description": "Fields read before time, with their age in seconds"],
                ],
                required: ["device", "time", "values"]
            ),
            "PowerFlow": object(
                ["time": time, "pvW": number, "batteryW": number, "batterySocPct": number, "gridW": number, "loadW": number, "sources": ["type": "object"]],
                required: ["sources"]
            ),
            "Series": object(
                [
                    "device": string, "field": string, "unit": string, "points": array(array(number)),
                    "gaps": array(array(number)),  // [last time before, first time after] in ms: spans with no data
                ],
                required: ["device", "field", "points"]
            ),
            "History": object(
                [
                    "from": time, "to": time, "step": string, "bucketSeconds": number, "timeZone": string, "series": array(ref("Series")),
                    "period": object(["kind": string, "date": string, "previous": string, "next": string], required: ["kind", "date", "previous", "next"]),
                ],
                required: ["from", "to", "step", "series"]
            ),
            "DailyEnergy": object(
                ["device": string, "field": string, "days": array(object(["day": string, "kwh": number], required: ["day", "kwh"]))],
                required: ["device", "field", "days"]
            ),
            "EnergyFlow": object(
                [
                    "kwh": number, "source": ["type": "string", "enum": ["counter", "integrated", "derived", "none"]], "coverage": number,
                    "unknownHours": number, "skippedCounterSteps": integer,
                ],
                required: ["source", "coverage", "unknownHours", "skippedCounterSteps"]
            ),
            "EnergyFigures": object(
                [
                    "flows": ["type": "object", "additionalProperties": ref("EnergyFlow")],
                    "ratios": object(["selfSufficiency": number, "selfConsumption": number]),
                    "money": object(["currency": string, "cost": number, "earnings": number, "savings": number], required: ["currency", "cost", "earnings", "savings"]),
                ],
                required: ["flows", "ratios"]
            ),
            "Energy": object(
                [
                    "period": string, "date": string, "timeZone": string, "firstDay": string, "lastDay": string, "from": time, "to": time, "until": time,
                    "complete": boolean, "elapsedHours": number, "previous": string, "next": string, "site": ref("EnergyFigures"), "skippedCounterSteps": integer,
                    "devices": array(object(
                        ["device": string, "name": string, "kind": string, "parent": string, "flows": ["type": "object", "additionalProperties": ref("EnergyFlow")]],
                        required: ["device", "name", "kind", "flows"]
                    )),
                    "bars": array(object(["key": string, "from": time, "to": time, "site": ref("EnergyFigures")], required: ["key", "from", "to", "site"])),
                ],
                required: ["period", "date", "timeZone", "firstDay", "lastDay", "from", "to", "until", "complete", "elapsedHours", "previous", "next", "site", "devices", "bars", "skippedCounterSteps"]
            ),
            "DeviceSettings": object(["device": string, "settings": array(ref("Setting"))], required: ["device", "settings"]),
            "Command": object(
                ["device": string, "setting": string, "value": fieldValue, "dryRun": boolean],
                required: ["device", "setting", "value"]
            ),
            "AuditEntry": object(
                [
                    "time": time, "actor": string, "device": string, "setting": string, "value": string, "dryRun": boolean,
                    "result": ["type": "string", "enum": ["applied", "rejected", "failed", "dry-run"]], "message": string, "readBack": string,
                ],
                required: ["time", "actor", "device", "setting", "value", "dryRun", "result", "message"]
            ),
            "CommandResult": object(["result": string, "message": string, "readBack": string, "audit": ref("AuditEntry")], required: ["result", "message", "audit"]),
            "SwitchDecision": object(
                [
                    "time": time, "switchID": string, "on": boolean, "reason": string,
                    "result": ["type": "string", "enum": ["applied", "failed", "dry-run"]], "message": string,
                ],
                required: ["time", "switchID", "on", "reason", "result"]
            ),
            "Switch": object(
                ["id": string, "on": boolean, "since": time, "topic": string, "rule": string, "lastDecision": ref("SwitchDecision")],
                required: ["id", "topic", "rule"]
            ),
            "Switches": object(
                ["configured": boolean, "switches": array(ref("Switch")), "decisions": array(ref("SwitchDecision"))],
                required: ["configured", "switches", "decisions"]
            ),
            "Alert": object(
                [
                    "time": time, "rule": string, "state": ["type": "string", "enum": ["firing", "resolved"]], "severity": string, "message": string,
                    "notified": boolean,
                ],
                required: ["time", "rule", "state", "severity", "message", "notified"]
            ),
            "Alerts": object(["configured": boolean, "active": array(ref("Alert")), "history": array(ref("Alert"))], required: ["configured", "active", "history"]),
            "ForecastHour": object(
                [
                    "time": time, "temperatureC": number, "cloudCoverPct": number, "shortwaveRadiationWm2": number, "precipitationMm": number,
                    "windSpeedKmh": number, "expectedPVPowerW": number,
                ],
                required: ["time"]
            ),
            "Forecast": object(
                ["device": string, "latitude": number, "longitude": number, "fetched": time, "hours": array(ref("ForecastHour"))],
                required: ["device", "latitude", "longitude", "fetched", "hours"]
            ),
            "Forecasts": object(["forecasts": array(ref("Forecast"))], required: ["forecasts"]),
            "Login": object(["user": string, "password": string, "token": string]),
            "Session": object(
                ["authenticated": boolean, "caller": string, "token": string, "expires": time, "openReading": boolean, "controlConfigured": boolean],
                required: ["authenticated", "openReading", "controlConfigured"]
            ),
            "Stats": object(
                [
                    "uptimeSeconds": number, "requests": integer, "liveClients": integer, "devices": integer, "series": integer, "points": integer,
                    "bytesOnDisk": integer, "oldest": time, "newest": time, "pollers": array(ref("PollerStats")), "sinks": array(ref("SinkStats")),
                    "connections": ref("ConnectionStats"),
                    "energy": object(["keptDeviceDays": integer, "skippedCounterSteps": integer, "daysFileProblem": string], required: ["keptDeviceDays", "skippedCounterSteps"]),
                ],
                required: ["uptimeSeconds", "requests", "liveClients", "devices", "series", "points", "bytesOnDisk", "pollers", "sinks", "connections"]
            ),
            "ConnectionStats": object(
                ["open": integer, "peak": integer, "limit": integer, "evicted": integer, "refused": integer, "headerTimeouts": integer, "rejected": integer],
                required: ["open", "peak", "limit", "evicted", "refused", "headerTimeouts", "rejected"]
            ),
            "PollerStats": object(
                [
                    "device": string, "availability": ["type": "string", "enum": ["unknown", "online", "unavailable"]], "lastPoll": time, "lastSuccess": time,
                    "polls": integer, "errors": integer, "consecutiveErrors": integer, "discarded": ["type": "object", "additionalProperties": integer],
                    "lastError": string,
                ],
                required: ["device", "availability", "polls", "errors", "consecutiveErrors", "discarded"]
            ),
            "SinkStats": object(
                ["sink": string, "buffered": integer, "written": integer, "dropped": integer, "writeErrors": integer, "lastError": string, "lastWrite": time],
                required: ["sink", "buffered", "written", "dropped", "writeErrors"]
            ),
            "Component": object(
                [
                    "name": string, "kind": ["type": "string", "enum": ["storage", "poller", "sink", "mqtt"]],
                    "status": ["type": "string", "enum": ["ok", "starting", "degraded", "failing"]], "detail": string, "lastSuccess": time,
                ],
                required: ["name", "kind", "status"]
            ),
            "Health": object(
                ["status": ["type": "string", "enum": ["ok", "degraded", "failing"]], "time": time, "uptimeSeconds": number, "components": array(ref("Component"))],
                required: ["status", "time", "uptimeSeconds", "components"]
            ),
            "Ready": object(
                ["status": ["type": "string", "enum": ["ready", "not ready"]], "time": time, "storage": boolean, "firstPollsDone": boolean, "detail": string],
                required: ["status", "time", "storage", "firstPollsDone"]
            ),
            "Data": object(["timestamp": time, "flow": ref("PowerFlow"), "devices": ["type": "object", "additionalProperties": values]], required: ["flow", "devices"]),
            "Historical": object(["hours": integer, "step": string, "series": array(ref("Series"))], required: ["hours", "step", "series"]),
            "Accepted": object(["status": string, "message": string], required: ["status", "message"]),
            "House": object(["sensors": array(ref("Sample")), "weather": array(ref("Sample"))], required: ["sensors", "weather"]),
            "Inverter": object(
                [
                    "serial": string, "device": string, "name": string, "kind": string, "model": string, "lastSeen": time, "powerW": number,
                    "energyTodayKwh": number, "values": values,
                ],
                required: ["serial", "device", "name", "kind", "model", "lastSeen", "values"]
            ),
            "InverterHistory": object(["serial": string, "rows": array(["type": "object", "additionalProperties": number])], required: ["serial", "rows"]),
            "Port": object(["inverter": string, "port": integer, "values": ["type": "object", "additionalProperties": number]], required: ["inverter", "port", "values"]),
            "Production": object(["timestamp": time, "powerW": number, "energyTodayKwh": number, "inverters": integer], required: ["powerW", "energyTodayKwh", "inverters"]),
        ]
    }
}
