import Testing
@testable import GoTrace

/// Go's text conventions, checked against values Go itself prints.
@Suite struct GoTextTests {
    @Test func quoting() {
        #expect(GoText.quote("hello \"q\"") == #""hello \"q\"""#)
        #expect(GoText.quote("a\tb\nc\\") == #""a\tb\nc\\""#)
        #expect(GoText.quote("\u{7f}\u{1}") == #""\x7f\x01""#)
        #expect(GoText.quote("héllo ✓ 日本") == "\"héllo ✓ 日本\"")
        #expect(GoText.quote("\u{200b}") == #""\u200b""#)
        #expect(GoText.quote("\u{e000}") == #""\ue000""#)
        #expect(GoText.quote([0xff, 0x41, 0xc3]) == #""\xffA\xc3""#)
        #expect(GoText.quote("\u{1F600}") == "\"\u{1F600}\"")
        #expect(GoText.quote("\u{a0}") == #""\u00a0""#)
    }

    @Test func wallTime() {
        #expect(GoText.rfc3339Nano(seconds: 1_795_315_857, nanoseconds: 503_771_761) == "2026-11-22T02:50:57.503771761Z")
        #expect(GoText.rfc3339Nano(seconds: 0, nanoseconds: 0) == "1970-01-01T00:00:00Z")
        #expect(GoText.rfc3339Nano(seconds: 951_782_400, nanoseconds: 500_000_000) == "2000-02-29T00:00:00.5Z")
    }
}
