import Foundation
import Testing
@testable import GoTrace

/// Byte-for-byte conformance with Go 1.27.3's `go tool trace -d=...` on every Go 1.22+ fixture.
@Suite struct V2GoldenTests {
    @Test("-d=parsed is byte-identical", arguments: Fixtures.v2(with: "parsed"))
    func parsed(name: String) throws {
        let want = try Fixtures.expectation(name, "parsed")
        let (text, error) = parsedOutput(try TraceBytes(path: Fixtures.tracePath(name)))
        #expect(text == want.stdout, "stdout differs from go tool trace -d=parsed for \(name)")
        if want.exit == 0 {
            #expect(error == nil, "unexpected error \(String(describing: error))")
        } else {
            #expect(error?.message == want.stderr.trimmingCharacters(in: .newlines))
        }
    }

    @Test("-d=wire is byte-identical", arguments: Fixtures.v2(with: "wire"))
    func wire(name: String) throws {
        let want = try Fixtures.expectation(name, "wire")
        var text = ""
        var failure: TraceError?
        do {
            try WireDump.dump(try TraceBytes(path: Fixtures.tracePath(name))) { text += $0 + "\n" }
        } catch {
            failure = error
        }
        #expect(text == want.stdout)
        #expect((failure == nil) == (want.exit == 0))
        if want.exit != 0 { #expect(failure?.message == want.stderr.trimmingCharacters(in: .newlines)) }
    }

    @Test("-d=footprint is byte-identical", arguments: Fixtures.v2(with: "footprint"))
    func footprint(name: String) throws {
        let want = try Fixtures.expectation(name, "footprint")
        if want.exit != 0 {
            #expect(throws: TraceError.self) { try WireDump.footprint(try TraceBytes(path: Fixtures.tracePath(name))) }
        } else {
            let text = try WireDump.footprint(try TraceBytes(path: Fixtures.tracePath(name)))
            #expect(text == want.stdout)
        }
    }

    @Test("fixtures cover every v2 header version and Go release")
    func coverage() {
        let names = Fixtures.v2(with: "parsed")
        let versions = Set(names.map(Fixtures.version))
        #expect(versions == [22, 23, 25, 26])
        for release in ["1.22.10", "1.23.9", "1.24.11", "1.25.5", "1.26.6", "1.27.3"] {
            #expect(names.contains { $0.hasSuffix("go\(release)") }, "no fixture from Go \(release)")
        }
        #expect(names.contains { $0.hasPrefix("flightrecorder-") })
        #expect(names.contains { $0.hasSuffix("-truncated") })
    }
}
