import Dispatch
import GoTrace
import GoTraceAnalysis
import Synchronization

/// The analyses behind the analysis pages, computed when a page first asks and kept.
///
/// The first request for any of what the pages start with (goroutine summaries, GC, the /mmu
/// page's default utilization, the whole-trace profiles) computes all of it in one streaming
/// pass (`TraceAnalyses`: nothing kept per event). The rest (other MMU flags, profiles of a
/// goroutine group or region type) streams the trace once more per computation, with the
/// goroutine and region intervals taken from the kept summaries: the trace is never loaded.
/// Computations run one at a time on a serial queue, off the server's threads, so memory stays
/// bounded.
final class AnalysisStore: Sendable {
    let path: String
    private let queue = DispatchQueue(label: "gotrace.analysis")
    private let state = Mutex(State())
    /// What the analysis queue is computing, and how far its pass over the trace has read (for
    /// the pages' progress line; read without waiting for the queue).
    private let running = Mutex<Progress?>(nil)

    struct Progress: Sendable {
        var what: String
        var read: Int
        var total: Int
    }

    /// The computation under way, if any.
    var progress: Progress? { running.withLock { $0 } }

    /// Runs `body` as the computation `what`, passing it a progress callback for its passes.
    func tracking<T>(_ what: String, _ body: (@escaping (Int, Int) -> Void) throws(APIError) -> T) throws(APIError) -> T {
        running.withLock { $0 = Progress(what: what, read: 0, total: 0) }
        defer { running.withLock { $0 = nil } }
        return try body { read, total in self.running.withLock { $0 = Progress(what: what, read: read, total: total) } }
    }

    struct State {
        var summaries: GoroutineSummaries?
        var gc: GCAnalysis?
        var records: [String: Result<[ProfileRecord], ProfileError>] = [:]
        /// The tables a restriction's records were built with (those of its own pass over the
        /// trace; the whole-trace records use the summaries').
        var recordTables: [String: TraceTables] = [:]
        var mmu: [Int: [[MutatorUtil]]] = [:]
        /// How many events the views other than the summaries take: a broken trace's events up
        /// to its last complete generation (as `go tool trace` keeps); nil for all.
        var keep: Int?
        var primed = false
    }

    init(path: String) {
        self.path = path
    }

    /// Runs `body` on the analysis queue and returns its result.
    private func run<T: Sendable>(_ body: @escaping @Sendable () throws(APIError) -> T) async throws(APIError) -> T {
        let r: Result<T, APIError> = await withCheckedContinuation { c in
            queue.async {
                c.resume(returning: Result { () throws(APIError) -> T in try body() })
            }
        }
        return try r.get()
    }

    private static func recordsKey(_ k: PprofKind, _ r: ProfileRestriction) -> String { "\(k)|\(r)" }

    /// Everything the pages start with, in one streaming pass (on the analysis queue only).
    private func prime() throws(APIError) {
        if state.withLock({ $0.primed }) { return }
        let a: TraceAnalyses = try tracking("analysing the trace") { (progress) throws(APIError) -> TraceAnalyses in
            do throws(TraceError) {
                return try TraceAnalyses.compute(path: path, progress: progress)
            } catch {
                throw APIError("cannot analyse the trace: \(error.description)", status: 500)
            }
        }
        state.withLock { st in
            st.primed = true
            st.keep = a.info.error == nil ? nil : a.info.validEvents
            st.summaries = a.summaries
            st.gc = a.gc
            st.mmu[TraceAnalyses.mmuFlags.rawValue] = a.utilization
            for k in PprofKind.allCases {
                let key = Self.recordsKey(k, .allGoroutines)
                if let e = a.profileError { st.records[key] = .failure(e) } else { st.records[key] = .success(a.profiles[k] ?? []) }
            }
        }
    }

