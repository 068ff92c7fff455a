// Test-only helpers for running Go's own trace reader test suite:
//   - `GoQuoted`: Go string literals (strconv.Unquote rules), as bytes.
//   - `Txtar`: txtar archives (the container of Go's `.test` files).
//   - `RawTrace`: Go's raw text trace format (internal/trace/raw), parsed into records and
//     re-encoded as the binary v2 wire format.
//   - `GoTestFile`: a `.test` file (expectation + trace).
//   - `GoFuzzCorpus`: a `go test fuzz v1` corpus file holding one `[]byte(...)` value.
// Reference: /work/shared/docs/trace-format.md section 10.

@testable import GoTrace

/// A failure to parse one of the test formats (not a trace-reading error).
struct RawTextError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Go string literals

enum GoQuoted {
    /// Decodes a Go string literal: `"..."` (interpreted) or `` `...` `` (raw), following
    /// `strconv.Unquote`. The result is bytes because `\x` and octal escapes may produce invalid UTF-8.
    static func unquote(_ literal: [UInt8]) throws(RawTextError) -> [UInt8] {
        guard literal.count >= 2, let q = literal.first, literal.last == q else {
            throw RawTextError("not a quoted string: \(show(literal))")
        }
        let body = literal[1..<(literal.count - 1)]
        switch q {
        case UInt8(ascii: "`"):
            if body.contains(UInt8(ascii: "`")) { throw RawTextError("backquote inside raw string") }
            return body.filter { $0 != UInt8(ascii: "\r") }
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            break
        default:
            throw RawTextError("not a quoted string: \(show(literal))")
        }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = body.startIndex
        var runes = 0
        while i < body.endIndex {
            let c = body[i]
            if c == q { throw RawTextError("unescaped quote inside string literal") }
            if c == UInt8(ascii: "\n") { throw RawTextError("newline inside string literal") }
            runes += 1
            if c != UInt8(ascii: "\\") {
                if c < 0x80 {
                    out.append(c)
                    i += 1
                } else {
                    // Copy one UTF-8 sequence; an invalid byte becomes U+FFFD, as Go's UnquoteChar does.
                    let n = validUTF8Length(body, at: i)
                    if n > 0 {
                        out.append(contentsOf: body[i..<(i + n)])
                        i += n
                    } else {
                        out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                        i += 1
                    }
                }
                continue
            }
            i += 1
            guard i < body.endIndex else { throw RawTextError("trailing backslash in string literal") }
            let e = body[i]
            i += 1
            switch e {
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                guard e == q else { throw RawTextError("invalid escape \\\(Character(Unicode.Scalar(e)))") }
                out.append(e)
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let n = e == UInt8(ascii: "x") ? 2 : (e == UInt8(ascii: "u") ? 4 : 8)
                guard i + n <= body.endIndex else { throw RawTextError("short \\\(Character(Unicode.Scalar(e))) escape") }
                var v: UInt32 = 0
                for k in i..<(i + n) {
                    guard let d = hexValue(body[k]) else { throw RawTextError("bad hex digit in escape") }
                    v = v << 4 | UInt32(d)
                }
                i += n
                if e == UInt8(ascii: "x") {
                    out.append(UInt8(v))
                } else {
                    guard let s = Unicode.Scalar(v) else { throw RawTextError("invalid Unicode code point in escape") }
                    out.append(contentsOf: Array(String(Character(s)).utf8))
                }
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard i + 2 <= body.endIndex else { throw RawTextError("short octal escape") }
                var v = UInt32(e - UInt8(ascii: "0"))
                for k in i..<(i + 2) {
                    let d = body[k]
                    guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "7") else { throw RawTextError("bad octal digit in escape") }
                    v = v << 3 | UInt32(d - UInt8(ascii: "0"))
                }
                i += 2
                guard v <= 255 else { throw RawTextError("octal escape value > 255") }
                out.append(UInt8(v))
            default:
                throw RawTextError("invalid escape \\\(Character(Unicode.Scalar(e)))")
            }
        }
        if q == UInt8(ascii: "'"), runes != 1 { throw RawTextError("character literal must hold one character") }
        return out
    }

    static func unquote(_ literal: String) throws(RawTextError) -> [UInt8] {
        try unquote(Array(literal.utf8))
    }

    /// Like `unquote`, for text that must be a string (regexps, error messages).
    static func unquoteString(_ literal: String) throws(RawTextError) -> String {
        String(decoding: try unquote(literal), as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Length of the valid UTF-8 sequence starting at `i`, or 0 if it is not valid.
    private static func validUTF8Length(_ b: ArraySlice<UInt8>, at i: Int) -> Int {
        let c = b[i]
        let n: Int
        switch c {
        case 0xC2...0xDF: n = 2
        case 0xE0...0xEF: n = 3
        case 0xF0...0xF4: n = 4
        default: return 0
        }
        guard i + n <= b.endIndex else { return 0 }
        for k in (i + 1)..<(i + n) where b[k] & 0xC0 != 0x80 { return 0 }
        // Reject overlong forms, surrogates and values above U+10FFFF.
        let c1 = b[i + 1]
        if c == 0xE0, c1 < 0xA0 { return 0 }
        if c == 0xED, c1 > 0x9F { return 0 }
        if c == 0xF0, c1 < 0x90 { return 0 }
        if c == 0xF4, c1 > 0x8F { return 0 }
        return n
    }

    private static func show(_ b: [UInt8]) -> String {
        String(decoding: b.prefix(40), as: UTF8.self)
    }
}

// MARK: - txtar

/// A txtar archive (Go's `internal/txtar`): an optional comment, then files introduced by
/// `-- NAME --` marker lines.
struct Txtar {
    var comment: [UInt8]
    var files: [(name: String, data: [UInt8])]

    init(_ data: [UInt8]) {
        // Split into lines keeping their newline, then walk markers.
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (i, b) in data.enumerated() where b == UInt8(ascii: "\n") {
            lines.append(data[start...i])
            start = i + 1
        }
        if start < data.count { lines.append(data[start...]) }

        var current: [UInt8] = []
        var name: String?
        comment = []
        files = []
        for line in lines {
            if let marker = Txtar.markerName(line) {
                if let name { files.append((name, current)) } else { comment = current }
                name = marker
                current = []
            } else {
                current.append(contentsOf: line)
            }
        }
        // A section that does not end in a newline gets one (Go's fixNL).
        if !current.isEmpty, current.last != UInt8(ascii: "\n") { current.append(UInt8(ascii: "\n")) }
        if let name { files.append((name, current)) } else { comment = current }
    }

    /// The file name if `line` (including any trailing newline) is a `-- NAME --` marker.
    private static func markerName(_ line: ArraySlice<UInt8>) -> String? {
        var l = line
        if l.last == UInt8(ascii: "\n") { l = l.dropLast() }
        let open = Array("-- ".utf8), close = Array(" --".utf8)
        guard l.count >= open.count + close.count, l.starts(with: open), l.suffix(close.count).elementsEqual(close) else {
            return nil
        }
        let inner = String(decoding: l.dropFirst(open.count).dropLast(close.count), as: UTF8.self)
        let name = inner.trimmingGoSpace()
        return name.isEmpty ? nil : name
    }
}

// MARK: - Raw text trace format

/// One wire record: its type byte, its uvarint arguments (for stacks, `id nframes` then
/// `pc func file line` per frame) and, for records with data, the data bytes.
struct RawRecord: Equatable {
    var type: UInt8
    var args: [UInt64]
    var data: [UInt8]?

    var name: String { Wire.specs[Int(type)].name }

    /// The binary wire encoding (Go's `raw.Writer.WriteEvent`).
    func encoded() -> [UInt8] {
        var out: [UInt8] = [type]
        for a in args { RawRecord.appendUvarint(&out, a) }
        if let data {
            RawRecord.appendUvarint(&out, UInt64(data.count))
            out.append(contentsOf: data)
        }
        return out
    }

    static func appendUvarint(_ out: inout [UInt8], _ value: UInt64) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}

/// A trace in Go's raw text format (`internal/trace/raw`).
struct RawTrace {
    /// N in `Trace Go1.N`.
    var minor: Int
    var records: [RawRecord]

    /// Trace versions Go 1.27's text reader accepts (`version.Valid` minus the v1 ones).
    static let textVersions: Set<Int> = [22, 23, 25, 26]

    /// Parses the text form, with the same checks as Go's `raw.TextReader`.
    init(text: [UInt8]) throws(RawTextError) {
        var lines = RawTrace.lines(text)[...]
        guard let header = RawTrace.nextLine(&lines) else { throw RawTextError("empty trace text") }
        var (tok, rest) = RawTrace.token(header)
        guard tok == "Trace" else { throw RawTextError("failed to parse header") }
        (tok, rest) = RawTrace.token(rest)
        guard tok.hasPrefix("Go1."), let v = UInt64(tok.dropFirst(4)) else {
            throw RawTextError("failed to parse header Go version")
        }
        guard v <= UInt64(Int.max), RawTrace.textVersions.contains(Int(v)) else {
            throw RawTextError("unknown or unsupported Go version 1.\(v)")
        }
        guard RawTrace.token(rest).token.isEmpty else {
            throw RawTextError("encountered unexpected non-space at the end of the header: \(rest)")
        }
        minor = Int(v)

        // Name → type for this version's event table.
        var names: [String: UInt8] = [:]
        for t in 1...Int(Wire.maxType(forMinor: minor)) where !Wire.specs[t].name.isEmpty {
            names[Wire.specs[t].name] = UInt8(t)
        }

        records = []
        while let line = RawTrace.nextLine(&lines) {
            let (evName, rest) = RawTrace.token(line)
            guard let type = names[evName] else { throw RawTextError("unidentified event: \(evName)") }
            let spec = Wire.specs[Int(type)]
            var args: [UInt64]
            do {
                args = try RawTrace.args(rest, spec.args)
            } catch {
                throw RawTextError("reading args for \(evName): \(error)")
            }
            if spec.isStack {
                let n = args[1]
                var k: UInt64 = 0
                while k < n {
                    guard let frame = RawTrace.nextLine(&lines) else {
                        throw RawTextError("unexpected EOF while reading stack: args=\(args)")
                    }
                    args += try RawTrace.args(frame, ["pc", "func", "file", "line"])
                    k += 1
                }
            }
            var data: [UInt8]?
            if spec.hasData {
                guard let line = RawTrace.nextLine(&lines) else {
                    throw RawTextError("unexpected EOF while reading data for \(evName): args=\(args)")
                }
                data = try RawTrace.data(line)
            }
            records.append(RawRecord(type: type, args: args, data: data))
        }
    }

    init(text: String) throws(RawTextError) {
        try self.init(text: Array(text.utf8))
    }

    /// The binary trace: the 16-byte header then every record (Go's `raw.Writer`).
    func encoded() -> [UInt8] {
        var out = RawTrace.header(minor: minor)
        for r in records { out += r.encoded() }
        return out
    }

    static func header(minor: Int) -> [UInt8] {
        Array("go 1.\(minor) trace\0\0\0".utf8)
    }

    /// Batches whose `size=` differs from the encoded size of the records up to the next batch
    /// header: (index of the batch record, declared size, actual size).
    func batchSizeMismatches() -> [(index: Int, declared: UInt64, actual: Int)] {
        var result: [(Int, UInt64, Int)] = []
        var current: (index: Int, declared: UInt64)?
        var size = 0
        func close() {
            if let c = current, c.declared != UInt64(size) { result.append((c.index, c.declared, size)) }
        }
        for (i, r) in records.enumerated() {
            if r.type == Wire.eventBatch {
                close()
                current = (i, r.args[3])
                size = 0
            } else if r.type == Wire.experimentalBatch {
                close()
                current = nil
            } else {
                size += r.encoded().count
            }
        }
        close()
        return result
    }

    // MARK: Lexing (Go's readToken / nextLine / readArgs / readData)

    /// Lines as `bufio.ScanLines` yields them: split on `\n`, one trailing `\r` dropped.
    private static func lines(_ text: [UInt8]) -> [String] {
        var result: [String] = []
        var start = 0
        func add(_ end: Int) {
            var e = end
            if e > start, text[e - 1] == UInt8(ascii: "\r") { e -= 1 }
            result.append(String(decoding: text[start..<e], as: UTF8.self))
        }
        for (i, b) in text.enumerated() where b == UInt8(ascii: "\n") {
            add(i)
            start = i + 1
        }
        if start < text.count { add(text.count) }
        return result
    }

    /// The next line with a token on it (blank lines and comment lines are skipped).
    private static func nextLine(_ lines: inout ArraySlice<String>) -> String? {
        while let l = lines.popFirst() {
            if !token(l).token.isEmpty { return l }
        }
        return nil
    }

    /// Go's `readToken`: skips leading space; `#` starts a comment that ends the line.
    static func token(_ s: String) -> (token: String, rest: String) {
        let scalars = s.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.isGoSpace }) else { return ("", "") }
        if scalars[start] == "#" { return ("", "") }
        guard let end = scalars[start...].firstIndex(where: { $0.isGoSpace || $0 == "#" }) else {
            return (String(scalars[start...]), "")
        }
        return (String(scalars[start..<end]), String(scalars[end...]))
    }

    private static func args(_ line: String, _ names: [String]) throws(RawTextError) -> [UInt64] {
        var s = line
        var values: [UInt64] = []
        for name in names {
            let (tok, rest) = token(s)
            guard !tok.isEmpty else { throw RawTextError("no argument") }
            guard let eq = tok.firstIndex(of: "=") else { throw RawTextError("malformed argument: \(tok)") }
            let arg = String(tok[..<eq]), val = tok[tok.index(after: eq)...]
            // strconv.ParseUint base 10: digits only (an underscore or sign is an error).
            guard !val.isEmpty, val.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let v = UInt64(val) else {
                throw RawTextError("failed to parse argument value \(val) for arg \(arg)")
            }
            guard arg == name else { throw RawTextError("expected argument \"\(name)\", but got \"\(arg)\"") }
            values.append(v)
            s = rest
        }
        guard s.unicodeScalars.allSatisfy(\.isGoSpace) else {
            throw RawTextError("encountered unexpected non-space at the end of an event: \(s)")
        }
        return values
    }

    private static func data(_ line: String) throws(RawTextError) -> [UInt8] {
        guard let eq = line.firstIndex(of: "="), line[..<eq].trimmingGoSpace() == "data" else {
            throw RawTextError("malformed data: \(line)")
        }
        do {
            return try GoQuoted.unquote(String(line[line.index(after: eq)...]).trimmingGoSpace())
        } catch {
            throw RawTextError("failed to parse data: \(line): \(error)")
        }
    }
}

