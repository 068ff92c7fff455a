/// A forward-only reader over a byte range of a trace.
///
/// Every read checks the remaining length, so hostile sizes and truncated input surface as
/// `TraceError`s instead of traps. Offsets are absolute file offsets.
struct ByteCursor {
    let base: UnsafeRawPointer?
    var pos: Int
    let end: Int

    init(_ buffer: UnsafeRawBufferPointer, from start: Int = 0, to end: Int? = nil) {
        base = buffer.baseAddress
        pos = start
        self.end = end ?? buffer.count
    }

    @inline(__always) var isAtEnd: Bool { pos >= end }
    @inline(__always) var remaining: Int { end - pos }

    @inline(__always)
    mutating func readByte() -> UInt8? {
        guard pos < end, let base else { return nil }
        let b = base.load(fromByteOffset: pos, as: UInt8.self)
        pos += 1
        return b
    }

    @inline(__always)
    func peekByte() -> UInt8? {
        guard pos < end, let base else { return nil }
        return base.load(fromByteOffset: pos, as: UInt8.self)
    }

    /// Reads an unsigned LEB128 value like Go's `binary.ReadUvarint`: at most 10 bytes,
    /// non-minimal encodings accepted, the 10th byte must be <= 1. Returns nil on EOF or overflow;
    /// `eof` tells which.
    @inline(__always)
    mutating func readUvarint() -> UInt64? {
        guard let base else { return nil }
        var x: UInt64 = 0
        var s: UInt64 = 0
        var i = 0
        while pos < end {
            let b = base.load(fromByteOffset: pos, as: UInt8.self)
            pos += 1
            if b < 0x80 {
                if i == 9 && b > 1 { return nil }
                return x | UInt64(b) << s
            }
            x |= UInt64(b & 0x7f) << s
            s += 7
            i += 1
            if i == 10 { return nil }
        }
        return nil
    }

    /// Returns a pointer range of `count` bytes and advances, or nil if fewer remain.
    mutating func readBytes(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, count <= remaining, let base else { return nil }
        let r = UnsafeRawBufferPointer(start: base + pos, count: count)
        pos += count
        return r
    }
}
