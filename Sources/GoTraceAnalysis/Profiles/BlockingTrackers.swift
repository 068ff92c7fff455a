import GoTrace

/// Go's `makeComputePprofFunc` state machines for several blocking profiles at once: per
/// goroutine and profile, when (and with which stack) the goroutine entered the tracked state.
/// Each profile is tracked independently, exactly as computing them one by one would.
struct BlockingTrackers {
    struct Tracker {
        let kind: PprofKind
        let state: GoState
        let counts: (String) -> Bool
        var since = GoroutineMap<Int64>(empty: Int64.min)
        var stack = GoroutineMap<UInt32>(empty: 0)
        var reasonCounts: [UInt32: Bool] = [:]
    }

    let tables: TraceTables
    var trackers: [Tracker] = []

    /// Trackers for the blocking kinds among `kinds` (in that order; `cpu` has none).
    init(kinds: [PprofKind], tables: TraceTables) {
        self.tables = tables
        for k in kinds {
            if let (state, reason) = k.tracked { trackers.append(Tracker(kind: k, state: state, counts: reason)) }
        }
    }

    var isEmpty: Bool { trackers.isEmpty }

    /// Feeds one event. For each tracked interval the event ends, calls `sample(tracker index,
    /// goroutine, interval, stack ID of the event that began it)`.
    @inline(__always)
    mutating func add(_ ev: Event, _ sample: (Int, Int64, ClosedInterval, UInt32) -> Void) {
        guard ev.kind == .stateTransition, let st = ev.transition, case .goroutine(let id) = st.resource else { return }
        let new = st.goTo
        for t in trackers.indices {
            let since = trackers[t].since[id]
            if since == Int64.min {
                guard new == trackers[t].state else { continue }
                let counts: Bool
                if let c = trackers[t].reasonCounts[st.reasonID] {
                    counts = c
                } else {
                    counts = trackers[t].counts(tables.string(st.reasonID))
                    trackers[t].reasonCounts[st.reasonID] = counts
                }
                if counts {
                    trackers[t].since[id] = ev.time
                    trackers[t].stack[id] = ev.stackID
                }
                continue
            }
            if new == trackers[t].state { continue }
            trackers[t].since[id] = Int64.min
            sample(t, id, ClosedInterval(start: since, end: ev.time), trackers[t].stack[id])
        }
    }
}

/// Records keyed by stack content (the first `maxStack` PCs), as Go's `stackMap`: a record
/// keeps the frames of the newest stack handle with those PCs.
///
/// Every sample carries its position in the event stream (`seq`), so samples may arrive out of
/// order (the streaming analyses settle some at the end): records come out in the order of their
/// first sample, and "newest" means the latest in the stream, whatever the arrival order.
struct StackRecords {
    let tables: TraceTables
    private var byStackID: [UInt32: Int] = [:]
    private var byPCs: [[UInt64]: Int] = [:]
    private var entries: [Entry] = []

    private struct Entry {
        var stackID: UInt32
        /// Stream position of the newest sample with `stackID`, and of the first sample.
        var stackSeq: Int
        var firstSeq: Int
        var count: UInt64
        var time: Int64
    }

    init(tables: TraceTables) { self.tables = tables }

    mutating func add(stackID: UInt32, count: UInt64, time: Int64, seq: Int) {
        let i: Int
        if let j = byStackID[stackID] {
            i = j
            if seq >= entries[i].stackSeq {
                entries[i].stackID = stackID
                entries[i].stackSeq = seq
            }
        } else {
            // Go's key is the first maxStack PCs, zero-padded: trailing zero PCs do not count.
            var pcs = tables.frameIDs(ofStack: stackID).prefix(PprofProfiles.maxStack).map { tables.frames[Int($0)].pc }
            while pcs.last == 0 { pcs.removeLast() }
            if let j = byPCs[pcs] {
                i = j
                byStackID[stackID] = i
                if seq >= entries[j].stackSeq {
                    entries[j].stackID = stackID
                    entries[j].stackSeq = seq
                }
            } else {
                i = entries.count
                entries.append(Entry(stackID: stackID, stackSeq: seq, firstSeq: seq, count: 0, time: 0))
                byPCs[pcs] = i
                byStackID[stackID] = i
            }
        }
        entries[i].firstSeq = min(entries[i].firstSeq, seq)
        entries[i].count &+= count
        entries[i].time &+= time
    }

    func records() -> [ProfileRecord] {
        // A few hundred records: sorting them always is simpler than tracking whether they are.
        entries.sorted { $0.firstSeq < $1.firstSeq }.map { e in
            ProfileRecord(stack: Array(tables.frames(ofStack: e.stackID).prefix(PprofProfiles.maxStack)),
                          count: e.count, time: e.time)
        }
    }
}
