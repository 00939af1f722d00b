extension PowervaultSimulator {
    /// One round of every topic's payload (topic suffix, JSON text) from the simulated plant at
    /// `secondOfDay`, without a broker: seeds for the fuzzer and examples for tests.
    public static func samplePayloads(secondOfDay: Double = 17 * 3_600) -> [(suffix: String, payload: String)] {
        var plant = PowervaultSimulatedPlant()
        plant.step(seconds: 60, secondOfDay: secondOfDay)
        return plant.messages(localTime: "2025-12-20T17:00:00").map { (suffix: $0.0, payload: $0.1) }
    }
}