// MARK: - .test files

/// What a `.test` file expects from reading its trace (Go's `testtrace.Expectation`).
enum GoExpectation: Equatable {
    case success
    /// The Go regexp, already unquoted.
    case failure(pattern: String)

    init(_ text: [UInt8]) throws(RawTextError) {
        let first = String(decoding: text.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let line = first.hasSuffix("\r") ? String(first.dropLast()) : first
        let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        switch parts.first.map(String.init) {
        case "SUCCESS":
            self = .success
        case "FAILURE":
            guard parts.count == 2 else { throw RawTextError("bad header line for FAILURE: \(line)") }
            self = .failure(pattern: try GoQuoted.unquoteString(String(parts[1])))
        default:
            throw RawTextError("bad header line: \(line)")
        }
    }

    /// Whether `message` matches the Go regexp (unanchored, like `regexp.MatchString`).
    /// The suite's patterns use only syntax that Swift's `Regex` reads the same way.
    static func matches(pattern: String, _ message: String) throws -> Bool {
        let regex = try Regex(pattern)
        return message.contains(regex)
    }
}

/// A Go `internal/trace/testdata/tests/*.test` file.
struct GoTestFile {
    var expectation: GoExpectation
    var trace: RawTrace

    init(contents: [UInt8]) throws(RawTextError) {
        let ar = Txtar(contents)
        guard ar.files.count == 2 else { throw RawTextError("malformed test: wrong number of files") }
        guard ar.files[0].name == "expect" else { throw RawTextError("malformed test: bad filename \(ar.files[0].name)") }
        guard ar.files[1].name == "trace" else { throw RawTextError("malformed test: bad filename \(ar.files[1].name)") }
        trace = try RawTrace(text: ar.files[1].data)
        expectation = try GoExpectation(ar.files[0].data)
    }
}

// MARK: - Go fuzz corpus files

/// A `go test fuzz v1` corpus file with a single `[]byte(...)` value.
enum GoFuzzCorpus {
    static func decode(_ contents: [UInt8]) throws(RawTextError) -> [UInt8] {
        let lines = contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            .map { String(decoding: $0, as: UTF8.self).trimmingGoSpace() }
            .filter { !$0.isEmpty }
        guard lines.first == "go test fuzz v1" else { throw RawTextError("missing 'go test fuzz v1' header") }
        guard lines.count == 2 else { throw RawTextError("expected exactly one value, got \(lines.count - 1)") }
        let v = lines[1]
        guard v.hasPrefix("[]byte("), v.hasSuffix(")") else { throw RawTextError("value is not a []byte literal: \(v.prefix(40))") }
        let literal = v.dropFirst("[]byte(".count).dropLast().trimmingGoSpace()
        return try GoQuoted.unquote(literal)
    }
}

// MARK: - Go's notion of white space (unicode.IsSpace)

extension Unicode.Scalar {
    /// `unicode.IsSpace`: the Latin-1 spaces plus the White_Space property elsewhere.
    var isGoSpace: Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0: return true
        case 0..<0x100: return false
        default: return properties.isWhitespace
        }
    }
}

extension StringProtocol {
    /// `strings.TrimSpace`.
    func trimmingGoSpace() -> String {
        let s = unicodeScalars
        guard let a = s.firstIndex(where: { !$0.isGoSpace }), let b = s.lastIndex(where: { !$0.isGoSpace }) else { return "" }
        return String(String.UnicodeScalarView(s[a...b]))
    }
}
