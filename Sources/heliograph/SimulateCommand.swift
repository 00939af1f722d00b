import ArgumentParser
import HeliographDevices

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Play a device on a pseudo-terminal or port, for trying things without hardware.",
        // One subcommand per registered device family that has a simulator.
        subcommands: DeviceFamilies.all.compactMap(\.simulateCommand)
    )
}
