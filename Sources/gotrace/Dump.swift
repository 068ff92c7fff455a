import ArgumentParser
import GoTrace

#if canImport(Glibc)
import Glibc
#endif

/// `gotrace dump`: the event stream as `go tool trace -d=parsed|wire|footprint` prints it.
struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every event, exactly as `go tool trace -d=parsed` does.")

    @Flag(help: "Print raw wire records, as `go tool trace -d=wire` (Go 1.22+ traces).")
    var wire = false

    @Flag(help: "Print bytes and counts per wire event type, as `go tool trace -d=footprint`.")
    var footprint = false

    @Argument(help: "The trace file.")
    var trace: String

    func run() throws {
        var out = FileHandleOutput()
        defer { out.flush() }
        do {
            if wire || footprint {
                let bytes = try TraceBytes(path: trace)
                let text = footprint ? try WireDump.footprint(bytes) : nil
                if let text {
                    out.write(text)
                } else {
                    try WireDump.dump(bytes) { out.write($0); out.write("\n") }
                }
                return
            }
            let reader = try TraceReader(path: trace)
            let fmt = ParsedFormatter(tables: reader.tables)
            while let ev = try reader.next() {
                out.write(fmt.string(ev))
                out.write("\n")
            }
        } catch {
            out.flush()
            FileHandleOutput.stderr(error.message + "\n")
            throw ExitCode(1)
        }
    }
}
