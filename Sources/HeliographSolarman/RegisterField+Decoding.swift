import HeliographCore

extension RegisterField {
    /// Decodes this field from `image`; nil when a register is missing.
    public func decode(_ image: RegisterImage) -> FieldValue? {
        if let sum {
            var total = 0.0
            for term in sum {
                guard let raw = Self.combine(term.registers, image) else { return nil }
                var value = signed(raw, words: term.registers.count)
                if let multiply = term.multiply {
                    guard let factor = Self.combine(multiply, image) else { return nil }
                    value *= Double(factor)
                }
                total += value
            }
            return .number(Self.tidy(total * scale))
        }
        if type == .ascii {
            var characters: [UInt8] = []
            characters.reserveCapacity(registers.count * 2)
            for register in registers {
                guard let word = image[register] else { return nil }
                characters.append(UInt8(word >> 8))
                characters.append(UInt8(word & 0xFF))
            }
            let text = String(decoding: characters.filter { $0 != 0 }, as: UTF8.self)
            return .text(String(text.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed()))
        }
        guard var raw = Self.combine(registers, image) else { return nil }
        if let bit { raw = raw >> UInt64(bit) & 1 }
        if flag { return .flag(raw != 0) }
        if let lookup { return .text(lookup[raw] ?? "unknown (\(raw))") }
        if let bits {
            guard raw != 0 else { return .text("OK") }
            let names: [String] = (0..<64).filter { raw >> UInt64($0) & 1 == 1 }.map { (index: Int) -> String in bits[index] ?? "bit \(index)" }
            return .text(names.joined(separator: ", "))
        }
        if type == .hhmm { return .number(Double(raw)) }
        let value = bit == nil ? signed(raw, words: registers.count) : Double(raw)
        return .number(Self.tidy((value - offset) * scale))
    }

    /// Raw register words for a physical value (the simulator's side and writes); nil for text fields.
    /// Pairs are (register, word); multi-register values split least-significant word first.
    public func encode(_ value: FieldValue) -> [(register: UInt16, word: UInt16)]? {
        guard sum == nil, type != .ascii, bit == nil else { return nil }
        let raw: Int64
        switch value {
        case .flag(let on):
            raw = on ? 1 : 0
        case .text(let label):
            guard let entry = lookup?.first(where: { $0.value == label }) else { return nil }
            raw = Int64(entry.key)
        case .number(let number):
            raw = type == .hhmm ? Int64(number) : Int64((number / scale + offset).rounded())
        }
        let bitsWide = 16 * registers.count
        let pattern = UInt64(bitPattern: raw) & (bitsWide >= 64 ? UInt64.max : (UInt64(1) << UInt64(bitsWide)) - 1)
        return registers.enumerated().map { index, register in
            (register, UInt16(truncatingIfNeeded: pattern >> UInt64(16 * index)))
        }
    }

    /// Raw words that make a computed (`sum`) field decode to `value`, given the registers other
    /// fields already fill (`known`): terms held in `known` keep their values, the first other
    /// term takes the rest and any further ones are zero. Nil for a plain field, a term with a
    /// multiplier, a non-number, or when every term is already held.
    public func encodeSum(_ value: FieldValue, known: [UInt16: UInt16]) -> [(register: UInt16, word: UInt16)]? {
        guard let sum, scale != 0, case .number(let number) = value, sum.allSatisfy({ $0.multiply == nil }) else { return nil }
        let image = RegisterImage(known)
        var rest = number / scale
        var free: [Term] = []
        for term in sum {
            if let raw = Self.combine(term.registers, image), term.registers.allSatisfy({ known[$0] != nil }) {
                rest -= signed(raw, words: term.registers.count)
            } else {
                free.append(term)
            }
        }
        guard !free.isEmpty else { return nil }
        var words: [(register: UInt16, word: UInt16)] = []
        for (index, term) in free.enumerated() {
            let raw = index == 0 ? Int64(rest.rounded()) : 0
            let bitsWide = 16 * term.registers.count
            let pattern = UInt64(bitPattern: raw) & (bitsWide >= 64 ? UInt64.max : (UInt64(1) << UInt64(bitsWide)) - 1)
            words += term.registers.enumerated().map { index, register in (register, UInt16(truncatingIfNeeded: pattern >> UInt64(16 * index))) }
        }
        return words
    }

    /// Combines words least-significant first; nil when one is missing.
    static func combine(_ registers: [UInt16], _ image: RegisterImage) -> UInt64? {
        var raw: UInt64 = 0
        for (index, register) in registers.enumerated() {
            guard let word = image[register] else { return nil }
            raw |= UInt64(word) << UInt64(16 * index)
        }
        return raw
    }

    /// The raw value as a number, two's complement over the combined width for signed types.
    func signed(_ raw: UInt64, words: Int) -> Double {
        guard type.isSigned, words > 0 else { return Double(raw) }
        let width = UInt64(16 * words)
        guard width < 64 else { return Double(Int64(bitPattern: raw)) }
        let signBit = UInt64(1) << (width - 1)
        return raw & signBit == 0 ? Double(raw) : Double(Int64(bitPattern: raw | ~((UInt64(1) << width) - 1)))
    }

    /// Removes binary noise from scaling (12.299999999 → 12.3) without losing real precision.
    static func tidy(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }
}
