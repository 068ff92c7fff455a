import Dispatch
import GoTrace
import GoTraceAnalysis
import Synchronization

/// The analyses behind the analysis pages, computed when a page first asks and kept.
///
/// The first request for any of what the pages start with (goroutine summaries, GC, the /mmu
/// page's default utilization, the whole-trace profiles) computes all of it in one streaming
/// pass (`TraceAnalyses`: nothing kept per event). The rest (other MMU flags, profiles of a
/// goroutine group or region type) reads a loaded `Trace`, loaded on the first request that
/// needs it and kept only for traces up to `keepTraceBytes` (a 1 GB trace's events take about
/// 1.7 GiB): larger ones are loaded per computation and released, trading time for memory.
/// Computations run one at a time on a serial queue, off the server's threads, so memory stays
/// bounded.
final class AnalysisStore: Sendable {
    let path: String
    let fileBytes: Int
    static let keepTraceBytes = 400 << 20
    private let queue = DispatchQueue(label: "gotrace.analysis")
    private let state = Mutex(State())

    struct State {
        var trace: Trace?
        var summaries: GoroutineSummaries?
        var gc: GCAnalysis?
        var records: [String: Result<[ProfileRecord], ProfileError>] = [:]
        var mmu: [Int: [[MutatorUtil]]] = [:]
        var tail: [Event]?
        var primed = false
    }

    init(path: String, fileBytes: Int) {
        self.path = path
        self.fileBytes = fileBytes
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

    /// The loaded trace (on the analysis queue only).
    private func trace() throws(APIError) -> Trace {
        if let t = state.withLock({ $0.trace }) { return t }
        let t: Trace
        do throws(TraceError) {
            t = try Trace.load(path: path)
        } catch {
            throw APIError("cannot load the trace: \(error.description)", status: 500)
        }
        if fileBytes <= Self.keepTraceBytes { state.withLock { $0.trace = t } }
        return t
    }

    private static func recordsKey(_ k: PprofKind, _ r: ProfileRestriction) -> String { "\(k)|\(r)" }

    /// Everything the pages start with, in one streaming pass (on the analysis queue only).
    private func prime() throws(APIError) {
        if state.withLock({ $0.primed }) { return }
        let a: TraceAnalyses
        do throws(TraceError) {
            a = try TraceAnalyses.compute(path: path)
        } catch {
            throw APIError("cannot analyse the trace: \(error.description)", status: 500)
        }
        state.withLock { st in
            st.primed = true
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
            if restriction == .allGoroutines {
                try self.prime()
                if let r = self.state.withLock({ $0.records[key(kind)] }), let tables = self.state.withLock({ $0.summaries?.tables }) {
                    return (r, tables)
                }
            }
            let t = try self.trace()
            if let r = self.state.withLock({ $0.records[key(kind)] }) { return (r, t.tables) }
            let tail = self.state.withLock({ $0.tail }) ?? PprofProfiles.tailEvents(path: self.path, of: t)
            self.state.withLock { $0.tail = tail }
            let kinds: [PprofKind] = kind == .cpu ? [.cpu] : [.net, .sync, .syscall, .sched]
            do throws(ProfileError) {
                let all = try PprofProfiles.records(kinds, trace: t, restriction: restriction, tail: tail)
                self.state.withLock { st in for k in kinds { st.records[key(k)] = .success(all[k] ?? []) } }
                return (.success(all[kind] ?? []), t.tables)
            } catch {
                self.state.withLock { st in for k in kinds { st.records[key(k)] = .failure(error) } }
                return (.failure(error), t.tables)
            }
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
            if flags == TraceAnalyses.mmuFlags { try self.prime() }
            if let u = self.state.withLock({ $0.mmu[flags.rawValue] }) { return u }
            let u = MutatorUtilizationBuilder.compute(try self.trace(), flags: flags)
            self.state.withLock { $0.mmu[flags.rawValue] = u }
            return u
        }
    }
}
