/// A small streaming JSON writer into a byte buffer.
///
/// The timeline answers are large arrays of integers; writing them directly is several times
/// faster than building `Codable` values and encoding them, and keeps each request's cost linear
/// in its output.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next value in the current container needs a comma first.
    private var needComma: [Bool] = [false]

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    private mutating func separate() {
        if needComma[needComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needComma[needComma.count - 1] = true
    }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needComma.append(false)
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needComma.removeLast()
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needComma.append(false)
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needComma.removeLast()
    }

    /// Writes `"name":`; the value that follows does not get a comma.
    mutating func key(_ name: String) {
        separate()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        needComma[needComma.count - 1] = false
    }

    mutating func value(_ v: Int64) {
        separate()
        writeInt(v)
    }

    mutating func value(_ v: Int) { value(Int64(v)) }

    mutating func value(_ v: Double) {
        separate()
        if v.isFinite {
            bytes.append(contentsOf: String(v).utf8)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
    }

    mutating func value(_ v: Bool) {
        separate()
        bytes.append(contentsOf: (v ? "true" : "false").utf8)
    }

    mutating func value(_ s: String) {
        separate()
        writeString(s)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    mutating func field(_ k: String, _ v: Int64) { key(k); value(v) }
    mutating func field(_ k: String, _ v: Int) { key(k); value(v) }
    mutating func field(_ k: String, _ v: Double) { key(k); value(v) }
    mutating func field(_ k: String, _ v: Bool) { key(k); value(v) }
    mutating func field(_ k: String, _ v: String) { key(k); value(v) }
    mutating func field(_ k: String, _ v: String?) {
        key(k)
        if let v { value(v) } else { null() }
    }

    /// A flat array of integers.
    mutating func array(_ values: [Int64]) {
        beginArray()
        for (i, v) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            writeInt(v)
        }
        needComma[needComma.count - 1] = !values.isEmpty
        endArray()
    }

    private mutating func writeInt(_ v: Int64) {
        if v == 0 { bytes.append(UInt8(ascii: "0")); return }
        var u = v.magnitude
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { buf in
            while u > 0 {
                buf[n] = UInt8(u % 10) + UInt8(ascii: "0")
                u /= 10
                n += 1
            }
            for k in stride(from: n - 1, through: 0, by: -1) { bytes.append(buf[k]) }
        }
    }

    private mutating func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [92, 110])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [92, 114])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [92, 116])
            case UInt8(ascii: "<"): bytes.append(contentsOf: Array("\\u003c".utf8))
            case UInt8(ascii: ">"): bytes.append(contentsOf: Array("\\u003e".utf8))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
