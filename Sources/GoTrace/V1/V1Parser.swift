/// Wire-level parsing of v1 traces.
///
/// Go 1.11–1.21 traces are read the way Go 1.27's `tracev1` parser reads them: a first pass
/// records where each P's batches start (and collects CPU samples), then the ordering loads
/// batches lazily, P by P, as it merges them. Strings, stacks and the frequency are parsed when
/// the batch holding them is loaded, so errors and "first definition wins" follow Go's order.
///
/// Go 1.5–1.10 traces are read the way Go 1.21 did: in one sequential pass into per-P lists.
///
/// Error texts are Go 1.27's (`fmt` formatting of the same values); offsets are file offsets.
struct V1Parser {
    private let base: UnsafeRawPointer
    let count: Int
    var off: Int
    let ver: Int
    let tables: TraceTables

    // Tables.
    /// v1 string ID → (offset, length) of its bytes in the file.
    var strings: [UInt64: (Int, Int)] = [:]
    /// v1 stack ID → range in `stackPCs`.
    var stacks: [UInt32: (Int, Int)] = [:]
    var stackPCs: [UInt64] = []
    /// PC → its frame (v1 string IDs); the first definition wins.
    var pcs: [UInt64: RawFrame] = [:]
    var ticksPerSec: Int64 = 0
    var timerGoids = Set<UInt64>()
    var cpuSamples: [V1Event] = []

    struct RawFrame {
        var fn: UInt64
        var file: UInt64
        var line: UInt64
    }

    // Batches of each P (file offsets of their headers) and how many were loaded.
    struct BatchList {
        var offsets: [Int] = []
        var next = 0
    }
    var batchOffsets: [Int32: BatchList] = [:]

    // State for parseEvent.
    var lastTs: Int64 = 0
    var lastSeq: Int64 = 0
    var lastG: UInt64 = 0
    var lastGs = V1IDMap<UInt64>(default: 0, denseLimit: 4096)
    var lastP: Int32 = 0

    // The raw record last read by readRawEvent.
    var rawTyp: UInt8 = 0
    var rawArgs: [UInt64] = []
    var rawStart = 0
    var rawMsg = (0, 0)
    var rawBatchPid: Int32 = 0

    init(buffer: UnsafeRawBufferPointer, version: Int, tables: TraceTables) throws(TraceError) {
        guard let b = buffer.baseAddress, buffer.count >= 16 else {
            throw TraceError("bad file format: not a Go execution trace?", offset: 0)
        }
        base = b
        count = buffer.count
        off = 16
        ver = version
        self.tables = tables
        rawArgs.reserveCapacity(64)
    }

    static let errMalformedVarint = "malformatted base-128 varint"
    static let errTimeOrder = "time stamps out of order"

