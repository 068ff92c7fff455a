import GoTrace

/// Builds pprof messages the way Go's `traceviewer.BuildProfile` and `internal/profile` do.
enum PprofBuilder {
    static func build(kind: PprofKind, records: [ProfileRecord], tables: TraceTables) -> Perftools_Profiles_Profile {
        var strings = StringTable()
        var p = Perftools_Profiles_Profile()

        // Sample and period types (strings interned in Go's preEncode order: sample types first,
        // then functions, then the period type).
        let sampleTypes: [(String, String)]
        let periodType: (String, String)
        let period: Int64
        if kind == .cpu {
            sampleTypes = [("samples", "count"), ("cpu", "nanoseconds")]
            periodType = ("cpu", "nanoseconds")
            period = PprofProfiles.cpuPeriodNanoseconds
        } else {
            sampleTypes = [("contentions", "count"), ("delay", "nanoseconds")]
            periodType = ("trace", "count")
            period = 1
        }
        p.sampleType = sampleTypes.map { t in
            var v = Perftools_Profiles_ValueType()
            v.type = strings.index(t.0)
            v.unit = strings.index(t.1)
            return v
        }

        // One location per PC (the first frame seen with it), one function per File+Func.
        var locs: [UInt64: UInt64] = [:]
        var funcs: [String: UInt64] = [:]
        for rec in records {
            var sample = Perftools_Profiles_Sample()
            sample.value = [Int64(truncatingIfNeeded: rec.count), rec.time]
            for frame in rec.stack {
                if let id = locs[frame.pc] {
                    sample.locationID.append(id)
                    continue
                }
                let file = tables.string(frame.fileID)
                let fn = tables.string(frame.funcID)
                let fkey = file + fn
                let fid: UInt64
                if let f = funcs[fkey] {
                    fid = f
                } else {
                    fid = UInt64(p.function.count + 1)
                    var f = Perftools_Profiles_Function()
                    f.id = fid
                    f.name = strings.index(fn)
                    f.systemName = strings.index(fn)
                    f.filename = strings.index(file)
                    p.function.append(f)
                    funcs[fkey] = fid
                }
                var loc = Perftools_Profiles_Location()
                loc.id = UInt64(p.location.count + 1)
                loc.address = frame.pc
                var line = Perftools_Profiles_Line()
                line.functionID = fid
                line.line = Int64(truncatingIfNeeded: frame.line)
                loc.line = [line]
                p.location.append(loc)
                locs[frame.pc] = loc.id
                sample.locationID.append(loc.id)
            }
            p.sample.append(sample)
        }

        var pt = Perftools_Profiles_ValueType()
        pt.type = strings.index(periodType.0)
        pt.unit = strings.index(periodType.1)
        p.periodType = pt
        p.period = period
        p.stringTable = strings.list
        return p
    }

    /// The string table: "" at index 0, then strings in order of first use.
    struct StringTable {
        var list: [String] = [""]
        var index: [String: Int64] = ["": 0]

        mutating func index(_ s: String) -> Int64 {
            if let i = index[s] { return i }
            let i = Int64(list.count)
            list.append(s)
            index[s] = i
            return i
        }
    }
}
