import Foundation
import HeliographControl
import HeliographCore
import Hummingbird

/// The outcome of a command as the page shows it.
struct CommandResultResource: ResponseEncodable {
    var result: String
    var message: String
    var readBack: String?
    var audit: AuditResource
}

extension WebAPI {
    func addControlRoutes(to router: Router<WebRequestContext>) {
        router.get("/api/v1/settings") { _, _ in
            guard let gate = self.dependencies.gate else { return [DeviceSettingsResource]() }
            return gate.allowList.keys.sorted().compactMap { Self.settingsResource(gate, $0) }
        }
        router.get("/api/v1/devices/{device}/settings") { _, context in
            let device = try context.parameters.device()
            guard let gate = self.dependencies.gate, let resource = Self.settingsResource(gate, device) else {
                _ = try await self.registered(device)
                throw HeliographError(.notFound, "device \(device) has no settings that can be changed here")
            }
            return resource
        }
        router.post("/api/v1/commands") { request, context -> Response in
            let caller = try context.requireCaller()
            let command = try await request.decode(as: CommandRequest.self, context: context)
            return Self.json(try await self.submit(command, caller: caller))
        }
        router.get("/api/v1/audit") { request, context in
            // Who changed what is for the people allowed to change things, even with open reading.
            _ = try context.requireCaller(for: "reading the audit log")
            let query = QueryParameters(request)
            let limit = try query.int("limit", default: 100, range: 1...10_000)
            let device = try query.string("device").map { text throws(HeliographError) in try QueryParameters.validDevice(text) }
            guard let audit = self.dependencies.audit else { return [AuditResource]() }
            return try await audit.entries(device: device, limit: limit).map(AuditResource.init)
        }
        router.post("/api/v1/login") { request, context -> Response in
            try await self.login(request, context: context)
        }
        router.post("/api/v1/logout") { request, context -> Response in
            if let token = CallerMiddleware.presentedToken(request) { await self.sessions.close(token) }
            return Self.json(self.sessionResource(caller: nil))
        }
        router.get("/api/v1/session") { request, context in
            // A login session says when it ends; an API token has no end.
            var expires: Date?
            if let token = CallerMiddleware.presentedToken(request) { expires = await self.sessions.expiry(of: token) }
            return self.sessionResource(caller: context.caller, expires: expires)
        }
    }

    /// Every allowed setting of `device` with its range and its value as last read from the device.
    static func settingsResource(_ gate: CommandGate, _ device: DeviceID) -> DeviceSettingsResource? {
        gate.currentSettings(of: device).map { current in
            DeviceSettingsResource(device: device.rawValue, settings: current.map { SettingResource($0.setting, reading: $0.reading) })
        }
    }

    func sessionResource(caller: Caller?, token: String? = nil, expires: Date? = nil) -> SessionResource {
        SessionResource(
            authenticated: caller != nil,
            caller: caller?.identity,
            token: token,
            expires: expires,
            openReading: configuration.openReading,
            controlConfigured: !configuration.credentials.isEmpty
        )
    }

    /// Hands a command to the gate. Numbers, labels and booleans map onto the setting's kind.
    func submit(_ command: CommandRequest, caller: Caller) async throws -> CommandResultResource {
        guard let gate = dependencies.gate else { throw HeliographError(.notFound, "no device can be controlled on this server") }
        let device = try QueryParameters.validDevice(command.device)
        let value: SettingValue =
            switch command.value {
            case .number(let number): .number(number)
            case .flag(let flag): .toggle(flag)
            case .text(let text): Self.settingValue(text, for: gate.allowList[device]?.first { $0.id == command.setting })
            }
        let entry = try await gate.submit(SettingChange(device: device, setting: command.setting, value: value), by: caller, dryRun: command.dryRun ?? false)
        return CommandResultResource(result: entry.result, message: entry.message, readBack: entry.readBack?.description, audit: AuditResource(entry))
    }

    /// Text from a form: a number for a numeric setting, on/off for a toggle, else a choice label.
    static func settingValue(_ text: String, for setting: SettingDescriptor?) -> SettingValue {
        switch setting?.values {
        case .number: Double(text).map(SettingValue.number) ?? .choice(text)
        case .toggle:
            switch text.lowercased() {
            case "on", "true", "1": .toggle(true)
            case "off", "false", "0": .toggle(false)
            default: .choice(text)
            }
        default: .choice(text)
        }
    }
}
