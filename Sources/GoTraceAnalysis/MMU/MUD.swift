/// Go's `mud`: an updatable mutator utilization distribution (internal/trace/mud.go), a sum of
/// scaled uniform distributions and Dirac deltas over utilization, with a 1024-bucket histogram
/// that tracks one inverse cumulative sum while it is being filled.
struct MUD {
    struct Edge {
        /// At x, the density increases by delta; additionally a Dirac delta of area dirac.
        var x: Double
        var delta: Double
        var dirac: Double
    }

    static let degree = 1024

    var sorted: [Edge] = []
    var unsorted: [Edge] = []
    var trackMass = 0.0
    var trackBucket = 0
    var trackSum = 0.0
    var hist = [Double](repeating: 0, count: MUD.degree)

    /// Adds a uniform over [l, r] of total weight `area` (a Dirac delta when l == r).
    mutating func add(_ l0: Double, _ r0: Double, _ area: Double) {
        if area == 0 { return }
        var l = l0, r = r0
        if r < l { swap(&l, &r) }
        if l == r {
            unsorted.append(Edge(x: l, delta: 0, dirac: area))
        } else {
            let delta = area / (r - l)
            unsorted.append(Edge(x: l, delta: delta, dirac: 0))
            unsorted.append(Edge(x: r, delta: -delta, dirac: 0))
        }

        let deg = Double(Self.degree)
        var (lb, lf) = Self.modf(l * deg)
        if lb >= Self.degree { (lb, lf) = (Self.degree - 1, 1) }
        if l == r {
            hist[lb] += area
        } else {
            var (rb, rf) = Self.modf(r * deg)
            if rb >= Self.degree { (rb, rf) = (Self.degree - 1, 1) }
            if lb == rb {
                hist[lb] += area
            } else {
                let perBucket = area / (r - l) / deg
                hist[lb] += perBucket * (1 - lf)
                hist[rb] += perBucket * rf
                var i = lb + 1
                while i < rb {
                    hist[i] += perBucket
                    i += 1
                }
            }
        }

        let thresh = Double(trackBucket) / deg
        if l < thresh {
            if r < thresh {
                trackSum += area
            } else {
                trackSum += area * (thresh - l) / (r - l)
            }
            if trackSum >= trackMass {
                setTrackMass(trackMass)
            }
        }
    }

    /// Go's `math.Modf` then `int(...)`; negative indices (Go would crash) become 0.
    @inline(__always)
    static func modf(_ x: Double) -> (Int, Double) {
        let ip = x.rounded(.towardZero)
        let frac = x - ip
        guard ip.isFinite, ip < 1e15 else { return (Int.max, frac) }
        return (max(0, Int(ip)), frac)
    }

    mutating func setTrackMass(_ mass: Double) {
        trackMass = mass
        var sum = 0.0
        for (i, val) in hist.enumerated() {
            let newSum = sum + val
            if newSum > mass {
                trackBucket = i
                trackSum = sum
                return
            }
            sum = newSum
        }
        trackBucket = hist.count
        trackSum = sum
    }

    /// Lower and upper bounds of the tracked inverse cumulative sum, or nil before enough mass.
    func approxInvCumulativeSum() -> (Double, Double)? {
        if trackBucket == hist.count { return nil }
        let deg = Double(Self.degree)
        return (Double(trackBucket) / deg, Double(trackBucket + 1) / deg)
    }

    /// x such that the integral of the distribution up to x is y (or the maximum and false).
    mutating func invCumulativeSum(_ y: Double) -> (Double, Bool) {
        if sorted.isEmpty && unsorted.isEmpty { return (.nan, false) }
        var edges = unsorted
        edges.sort { $0.x < $1.x }
        unsorted = []
        if sorted.isEmpty {
            sorted = edges
        } else {
            var merged = [Edge]()
            merged.reserveCapacity(sorted.count + edges.count)
            var i = 0, j = 0
            while i < sorted.count || j < edges.count {
                if i >= sorted.count {
                    merged.append(contentsOf: edges[j...])
                    break
                } else if j >= edges.count {
                    merged.append(contentsOf: sorted[i...])
                    break
                } else if sorted[i].x < edges[j].x {
                    merged.append(sorted[i])
                    i += 1
                } else {
                    merged.append(edges[j])
                    j += 1
                }
            }
            sorted = merged
        }

        var csum = 0.0, rate = 0.0, prevX = 0.0
        for e in sorted {
            var newCsum = csum + (e.x - prevX) * rate
            if newCsum >= y {
                if rate == 0 { return (e.x, true) }
                return ((y - csum) / rate + prevX, true)
            }
            newCsum += e.dirac
            if newCsum >= y { return (e.x, true) }
            csum = newCsum
            prevX = e.x
            rate += e.delta
        }
        return (prevX, false)
    }
}
