import Foundation
import HeliographApp
import HeliographTools
import HeliographDevices
import HeliographSolarman
import HeliographTesting
import HeliographTransport
import Logging
import Testing

/// `heliograph scan` against a fake sysfs and /dev tree whose nodes lead to simulators on real ptys.
@Suite("device scan", .serialized)
struct DeviceScanTests {
    let logger = Logger(label: "heliograph.tests.scan") { _ in SwiftLogNoOpLogHandler() }

    /// A fake root with `class/hidraw/<node>/device/uevent` for each entry.
    func makeSysfs(in directory: URL, hidraw: [String: String]) throws -> String {
        let root = directory.appendingPathComponent("sys")
        for (node, uevent) in hidraw {
            let device = root.appendingPathComponent("class/hidraw/\(node)/device")
            try FileManager.default.createDirectory(at: device, withIntermediateDirectories: true)
            try uevent.write(to: device.appendingPathComponent("uevent"), atomically: true, encoding: .utf8)
        }
        return root.path
    }

    static func uevent(vendor: String, product: String, name: String) -> String {
        """
        DRIVER=hid-generic
        HID_ID=0003:0000\(vendor):0000\(product)
        HID_NAME=\(name)
        HID_PHYS=usb-0000:01:00.0-1.3/input0
        HID_UNIQ=
        MODALIAS=hid:b0003g0001v0000\(vendor)p0000\(product)

        """
    }

    @Test("finds only 0665:5161 hidraw nodes and lists serial ports in natural order with by-id links")
    func findsCandidates() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sysfs = try makeSysfs(
            in: directory,
            hidraw: [
                "hidraw0": Self.uevent(vendor: "046D", product: "C52B", name: "Logitech USB Receiver"),
                "hidraw3": Self.uevent(vendor: "0665", product: "5161", name: "Cypress Semiconductor USB to Serial"),
            ]
        )
        // A node with no uevent (a race with unplugging) is skipped, not an error.
        try FileManager.default.createDirectory(atPath: sysfs + "/class/hidraw/hidraw5", withIntermediateDirectories: true)
        let dev = directory.appendingPathComponent("dev")
        try FileManager.default.createDirectory(at: dev.appendingPathComponent("serial/by-id"), withIntermediateDirectories: true)
        for node in ["ttyUSB10", "ttyUSB2", "ttyACM0", "ttyS0", "hidraw3", "sda"] {
            #expect(FileManager.default.createFile(atPath: dev.appendingPathComponent(node).path, contents: nil))
        }
        try FileManager.default.createSymbolicLink(
            atPath: dev.appendingPathComponent("serial/by-id/usb-FTDI_FT232R_USB_UART_A10KZ3-if00-port0").path,
            withDestinationPath: "../../ttyUSB2"
        )

        let finder = LocalDeviceFinder(sysfsRoot: sysfs, deviceRoot: dev.path)
        let hid = finder.hidInverters()
        #expect(hid.map(\.path) == [dev.path + "/hidraw3"])
        #expect(hid.first?.name == "Cypress Semiconductor USB to Serial")
        #expect(hid.first?.physicalPort == "usb-0000:01:00.0-1.3/input0")