    @inline(__always)
    private func byte(_ i: Int) -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }

    /// Go's `binary.Uvarint` over `data[off..<limit]`: nil when truncated or overflowing.
    @inline(__always)
    private mutating func readVal(limit: Int) -> UInt64? {
        var x: UInt64 = 0
        var s: UInt64 = 0
        var i = 0
        var o = off
        while o < limit {
            let b = byte(o)
            o += 1
            if b < 0x80 {
                if i == 9 && b > 1 { return nil }
                off = o
                return x | UInt64(b) << s
            }
            x |= UInt64(b & 0x7f) << s
            s += 7
            i += 1
            if i == 10 { return nil }
        }
        return nil
    }

    @inline(__always)
    private mutating func readVal() -> UInt64? { readVal(limit: count) }

    /// Go's `discard`: skip n bytes if they exist.
    private mutating func discard(_ n: UInt64) -> Bool {
        guard n <= UInt64(count - off) else { return false }
        off += Int(n)
        return true
    }

    /// Go's `readFull`: fails at end of data even for n == 0.
    private mutating func readFull(_ n: UInt64) -> (Int, Int)? {
        guard off < count, n <= UInt64(count - off) else { return nil }
        let r = (off, Int(n))
        off += Int(n)
        return r
    }

    private func err(_ msg: String, _ at: Int? = nil) -> TraceError {
        TraceError(msg, offset: at ?? off)
    }

    /// Reads one raw record into `raw*`. Returns false at end of data (Go's io.EOF).
    /// With `skip`, arguments are not kept (except for CPU samples) and strings are not stored.
    mutating func readRawEvent(skip: Bool) throws(TraceError) -> Bool {
        guard off < count else { return false }
        let start = off
        let b = byte(off)
        off += 1
        let typ = b & 0x3f
        let c = Int(b >> 6)
        var narg = c + 1
        if ver < 7 { narg += 1 } // Go 1.5 events carry a sequence number before the timestamp
        if typ == V1.none || typ >= V1.count || V1.minVersion[Int(typ)] > ver {
            throw err("unknown event type \(typ)", start)
        }
        rawStart = start
        rawTyp = typ
        rawArgs.removeAll(keepingCapacity: true)
        switch typ {
        case V1.string:
            if skip {
                guard readVal() != nil, let ln = readVal() else { throw err(Self.errMalformedVarint) }
                guard discard(ln) else { throw err("failed to read trace: EOF") }
            } else {
                guard let id = readVal() else { throw err(Self.errMalformedVarint) }
                if id == 0 { throw err("string has invalid id 0") }
                if strings[id] != nil { throw err("string has duplicate id \(id)") }
                guard let ln = readVal() else { throw err(Self.errMalformedVarint) }
                if ln == 0 { throw err("string has invalid length 0") }
                if ln > 1_000_000 { throw err("string has too large length \(ln)") }
                guard let r = readFull(ln) else { throw err("failed to read trace: unexpected EOF") }
                strings[id] = r
            }
            rawTyp = V1.none
            return true
        case V1.batch:
            let want = ver < 7 ? 3 : 2
            if narg != want { throw err("EvBatch has wrong number of arguments: got \(narg), want \(want)", start) }
            guard let pid = readVal() else { throw err(Self.errMalformedVarint) }
            if pid != UInt64.max && pid > UInt64(Int32.max) {
                throw err("processor ID \(pid) is larger than maximum of \(UInt64.max)", start)
            }
            rawBatchPid = pid == UInt64.max ? -1 : Int32(truncatingIfNeeded: pid)
            rawArgs.append(pid)
            if ver < 7 {
                guard let seq = readVal() else { throw err(Self.errMalformedVarint) }
                rawArgs.append(seq)
            }
            guard let ticks = readVal() else { throw err(Self.errMalformedVarint) }
            rawArgs.append(ticks)
            return true
        default:
            if c < 3 {
                for _ in 0..<narg {
                    guard let v = readVal() else {
                        throw err("failed to read event \(typ) argument: \(Self.errMalformedVarint)")
                    }
                    if !skip { rawArgs.append(v) }
                }
            } else {
                guard let v = readVal() else {
                    throw err("failed to read event \(typ) argument: \(Self.errMalformedVarint)")
                }
                if ver >= 11 && v > 2048 {
                    throw err("failed to read event \(typ) argument: length-prefixed argument too big: \(v) bytes, limit is 2048")
                }
                if !skip || typ == V1.cpuSample {
                    guard let (o, n) = readFull(v) else { throw err("failed to read trace: unexpected EOF") }
                    let end = o + n
                    off = o
                    while off < end {
                        guard let a = readVal(limit: end) else { throw err(Self.errMalformedVarint) }
                        rawArgs.append(a)
                    }
                    off = end
                } else if !discard(v) {
                    throw err("failed to read trace: EOF")
                }
                if typ == V1.userLog {
                    if !skip {
                        guard let sz = readVal() else { throw err(Self.errMalformedVarint) }
                        if sz == 0 {
                            rawMsg = (off, 0)
                        } else {
                            if sz > 1_000_000 { throw err("string is too large (len=\(sz))") }
                            guard let r = readFull(sz) else { throw err("failed to read trace: unexpected EOF") }
                            rawMsg = r
                        }
                    } else {
                        guard let sz = readVal() else { throw err(Self.errMalformedVarint) }
                        // Go returns io.EOF here, which ends the first pass quietly.
                        if !discard(sz) { off = count; return false }
                    }
                }
            }
            return true
        }
    }

    /// Go's first pass (`collectBatchesAndCPUSamples`), for 1.11+.
    mutating func collectBatchesAndCPUSamples() throws(TraceError) {
        var curP: Int32 = 0
        while try readRawEvent(skip: true) {
            let typ = rawTyp
            if typ == V1.none { continue }
            if typ == V1.batch {
                batchOffsets[rawBatchPid, default: BatchList()].offsets.append(rawStart)
                curP = rawBatchPid
            }
            if batchOffsets[curP]?.offsets.isEmpty ?? true {
                throw err("read event \(typ) with current P of \(curP), but P has no batches yet", rawStart)
            }
            if typ == V1.cpuSample {
                let narg = V1.argNum(typ, version: ver)
                if rawArgs.count != narg {
                    throw err("CPU sample has wrong number of arguments: want \(narg), got \(rawArgs.count)", rawStart)
                }
                var e = V1Event()
                e.type = typ
                e.stk = UInt32(truncatingIfNeeded: rawArgs[4])
                e.ts = Int64(bitPattern: rawArgs[1])
                e.a1 = rawArgs[2]
                e.a2 = rawArgs[3]
                e.p = Int32(truncatingIfNeeded: rawArgs[2])
                e.g = rawArgs[3]
                cpuSamples.append(e)
            }
        }
    }

    /// Loads the next batch of `pid` into `events` (Go's `loadBatch`); false when none is left.
    mutating func loadBatch(_ pid: Int32, into events: inout [V1Event]) throws(TraceError) -> Bool {
        guard var list = batchOffsets[pid], list.next < list.offsets.count else { return false }
        off = list.offsets[list.next]
        list.next += 1
        batchOffsets[pid] = list
        events.removeAll(keepingCapacity: true)
        var gotHeader = false
        while try readRawEvent(skip: false) {
            let typ = rawTyp
            if typ == V1.none || typ == V1.cpuSample { continue }
            if typ == V1.batch {
                if gotHeader { break }
                gotHeader = true
            }
            var ev = V1Event()
            if try parseEvent(&ev) { events.append(ev) }
        }
        return true
    }

    /// Go 1.21's sequential parse for 1.5–1.10: every event goes to the list of its P.
    mutating func parseAllSequentially() throws(TraceError) -> [Int32: [V1Event]] {
        var perP: [Int32: [V1Event]] = [:]
        while try readRawEvent(skip: false) {
            if rawTyp == V1.none { continue }
            var ev = V1Event()
            if try parseEvent(&ev) { perP[lastP, default: []].append(ev) }
        }
        return perP
    }

    /// Interprets the raw record (Go's `parseEvent`). Returns true if it is an event for the
    /// ordering (as opposed to a batch header, table entry or CPU sample).
    mutating func parseEvent(_ ev: inout V1Event) throws(TraceError) -> Bool {
        let typ = rawTyp
        let desc = V1.descs[Int(typ)]
        let narg = typ == V1.stack ? rawArgs.count : V1.argNum(typ, version: ver)
        if rawArgs.count != narg {
            throw err("\(desc.name) has wrong number of arguments: want \(narg), got \(rawArgs.count)", rawStart)
        }
        switch typ {
        case V1.batch:
            lastGs[V1IDMap<UInt64>.pKey(lastP)] = lastG
            let pid = rawArgs[0]
            if pid != UInt64.max && pid > UInt64(Int32.max) {
                throw err("processor ID \(pid) is larger than maximum of \(Int32.max)", rawStart)
            }
            lastP = pid == UInt64.max ? -1 : Int32(truncatingIfNeeded: pid)
            lastG = lastGs[V1IDMap<UInt64>.pKey(lastP)]
            if ver < 7 { lastSeq = Int64(bitPattern: rawArgs[1]) }
            lastTs = Int64(bitPattern: rawArgs[rawArgs.count - 1])
            return false
        case V1.frequency:
            ticksPerSec = Int64(bitPattern: rawArgs[0])
            if ticksPerSec <= 0 { throw err(Self.errTimeOrder, rawStart) }
            return false
        case V1.timerGoroutine:
            timerGoids.insert(rawArgs[0])
            return false
        case V1.stack:
            if rawArgs.count < 2 {
                throw err("EvStack has wrong number of arguments: want at least 2, got \(rawArgs.count)", rawStart)
            }
            let size = rawArgs[1]
            if size > 1000 { throw err("EvStack has bad number of frames: \(size)", rawStart) }
            let per = ver < 7 ? 1 : 4
            let want = 2 + UInt64(per) * size
            if UInt64(rawArgs.count) != want {
                throw err("EvStack has wrong number of arguments: want \(want), got \(rawArgs.count)", rawStart)
            }
            let id = UInt32(truncatingIfNeeded: rawArgs[0])
            if id != 0 && size > 0 {
                let start = stackPCs.count
                for i in 0..<Int(size) {
                    let pc = rawArgs[2 + i * per]
                    stackPCs.append(pc)
                    if pcs[pc] == nil {
                        if per == 4 {
                            pcs[pc] = RawFrame(fn: rawArgs[3 + i * 4], file: rawArgs[4 + i * 4], line: rawArgs[5 + i * 4])
                        } else {
                            pcs[pc] = RawFrame(fn: 0, file: 0, line: 0)
                        }
                    }
                }
                stacks[id] = (start, Int(size))
            }
            return false
        case V1.cpuSample:
            return false
        default:
            ev = V1Event()
            ev.type = typ
            ev.p = lastP
            ev.g = lastG
            var argOffset = 1
            var seq: Int64 = 0
            if ver < 7 {
                seq = lastSeq &+ Int64(bitPattern: rawArgs[0])
                lastSeq = seq
                ev.ts = lastTs &+ Int64(bitPattern: rawArgs[1])
                argOffset = 2
            } else {
                ev.ts = lastTs &+ Int64(bitPattern: rawArgs[0])
            }
            lastTs = ev.ts
            let stack = desc.stack
            var i = argOffset
            while i < narg {
                if i == narg - 1 && stack {
                    ev.stk = UInt32(truncatingIfNeeded: rawArgs[i])
                } else {
                    ev.setArg(i - argOffset, rawArgs[i])
                }
                i += 1
            }
            switch typ {
            case V1.goStart, V1.goStartLocal, V1.goStartLabel:
                lastG = ev.a0
                ev.g = lastG
            case V1.goSysExit, V1.goWaiting, V1.goInSyscall:
                ev.g = ev.a0
            case V1.userLog:
                let (o, n) = rawMsg
                ev.a3 = UInt64(tables.intern(bytes: UnsafeRawBufferPointer(start: base + o, count: n)))
            default:
                if V1.clearsLastG[Int(typ)] { lastG = 0 }
            }
            if ver < 7 { ev.a3 = UInt64(bitPattern: seq) }
            return true
        }
    }

    /// The bytes of v1 string `id`, if defined.
    func stringBytes(_ id: UInt64) -> UnsafeRawBufferPointer? {
        guard let (o, n) = strings[id] else { return nil }
        return UnsafeRawBufferPointer(start: base + o, count: n)
    }
}
