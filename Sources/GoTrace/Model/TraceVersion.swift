/// The trace format version from the file header (`go 1.N trace`).
public struct TraceVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// N in "go 1.N".
    public let minor: Int

    /// Versions whose header Go has written.
    public static let known: Set<Int> = [5, 7, 8, 9, 10, 11, 19, 21, 22, 23, 25, 26]

    /// Go 1.22+ generational format.
    public var isV2: Bool { minor >= 22 }
    public var description: String { "go 1.\(minor)" }

    /// The Go releases that write this format.
    public var writtenBy: String {
        switch minor {
        case 5: return "Go 1.5–1.6"
        case 7: return "Go 1.7"
        case 8: return "Go 1.8"
        case 9: return "Go 1.9"
        case 10: return "Go 1.10"
        case 11: return "Go 1.11–1.18"
        case 19: return "Go 1.19–1.20"
        case 21: return "Go 1.21"
        case 22: return "Go 1.22"
        case 23: return "Go 1.23–1.24"
        case 25: return "Go 1.25"
        case 26: return "Go 1.26–1.27"
        default: return "unknown"
        }
    }

    public static func < (a: TraceVersion, b: TraceVersion) -> Bool { a.minor < b.minor }

    /// Parses the 16-byte header as Go 1.27's `version.ReadHeader` does.
    public static func read(_ buffer: UnsafeRawBufferPointer) throws(TraceError) -> TraceVersion {
        let bad = TraceError("bad file format: not a Go execution trace?", offset: 0)
        let prefix = Array("go 1.".utf8)
        guard buffer.count >= prefix.count else { throw bad }
        for (i, b) in prefix.enumerated() where buffer[i] != b { throw bad }
        var i = prefix.count
        var v = 0
        var digits = 0
        while i < buffer.count, buffer[i] >= 0x30, buffer[i] <= 0x39, digits < 9 {
            v = v * 10 + Int(buffer[i] - 0x30)
            i += 1
            digits += 1
        }
        guard digits > 0 else { throw bad }
        let rest = Array(" trace\0\0\0".utf8)
        for b in rest {
            guard i < buffer.count, buffer[i] == b else { throw bad }
            i += 1
        }
        guard known.contains(v) else {
            throw TraceError("unknown or unsupported trace version go 1.\(v)", offset: 0)
        }
        return TraceVersion(minor: v)
    }
}
