/// The raw record view of a Go 1.22+ trace: what `go tool trace -d=wire` and `-d=footprint` print.
///
/// Records are read as a flat sequence (batch headers are records too), without interpreting
/// them, restricted to the event types the header's version defines, as Go's `raw.Reader` does.
public enum WireDump {
    struct Record {
        var type: UInt8
        var args: [UInt64]
        var data: UnsafeRawBufferPointer?
        var encodedSize: Int
    }

    /// Iterates records; `body` returns false to stop. Errors use Go's raw-reader wording.
    static func records(_ bytes: TraceBytes, _ body: (Record) -> Void) throws(TraceError) -> TraceVersion {
        let v = try TraceVersion.read(bytes.buffer)
        let limit: Int = v.isV2 ? (v.minor >= 26 ? 137 : Int(Wire.maxType(forMinor: v.minor)) + 1) : 0
        var c = ByteCursor(bytes.buffer, from: 16)
        func uv(_ c: inout ByteCursor) throws(TraceError) -> UInt64 {
            let at = c.pos
            guard let x = c.readUvarint() else {
                if c.pos >= c.end { throw TraceError(at == c.end ? "EOF" : "unexpected EOF", offset: at) }
                throw TraceError("binary: varint overflows a 64-bit integer", offset: at)
            }
            return x
        }
        while let b = c.readByte() {
            let start = c.pos - 1
            guard Int(b) < limit, b != 0, !Wire.specs[Int(b)].name.isEmpty || Int(b) < limit else {
                throw TraceError("invalid event type: \(b)", offset: start)
            }
            let spec = Wire.specs[Int(b)]
            var args: [UInt64] = []
            args.reserveCapacity(spec.args.count)
            for _ in spec.args { args.append(try uv(&c)) }
            if spec.isStack, args.count > 1 {
                let n = args[1]
                var i: UInt64 = 0
                while i < n {
                    for _ in 0..<4 { args.append(try uv(&c)) }
                    i += 1
                }
            }
            var data: UnsafeRawBufferPointer?
            if spec.hasData {
                let len = try uv(&c)
                guard len <= UInt64(c.remaining) else { throw TraceError("EOF", offset: c.pos) }
                data = c.readBytes(Int(len))
            }
            body(Record(type: b, args: args, data: data, encodedSize: c.pos - start))
        }
        return v
    }

    /// `-d=wire`: one line (plus frame/data lines) per record.
    public static func dump(_ bytes: TraceBytes, _ emit: (String) -> Void) throws(TraceError) {
        _ = try records(bytes) { r in
            let spec = Wire.specs[Int(r.type)]
            var s = spec.name
            for (i, name) in spec.args.enumerated() {
                s += " \(name)=\(r.args[i])"
            }
            if spec.isStack {
                let frames = r.args.dropFirst(spec.args.count)
                let names = ["pc", "func", "file", "line"]
                for (i, v) in frames.enumerated() {
                    s += i % 4 == 0 ? "\n\t" : " "
                    s += "\(names[i % 4])=\(v)"
                }
            }
            if let d = r.data {
                s += "\n\tdata=" + GoText.quote(Array(d))
            }
            emit(s)
        }
    }

    /// `-d=footprint`: bytes and counts per record type, largest first, as Go's tabwriter lays it out.
    public static func footprint(_ bytes: TraceBytes) throws(TraceError) -> String {
        var count = [Int](repeating: 0, count: 256)
        var size = [Int](repeating: 0, count: 256)
        var total = 0
        let v = try records(bytes) { r in
            count[Int(r.type)] += 1
            // Go's EncodedSize re-encodes args minimally (our size counts padded varints as read).
            var n = 1
            for a in r.args { n += uvarintLen(a) }
            if let d = r.data { n += uvarintLen(UInt64(d.count)) + d.count }
            size[Int(r.type)] += n
            total += 1
        }
        // Go sorts all 256 types (in type order) by bytes, descending, with slices.SortFunc:
        // unstable, so the order of ties is whatever its pdqsort leaves; GoSort reproduces it.
        var order = Array(0..<256)
        GoSort.sortFunc(&order) { a, b in size[b] < size[a] ? -1 : (size[b] > size[a] ? 1 : 0) }
        let specCount = v.isV2 ? (v.minor >= 26 ? 137 : Int(Wire.maxType(forMinor: v.minor)) + 1) : 0
        var rows: [[String]] = [["Event", "Bytes", "%", "Count", "%"], ["-", "-", "-", "-", "-"]]
        let fileBytes = bytes.count
        for t in order {
            let name = t < specCount ? Wire.specs[t].name : "<unknown (\(t))>"
            let bp = Double(size[t]) / Double(fileBytes) * 100
            let cp = Double(count[t]) / Double(total) * 100
            rows.append([name, String(size[t]), format2(bp) + "%", String(count[t]), format2(cp) + "%"])
        }
        return tabwrite(rows, minWidth: 3, padding: 2)
    }

    static func uvarintLen(_ v: UInt64) -> Int {
        var n = 1
        var x = v
        while x >= 0x80 { x >>= 7; n += 1 }
        return n
    }

    /// `%.2f`, with Go's spelling of NaN.
    static func format2(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "+Inf" : "-Inf" }
        let scaled = (x * 100).rounded(.toNearestOrEven)
        let whole = Int64(scaled) / 100
        let frac = Int64(scaled) % 100
        return "\(whole).\(frac < 10 ? "0" : "")\(frac)"
    }

    /// Go's `text/tabwriter` with the given minwidth and padding, padchar ' ', no flags: each cell
    /// of a column but the last is padded to the column's width.
    static func tabwrite(_ rows: [[String]], minWidth: Int, padding: Int) -> String {
        let cols = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: cols)
        for r in rows {
            for (i, c) in r.enumerated() where i < r.count - 1 {
                widths[i] = max(widths[i], max(c.count + padding, minWidth))
            }
        }
        var out = ""
        for r in rows {
            for (i, c) in r.enumerated() {
                out += c
                if i < r.count - 1 { out += String(repeating: " ", count: widths[i] - c.count) }
            }
            out += "\n"
        }
        return out
    }
}
