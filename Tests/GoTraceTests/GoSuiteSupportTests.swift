// Unit tests of the GoSuite test helpers (Support/RawText.swift): they must be right for the
// suite's verdicts to mean anything.

import Testing
@testable import GoTrace

@Suite("GoSuite support")
struct GoSuiteSupportTests {
    @Test("Go string literals unquote with strconv.Unquote's rules")
    func unquote() throws {
        #expect(try GoQuoted.unquote(#""abc""#) == Array("abc".utf8))
        #expect(try GoQuoted.unquote(#""\a\b\f\n\r\t\v\\\"""#) == [7, 8, 12, 10, 13, 9, 11, 92, 34])
        #expect(try GoQuoted.unquote(#""\x00\xff\377\101""#) == [0, 0xFF, 0xFF, 0x41])
        #expect(try GoQuoted.unquote(#""\u00e9\U0001F600""#) == Array("é😀".utf8))
        #expect(try GoQuoted.unquote("\"ߕ\"") == [0xDF, 0x95])
        #expect(try GoQuoted.unquote("`a\\n\r`") == Array("a\\n".utf8))
        #expect(try GoQuoted.unquote(#"'\''"#) == [39])
        for bad in [#""\'""#, #""\q""#, #""\x4""#, #""\400""#, #""\uD800""#, "\"a\nb\"", #""a"b""#, #""abc"#, "abc"] {
            #expect(throws: RawTextError.self, "\(bad)") { try GoQuoted.unquote(bad) }
        }
    }

    @Test("txtar archives split at marker lines")
    func txtar() {
        let ar = Txtar(Array("comment\n-- a --\nx\n-- b.txt --\ny\nz".utf8))
        #expect(ar.comment == Array("comment\n".utf8))
        #expect(ar.files.map(\.name) == ["a", "b.txt"])
        #expect(ar.files.map(\.data) == [Array("x\n".utf8), Array("y\nz\n".utf8)])
        #expect(Txtar(Array("--  --\n-- a --".utf8)).files.map(\.name) == ["a"])
    }

    @Test("raw text traces encode as Go's raw.Writer does")
    func rawText() throws {
        let t = try RawTrace(text: """
            Trace Go1.22
            # comment line
            EventBatch gen=1 m=18446744073709551615 time=300 size=16
            Stacks
            Stack id=1 nframes=1
            \tpc=200 func=2 file=3 line=4
            String id=2
            \tdata="f\\x00é"

            """)
        #expect(t.minor == 22)
        #expect(t.records.map(\.name) == ["EventBatch", "Stacks", "Stack", "String"])
        #expect(t.batchSizeMismatches().isEmpty)
        var want = Array("go 1.22 trace\0\0\0".utf8)
        want += [1, 1] + [UInt8](repeating: 0xFF, count: 9) + [0x01, 0xAC, 0x02, 16]
        want += [2, 3, 1, 1, 0xC8, 0x01, 2, 3, 4, 5, 2, 4, 0x66, 0, 0xC3, 0xA9]
        #expect(t.encoded() == want)
    }

    @Test("raw text errors follow Go's text reader")
    func rawTextErrors() {
        let cases = [
            "Trace Go1.24\n",                          // not a version Go's reader knows
            "Trace Go1.22 x\n",                        // junk after the header
            "Trace Go1.22\nProcStart dt=1 p=0\n",      // missing argument
            "Trace Go1.22\nProcStop dt=1 p=0\n",       // extra argument
            "Trace Go1.22\nProcStop t=1\n",            // wrong name
            "Trace Go1.22\nProcStop dt=-1\n",          // not an unsigned decimal
            "Trace Go1.22\nProcStop dt=1 # comment\n",  // Go allows no comment after arguments
            "Trace Go1.22\nClockSnapshot dt=1 mono=1 sec=1 nsec=1\n", // Go 1.25+ event in a 1.22 trace
            "Trace Go1.22\nString id=1\n",             // data line missing
            "Trace Go1.22\nStack id=1 nframes=2\n\tpc=1 func=1 file=1 line=1\n",
        ]
        for text in cases {
            #expect(throws: RawTextError.self, "\(text)") { try RawTrace(text: text) }
        }
    }

    @Test("fuzz corpus files decode to their []byte value")
    func fuzzCorpus() throws {
        #expect(try GoFuzzCorpus.decode(Array("go test fuzz v1\n[]byte(\"go\\x00\\a\")\n".utf8)) == [0x67, 0x6F, 0, 7])
        #expect(throws: RawTextError.self) { try GoFuzzCorpus.decode(Array("go test fuzz v1\nstring(\"x\")\n".utf8)) }
    }

    @Test("FAILURE expectations hold Go-quoted regexps")
    func expectation() throws {
        #expect(try GoExpectation(Array("SUCCESS\n".utf8)) == .success)
        let e = try GoExpectation(Array(#"FAILURE ".*didn't have \"one\".*""#.utf8))
        #expect(e == .failure(pattern: #".*didn't have "one".*"#))
        #expect(try GoExpectation.matches(pattern: "proc but", "expected a proc but didn't"))
        #expect(try !GoExpectation.matches(pattern: "^proc", "expected a proc"))
        #expect(throws: RawTextError.self) { try GoExpectation(Array("FAILURE\n".utf8)) }
    }
}
