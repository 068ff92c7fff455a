/// Go's text conventions that our outputs must reproduce byte for byte.
public enum GoText {
    /// Go's `strconv.Quote` of raw bytes: escapes, `\xNN` for invalid UTF-8, printable runes kept.
    public static func quote(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + 2)
        out.append(0x22)
        var i = 0
        let hex = Array("0123456789abcdef".utf8)
        func appendHex(_ v: UInt32, digits: Int) {
            for k in stride(from: digits - 1, through: 0, by: -1) { out.append(hex[Int((v >> (UInt32(k) * 4)) & 0xf)]) }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                switch b {
                case 0x07: out += Array("\\a".utf8)
                case 0x08: out += Array("\\b".utf8)
                case 0x0c: out += Array("\\f".utf8)
                case 0x0a: out += Array("\\n".utf8)
                case 0x0d: out += Array("\\r".utf8)
                case 0x09: out += Array("\\t".utf8)
                case 0x0b: out += Array("\\v".utf8)
                case 0x22: out += Array("\\\"".utf8)
                case 0x5c: out += Array("\\\\".utf8)
                default:
                    if b < 0x20 || b == 0x7f {
                        out += Array("\\x".utf8)
                        appendHex(UInt32(b), digits: 2)
                    } else {
                        out.append(b)
                    }
                }
                continue
            }
            // Decode one UTF-8 sequence.
            let (scalar, len) = decodeUTF8(bytes, i)
            guard let scalar else {
                out += Array("\\x".utf8)
                appendHex(UInt32(b), digits: 2)
                i += 1
                continue
            }
            if isPrint(scalar) {
                out += bytes[i..<(i + len)]
            } else if scalar.value < 0x10000 {
                out += Array("\\u".utf8)
                appendHex(scalar.value, digits: 4)
            } else {
                out += Array("\\U".utf8)
                appendHex(scalar.value, digits: 8)
            }
            i += len
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }

    public static func quote(_ s: String) -> String { quote(Array(s.utf8)) }

    /// Decodes a UTF-8 sequence at `i` with Go's rules (no surrogates, no overlongs).
    static func decodeUTF8(_ b: [UInt8], _ i: Int) -> (Unicode.Scalar?, Int) {
        let b0 = b[i]
        func cont(_ k: Int) -> UInt32? {
            guard i + k < b.count, b[i + k] & 0xc0 == 0x80 else { return nil }
            return UInt32(b[i + k] & 0x3f)
        }
        if b0 >= 0xc2 && b0 <= 0xdf, let c1 = cont(1) {
            return (Unicode.Scalar(UInt32(b0 & 0x1f) << 6 | c1), 2)
        }
        if b0 >= 0xe0 && b0 <= 0xef, let c1 = cont(1), let c2 = cont(2) {
            let v = UInt32(b0 & 0x0f) << 12 | c1 << 6 | c2
            if v < 0x800 || (v >= 0xd800 && v <= 0xdfff) { return (nil, 1) }
            return (Unicode.Scalar(v), 3)
        }
        if b0 >= 0xf0 && b0 <= 0xf4, let c1 = cont(1), let c2 = cont(2), let c3 = cont(3) {
            let v = UInt32(b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
            if v < 0x10000 || v > 0x10ffff { return (nil, 1) }
            return (Unicode.Scalar(v), 4)
        }
        return (nil, 1)
    }

    /// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and U+0020.
    static func isPrint(_ s: Unicode.Scalar) -> Bool {
        if s.value == 0x20 { return true }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    /// Go's `time.Time.Format(time.RFC3339Nano)` in UTC.
    public static func rfc3339Nano(seconds: Int64, nanoseconds: Int64) -> String {
        var sec = seconds
        var nsec = nanoseconds
        // Normalize like time.Unix.
        if nsec < 0 || nsec >= 1_000_000_000 {
            sec += nsec / 1_000_000_000
            nsec %= 1_000_000_000
            if nsec < 0 { nsec += 1_000_000_000; sec -= 1 }
        }
        var days = sec / 86400
        var rem = sec % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        // Civil from days (Howard Hinnant).
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        var y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        if m <= 2 { y += 1 }
        func pad(_ v: Int64, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem % 3600 / 60, 2)):\(pad(rem % 60, 2))"
        if nsec != 0 {
            var frac = pad(nsec, 9)
            while frac.hasSuffix("0") { frac.removeLast() }
            out += "." + frac
        }
        return out + "Z"
    }
}
