/// Renders events exactly as Go's `Event.String()` does, which `go tool trace -d=parsed` prints.
public struct ParsedFormatter {
    public let tables: TraceTables

    public init(tables: TraceTables) {
        self.tables = tables
    }

    private func q(_ id: UInt32) -> String {
        if let raw = tables.invalidUTF8[id] { return GoText.quote(raw) }
        return GoText.quote(tables.string(id))
    }

    private func appendStack(_ out: inout String, _ id: UInt32) {
        for f in tables.frames(ofStack: id) {
            out += "\t"
            out += tables.string(f.funcID)
            out += " @ 0x"
            out += String(f.pc, radix: 16)
            out += "\n\t\t"
            out += tables.string(f.fileID)
            out += ":"
            out += String(f.line)
            out += "\n"
        }
    }

    /// The event's text without the final newline that `fmt.Println` adds.
    public func string(_ e: Event) -> String {
        var s = "M=\(e.thread) P=\(e.proc) G=\(e.goroutine) \(e.kind) Time=\(e.time)"
        switch e.kind {
        case .metric:
            s += " Name=\(GoText.quote(e.metricName)) Value=Value{Uint64(\(e.metricValue))}"
        case .label:
            s += " Label=\(q(e.labelStringID)) Resource=Goroutine(\(e.goroutine))"
        case .rangeBegin, .rangeActive, .rangeEnd:
            var name = e.rangeName(tables)
            if (e.type == Wire.stwBegin || e.type == Wire.stwEnd), let raw = tables.invalidUTF8[UInt32(truncatingIfNeeded: e.a0)] {
                name = String(decoding: Array("stop-the-world (".utf8) + raw + Array(")".utf8), as: UTF8.self)
                s += " Name=\(GoText.quote(Array("stop-the-world (".utf8) + raw + Array(")".utf8))) Scope=\(e.rangeScope)"
            } else {
                s += " Name=\(GoText.quote(name)) Scope=\(e.rangeScope)"
            }
            if e.kind == .rangeEnd {
                s += " Attributes=["
                if e.type == Wire.gcSweepEnd {
                    s += "\"bytes swept\"=Value{Uint64(\(e.a0))} \"bytes reclaimed\"=Value{Uint64(\(e.a1))}"
                }
                s += "]"
            }
        case .taskBegin, .taskEnd:
            s += " ID=\(e.taskID) Parent=\(e.taskParent) Type=\(q(e.typeStringID))"
        case .regionBegin, .regionEnd:
            s += " Task=\(e.taskID) Type=\(q(e.typeStringID))"
        case .log:
            s += " Task=\(e.taskID) Category=\(q(e.logCategoryID)) Message=\(q(e.logMessageID))"
        case .stateTransition:
            if let t = e.transition {
                switch t.resource {
                case .goroutine(let id): s += " GoID=\(id) \(t.goFrom)->\(t.goTo)"
                case .proc(let id): s += " ProcID=\(id) \(t.procFrom)->\(t.procTo)"
                default: break
                }
                s += " Reason=\(q(t.reasonID))"
                if t.stackID != 0 || t.alwaysPrintsStack {
                    s += "\nTransitionStack=\n"
                    appendStack(&s, t.stackID)
                }
            }
        case .experimental:
            let spec = Wire.specs[Int(e.type)]
            s += " Name=\(spec.name) Args=["
            for (i, name) in spec.args.dropFirst().enumerated() {
                if i > 0 { s += ", " }
                if name.hasSuffix("string") {
                    s += "\(name)=\(tables.string(UInt32(truncatingIfNeeded: e.arg(i))))"
                } else {
                    s += "\(name)=Value{Uint64(\(e.arg(i)))}"
                }
            }
            s += "]"
        case .sync:
            s += " N=\(e.syncN)"
            let ref = e.syncSnapshotRef
            if ref > 0 && ref <= tables.clockSnapshots.count {
                let c = tables.clockSnapshots[ref - 1]
                s += " Trace=\(c.trace) Mono=\(c.mono) Wall=" +
                    GoText.rfc3339Nano(seconds: Int64(bitPattern: c.wallSeconds), nanoseconds: Int64(bitPattern: c.wallNanoseconds))
            }
        default:
            break
        }
        let stack = e.stackID
        if stack != 0 || e.type == Wire.cpuSample {
            s += "\nStack=\n"
            appendStack(&s, stack)
        }
        return s
    }
}
