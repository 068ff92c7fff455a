/// A gzip container (RFC 1952) around deflate "stored" blocks (RFC 1951 §3.2.4).
///
/// pprof files are gzip-compressed protobufs. Foundation on Linux has no gzip API and this
/// package links no zlib, so the profile is wrapped without compression: a valid gzip stream
/// that every gzip reader (Go's `compress/gzip`, `go tool pprof`, `gunzip`) accepts. Profiles
/// of blocking intervals are small (kilobytes), so the missing compression costs little.
public enum Gzip {
    /// `data` as a gzip stream of stored deflate blocks.
    public static func stored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]  // magic, deflate, no flags, mtime 0, OS unknown
        out.reserveCapacity(data.count + data.count / 65535 * 5 + 32)
        var i = 0
        repeat {
            let n = min(65535, data.count - i)
            let final: UInt8 = i + n == data.count ? 1 : 0
            out.append(final)  // BFINAL, BTYPE = 00 (stored)
            out.append(UInt8(n & 0xff))
            out.append(UInt8(n >> 8))
            out.append(UInt8(~n & 0xff))
            out.append(UInt8((~n >> 8) & 0xff))
            out.append(contentsOf: data[i..<(i + n)])
            i += n
        } while i < data.count
        appendLE32(&out, crc32(data))
        appendLE32(&out, UInt32(truncatingIfNeeded: data.count))
        return out
    }

    /// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as gzip uses.
    public static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        for b in data {
            c = table[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8)
        }
        return ~c
    }

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xedb8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func appendLE32(_ out: inout [UInt8], _ v: UInt32) {
        for s in stride(from: 0, to: 32, by: 8) { out.append(UInt8((v >> UInt32(s)) & 0xff)) }
    }
}