    /// One of the results of `prime()`, computing them all on first use.
    private func primed<T: Sendable>(_ what: String, _ get: @escaping @Sendable (State) -> T?) async throws(APIError) -> T {
        if let v = state.withLock({ get($0) }) { return v }
        return try await run { () throws(APIError) -> T in
            try self.prime()
            guard let v = self.state.withLock({ get($0) }) else { throw APIError("no \(what)", status: 500) }
            return v
        }
    }

    /// Go's goroutine summaries: every event read, the broken tail of a partial trace included,
    /// as `go tool trace` builds its goroutine, task and region pages.
    func summaries() async throws(APIError) -> GoroutineSummaries { try await primed("summaries") { $0.summaries } }

    func gc() async throws(APIError) -> GCAnalysis { try await primed("GC analysis") { $0.gc } }

    /// Profile records of `kind` (whole trace, one goroutine group, or one region type). The four
    /// blocking profiles of a restriction are computed together (one pass) and kept.
    func records(_ kind: PprofKind, restriction: ProfileRestriction) async throws(APIError) -> ([ProfileRecord], TraceTables) {
        let key = { @Sendable (k: PprofKind) in Self.recordsKey(k, restriction) }
        let r = try await run { () throws(APIError) -> (Result<[ProfileRecord], ProfileError>, TraceTables) in
            try self.prime()
            let (cached, cachedTables, summaries, keep) = self.state.withLock {
                ($0.records[key(kind)], $0.recordTables[key(kind)], $0.summaries, $0.keep)
            }
            guard let summaries else { throw APIError("no summaries", status: 500) }
            if let cached { return (cached, cachedTables ?? summaries.tables) }
            let kinds: [PprofKind] = kind == .cpu ? [.cpu] : [.net, .sync, .syscall, .sched]
            let intervals: [Int64: [ClosedInterval]]
            do throws(ProfileError) {
                intervals = try PprofProfiles.intervals(restriction, summaries: summaries)
            } catch {
                // Not kept: it costs no pass over the trace, and any name can be asked for.
                return (.failure(error), summaries.tables)
            }
            if intervals.isEmpty && restriction != .allGoroutines {
                // A region type the trace does not have: nothing to measure, nothing to keep.
                return (.success([]), summaries.tables)
            }
            let streamed = try self.tracking("profiling") { (progress) throws(APIError) -> (records: [PprofKind: [ProfileRecord]], tables: TraceTables) in
                do throws(TraceError) {
                    return try PprofProfiles.records(kinds, path: self.path, intervals: intervals, restriction: restriction,
                                                     keep: keep, progress: progress)
                } catch {
                    throw APIError("cannot read the trace: \(error.description)", status: 500)
                }
            }
            self.state.withLock { st in
                for k in kinds {
                    st.records[key(k)] = .success(streamed.records[k] ?? [])
                    st.recordTables[key(k)] = streamed.tables
                }
            }
            return (.success(streamed.records[kind] ?? []), streamed.tables)
        }
        switch r.0 {
        case .success(let recs): return (recs, r.1)
        case .failure(let e): throw APIError(e.message, status: 404)
        }
    }

    /// The mutator utilization functions for `flags`, and the trace start.
    func utilization(_ flags: UtilFlags) async throws(APIError) -> [[MutatorUtil]] {
        if let u = state.withLock({ $0.mmu[flags.rawValue] }) { return u }
        return try await run { () throws(APIError) -> [[MutatorUtil]] in
            try self.prime()
            if let u = self.state.withLock({ $0.mmu[flags.rawValue] }) { return u }
            let keep = self.state.withLock { $0.keep }
            let u = try self.tracking("computing utilization") { (progress) throws(APIError) -> [[MutatorUtil]] in
                do throws(TraceError) {
                    return try MutatorUtilizationBuilder.compute(path: self.path, flags: flags, keep: keep, progress: progress)
                } catch {
                    throw APIError("cannot read the trace: \(error.description)", status: 500)
                }
            }
            self.state.withLock { $0.mmu[flags.rawValue] = u }
            return u
        }
    }
}
