import HeliographCore
import Testing

@Suite struct NumberFormatTests {
    @Test func roundsToTheResolutionWithoutBinaryNoise() {
        #expect("\(2_311 * 0.1)" == "231.10000000000002")
        #expect(NumberFormat.rounded(2_311 * 0.1, decimals: 1) == 231.1)
        #expect("\(NumberFormat.rounded(2_311 * 0.1, decimals: 1))" == "231.1")
        #expect(NumberFormat.text(2_311 * 0.1, decimals: 1) == "231.1")
        #expect(NumberFormat.text(0.1 + 0.2, decimals: nil) == "0.3")
        #expect(NumberFormat.text(52.126, decimals: 2) == "52.13")
        #expect(NumberFormat.text(500, decimals: 1) == "500")
        #expect(NumberFormat.text(1_234.5, decimals: 0) == "1235")
    }

    @Test(arguments: [-0.0, -0.4, -0.00001, -0.049])
    func neverNegativeZero(_ value: Double) {
        let decimals = value == -0.049 ? 1 : 0
        let rounded = NumberFormat.rounded(value, decimals: decimals)
        #expect(rounded == 0 && rounded.sign == .plus)
        #expect(NumberFormat.text(value, decimals: decimals) == "0")
        #expect(FieldValue.number(value).rounded(decimals: decimals) == .number(0))
    }

    @Test func leavesWhatCannotBeRoundedAlone() {
        #expect(NumberFormat.rounded(.nan, decimals: 1).isNaN)
        #expect(NumberFormat.rounded(.infinity, decimals: 1) == .infinity)
        #expect(NumberFormat.rounded(1e300, decimals: 9) == 1e300)
        #expect(NumberFormat.rounded(-12.34, decimals: 99) == -12.34, "decimals are clamped, not trusted")
        #expect(NumberFormat.rounded(-12.34, decimals: -3) == -12)
        #expect(FieldValue.text("x").rounded(decimals: 0) == .text("x"))
    }
}
