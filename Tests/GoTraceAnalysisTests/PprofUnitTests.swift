import Foundation
@testable import GoTrace
import Testing
@testable import GoTraceAnalysis

@Suite struct PprofGzipTests {
    /// Reads back a gzip stream of stored deflate blocks, checking header, lengths and CRC.
    static func gunzipStored(_ gz: [UInt8]) throws -> [UInt8] {
        struct Bad: Error {}
        guard gz.count >= 18, gz[0] == 0x1f, gz[1] == 0x8b, gz[2] == 8, gz[3] == 0 else { throw Bad() }
        var i = 10
        var out: [UInt8] = []
        while true {
            guard i + 5 <= gz.count else { throw Bad() }
            let hdr = gz[i]
            guard hdr & 0b110 == 0 else { throw Bad() }  // stored
            let n = Int(gz[i + 1]) | Int(gz[i + 2]) << 8
            let nn = Int(gz[i + 3]) | Int(gz[i + 4]) << 8
            guard n ^ nn == 0xffff, i + 5 + n <= gz.count else { throw Bad() }
            out += gz[(i + 5)..<(i + 5 + n)]
            i += 5 + n
            if hdr & 1 == 1 { break }
        }
        guard i + 8 == gz.count else { throw Bad() }
        let crc = UInt32(gz[i]) | UInt32(gz[i + 1]) << 8 | UInt32(gz[i + 2]) << 16 | UInt32(gz[i + 3]) << 24
        let len = UInt32(gz[i + 4]) | UInt32(gz[i + 5]) << 8 | UInt32(gz[i + 6]) << 16 | UInt32(gz[i + 7]) << 24
        guard crc == Gzip.crc32(out), len == UInt32(truncatingIfNeeded: out.count) else { throw Bad() }
        return out
    }

    @Test("CRC-32 of known strings")
    func crc() {
        #expect(Gzip.crc32([]) == 0)
        #expect(Gzip.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test("stored gzip round-trips, including empty and multi-block inputs", arguments: [0, 1, 65535, 65536, 200_000])
    func roundTrip(_ n: Int) throws {
        let data = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        #expect(try PprofGzipTests.gunzipStored(Gzip.stored(data)) == data)
    }
}

@Suite struct PprofUnitTests {
    @Test("interval overlap follows Go: touching intervals give 0")
    func overlap() {
        let a = ClosedInterval(start: 10, end: 20)
        #expect(a.overlap(ClosedInterval(start: 20, end: 30)) == 0)
        #expect(a.overlap(ClosedInterval(start: 15, end: 30)) == 5)
        #expect(a.overlap(ClosedInterval(start: 0, end: 100)) == 10)
        #expect(a.overlap(ClosedInterval(start: 21, end: 30)) == 0)
    }

    @Test("the pprof message has Go's sample and period types, one location per PC, one function per file+func")
    func builder() throws {
        let tables = TraceTables()
        let f = tables.intern("main.f"), g = tables.intern("main.g"), file = tables.intern("x.go")
        let fr1 = StackFrame(pc: 0x10, funcID: f, fileID: file, line: 3)
        let fr2 = StackFrame(pc: 0x20, funcID: g, fileID: file, line: 7)
        let fr3 = StackFrame(pc: 0x11, funcID: f, fileID: file, line: 4)
        let records = [
            ProfileRecord(stack: [fr1, fr2], count: 2, time: 300),
            ProfileRecord(stack: [fr3, fr2], count: 1, time: 50),
            ProfileRecord(stack: [], count: 4, time: 7),
        ]
        let p = PprofProfiles.profile(.sync, records: records, tables: tables)
        let s = p.stringTable
        #expect(s.first == "")
        let sampleTypes: [[String]] = p.sampleType.map { (v: Perftools_Profiles_ValueType) in [s[Int(v.type)], s[Int(v.unit)]] }
        #expect(sampleTypes == [["contentions", "count"], ["delay", "nanoseconds"]])
        let periodType: [String] = [s[Int(p.periodType.type)], s[Int(p.periodType.unit)]]
        #expect(periodType == ["trace", "count"])
        #expect(p.period == 1)
        let addresses: [UInt64] = p.location.map { (l: Perftools_Profiles_Location) in l.address }
        #expect(addresses == [0x10, 0x20, 0x11])
        let ids: [UInt64] = p.location.map { (l: Perftools_Profiles_Location) in l.id }
        #expect(ids == [1, 2, 3])
        let names: [String] = p.function.map { (f: Perftools_Profiles_Function) in s[Int(f.name)] }
        #expect(names == ["main.f", "main.g"])
        let locIDs: [[UInt64]] = p.sample.map { (x: Perftools_Profiles_Sample) in x.locationID }
        #expect(locIDs == [[1, 2], [3, 2], []])
        let values: [[Int64]] = p.sample.map { (x: Perftools_Profiles_Sample) in x.value }
        #expect(values == [[2, 300], [1, 50], [4, 7]])
        let cpu = PprofProfiles.profile(.cpu, records: records, tables: tables)
        let cpuTypes: [String] = cpu.sampleType.map { (v: Perftools_Profiles_ValueType) in cpu.stringTable[Int(v.type)] }
        #expect(cpuTypes == ["samples", "cpu"])
        #expect(cpu.period == PprofProfiles.cpuPeriodNanoseconds)
    }

    @Test("a CPU profile counts every CPU sample of a trace that has them")
    func cpu() throws {
        let path = PprofGoldens.dir.appendingPathComponent("traces/cpuprofile-go1.27.3.trace").path
        let trace = try Trace.load(path: path)
        let samples = trace.events.reduce(0) { $0 + ($1.kind == .stackSample ? 1 : 0) }
        #expect(samples > 0)
        let records = try PprofProfiles.records(.cpu, trace: trace)
        #expect(records.reduce(0) { $0 + $1.count } == UInt64(samples))
        #expect(records.allSatisfy { $0.time == Int64($0.count) * PprofProfiles.cpuPeriodNanoseconds })
    }

    @Test("region restriction only counts time inside regions of that type")
    func regions() throws {
        let path = PprofGoldens.dir.appendingPathComponent("traces/annotations-go1.27.3.trace").path
        let trace = try Trace.load(path: path)
        let spans = ProfileSpans(trace: trace)
        var types = Set<String>()
        for g in spans.goroutines.values { for r in g.regions { types.insert(r.name) } }
        #expect(!types.isEmpty)
        for kind in [PprofKind.sync, .sched] {
            let all = try PprofProfiles.records(kind, trace: trace, spans: spans)
            let total = all.reduce(Int64(0)) { $0 + $1.time }
            for t in types {
                let sub = try PprofProfiles.records(kind, trace: trace, restriction: .regionType(t), spans: spans)
                #expect(sub.reduce(Int64(0)) { $0 + $1.time } <= total)
            }
            #expect(try PprofProfiles.records(kind, trace: trace, restriction: .regionType("no such region"), spans: spans).isEmpty)
        }
    }
}