        let serial = finder.serialPorts()
        #expect(serial.map(\.path) == ["ttyACM0", "ttyUSB2", "ttyUSB10"].map { dev.path + "/" + $0 })
        #expect(serial[1].stablePath == dev.path + "/serial/by-id/usb-FTDI_FT232R_USB_UART_A10KZ3-if00-port0")
        #expect(serial[0].stablePath == nil && serial[2].stablePath == nil)
    }

    @Test("missing sysfs and /dev roots give empty lists")
    func missingRoots() {
        let finder = LocalDeviceFinder(sysfsRoot: "/nonexistent-heliograph-sys", deviceRoot: "/nonexistent-heliograph-dev")
        #expect(finder.hidInverters().isEmpty)
        #expect(finder.serialPorts().isEmpty)
    }

    @Test("probes a HID and a serial simulator on ptys, reports a silent port, and the snippet passes config check")
    func probesSimulators() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let silent = try PseudoTerminal.open()
        defer { silent.closeAll() }

        try await withSimulator(hidChunking: true) { hidPath in
            try await withSimulator(hidChunking: false) { serialPath in
                let sysfs = try makeSysfs(in: directory, hidraw: ["hidraw0": Self.uevent(vendor: "0665", product: "5161", name: "Cypress")])
                let dev = directory.appendingPathComponent("dev")
                try FileManager.default.createDirectory(at: dev.appendingPathComponent("serial/by-id"), withIntermediateDirectories: true)
                try FileManager.default.createSymbolicLink(atPath: dev.path + "/hidraw0", withDestinationPath: hidPath)
                try FileManager.default.createSymbolicLink(atPath: dev.path + "/ttyUSB0", withDestinationPath: serialPath)
                try FileManager.default.createSymbolicLink(atPath: dev.path + "/ttyUSB1", withDestinationPath: silent.secondaryPath)
                try FileManager.default.createSymbolicLink(atPath: dev.path + "/serial/by-id/usb-Prolific-if00-port0", withDestinationPath: "../../ttyUSB0")

                var request = ScanRequest()
                request.sysfsRoot = sysfs
                request.deviceRoot = dev.path
                request.network = false
                // Long enough for a simulator on a loaded machine; the silent port costs it once (ports are probed at once).
                request.probeTimeout = .seconds(5)
                request.extraSerialPorts = ["/dev/heliograph-no-such-port"]
                let report = await DeviceScan(request: request).run(logger: logger)
                let pi30 = try #require(report.findings(PI30ScanFindings.self), "the pi30 family's probe ran")

                #expect(pi30.hidInverters.count == 1)
                guard case .pi30(let protocolID, let serial)? = pi30.hidInverters.first?.probe else {
                    Issue.record("HID simulator not recognised: \(pi30.hidInverters)")
                    return
                }
                #expect(protocolID == "PI30")
                #expect(serial?.isEmpty == false)
                #expect(pi30.serialPorts.map(\.candidate.path) == [dev.path + "/ttyUSB0", dev.path + "/ttyUSB1", "/dev/heliograph-no-such-port"])
                #expect(pi30.serialPorts[0].probe.isPI30)
                guard case .noAnswer(let silentReason) = pi30.serialPorts[1].probe, case .noAnswer(let missingReason) = pi30.serialPorts[2].probe else {
                    Issue.record("silent/missing ports: \(pi30.serialPorts)")
                    return
                }
                #expect(silentReason.contains("no reply"), "\(silentReason)")
                #expect(missingReason.contains("No such file"), "\(missingReason)")

                let snippet = try #require(report.configurationSnippet)
                let (configuration, problems) = HeliographConfiguration.parse(yaml: snippet)
                #expect(problems.isEmpty, "\(problems)\n\(snippet)")
                let ports = configuration?.devices.map { device -> String in
                    if let options = device.options as? PI30Options { return options.port }
                    return ""
                }
                #expect(ports == [dev.path + "/hidraw0", dev.path + "/serial/by-id/usb-Prolific-if00-port0"], "silent port left out; by-id link used")
                #expect(report.listing.contains("no PI30 answer"))
            }
        }
    }

    @Test("finds a Solarman logger over UDP and its snippet passes config check")
    func findsSolarmanLogger() async throws {
        let responder = SolarmanDiscoveryResponder(replies: [SolarmanDiscovery.Reply(ip: "192.168.1.50", mac: "98D8630A1B2C", serial: 2_612_749_371)], logger: logger)
        let task = Task { try await responder.run() }
        defer { task.cancel() }
        let port = await responder.listeningPort()

        var request = ScanRequest()
        request.sysfsRoot = "/nonexistent-heliograph-sys"
        request.deviceRoot = "/nonexistent-heliograph-dev"
        request.discoveryAddress = "127.0.0.1"
        request.discoveryPort = port
        let report = await DeviceScan(request: request).run(logger: logger)
        #expect(report.findings(DeyeScanFindings.self)?.solarmanLoggers.map(\.serial) == [2_612_749_371])
        let snippet = try #require(report.configurationSnippet)
        let (configuration, problems) = HeliographConfiguration.parse(yaml: snippet)
        #expect(problems.isEmpty, "\(problems)\n\(snippet)")
        guard let deye = configuration?.devices.first?.options as? DeyeOptions else {
            Issue.record("no deye device in \(snippet)")
            return
        }
        #expect(deye.host == "192.168.1.50")
        #expect(deye.loggerSerial == 2_612_749_371)
    }

    @Test("the scan asks each given family for its probe and knows none itself")
    func asksFamilies() async {
        var request = ScanRequest()
        request.sysfsRoot = "/nonexistent-heliograph-sys"
        request.deviceRoot = "/nonexistent-heliograph-dev"
        request.network = false
        let registered = await DeviceScan(request: request).run(logger: logger)
        #expect(registered.findings.count == DeviceFamilies.all.filter { $0.scanProbe != nil }.count)
        #expect(registered.findings(PI30ScanFindings.self) != nil && registered.findings(DeyeScanFindings.self) != nil)

        let deyeOnly = await DeviceScan(request: request, families: [.deye, .hoymiles]).run(logger: logger)
        #expect(deyeOnly.findings.count == 1 && deyeOnly.findings(PI30ScanFindings.self) == nil)
        #expect(!deyeOnly.listing.contains("Serial ports:") && deyeOnly.listing.contains("Solarman loggers"))
        #expect(deyeOnly.configurationSnippet == nil && !deyeOnly.foundDevices)
        let none = await DeviceScan(request: request, families: []).run(logger: logger)
        #expect(none.findings.isEmpty && none.listing.isEmpty)
    }

    @Test("heliograph scan prints a snippet that heliograph config check accepts")
    func commandLine() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("pty").path
        let simulator = try HeliographProcess(["simulate", "pi30", "--pty", "--link", link])
        try await eventually(timeout: .seconds(30), "simulator prints its pty") { simulator.stdout.contains("serving on /dev/") }
        let dev = directory.appendingPathComponent("dev")
        try FileManager.default.createDirectory(at: dev, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dev.path + "/ttyACM0", withDestinationPath: link)

        let scan = try await HeliographProcess.run(["scan", "--no-network", "--sys-root", directory.path + "/sys", "--dev-root", dev.path, "--timeout", "3"])
        #expect(scan.status == 0, "stderr: \(scan.stderr)")
        #expect(scan.stdout.contains("\(dev.path)/ttyACM0: answers PI30"), "\(scan.stdout)")
        let snippetStart = try #require(scan.stdout.range(of: "devices:\n"), "\(scan.stdout)")
        let config = directory.appendingPathComponent("scanned.yaml")
        try String(scan.stdout[snippetStart.lowerBound...]).write(to: config, atomically: true, encoding: .utf8)
        let check = try await HeliographProcess.run(["config", "check", config.path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("OK (1 devices)"), "\(check.stdout)")

        let json = try await HeliographProcess.run(["scan", "--json", "--no-network", "--sys-root", directory.path + "/sys", "--dev-root", dev.path, "--timeout", "3"])
        #expect(json.status == 0, "stderr: \(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        let serial = try #require(object["serial"] as? [[String: Any]])
        #expect(serial.first?["path"] as? String == dev.path + "/ttyACM0")
        #expect((serial.first?["probe"] as? [String: Any])?["result"] as? String == "pi30")
        #expect((object["snippet"] as? String)?.hasPrefix("devices:\n") == true)
        #expect(object["network_problem"] is NSNull)

        simulator.signal(SIGINT)
        #expect(try await simulator.exitStatus() == 0)
    }

    private func withSimulator(hidChunking: Bool, _ body: (String) async throws -> Void) async throws {
        let (paths, continuation) = AsyncStream<String>.makeStream()
        let service = PI30SimulatorService(configuration: .init(hidChunking: hidChunking), logger: logger) { path in
            continuation.yield(path)
            continuation.finish()
        }
        let task = Task { try await service.run() }
        defer { task.cancel() }
        var iterator = paths.makeAsyncIterator()
        let path = try #require(await iterator.next(), "simulator did not start")
        try await body(path)
    }
}
