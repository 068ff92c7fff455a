import ArgumentParser
import GoTrace

#if canImport(Glibc)
import Glibc
#endif

/// `gotrace`: Go execution traces, read exactly as Go reads them, faster.
@main
struct GoTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gotrace",
        abstract: "Read and analyse Go execution traces (every format from Go 1.5 to Go 1.27).",
        discussion: """
            go tool trace's debug spellings work too: `gotrace -d=parsed TRACE`, `-d=wire`, `-d=footprint`.
            So does its profile spelling: `gotrace -pprof=net|sync|syscall|sched TRACE` (gzip'd pprof to stdout).
            """,
        subcommands: [ViewCommand.self, Dump.self, Stats.self, Pprof.self, GoroutinesCommand.self, TasksCommand.self, RegionsCommand.self, LogsCommand.self, MMUCommand.self, GCCommand.self, ReportCommand.self]
    )

    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        // go tool trace spelling: -d=MODE TRACE
        if let i = args.firstIndex(where: { $0.hasPrefix("-d=") || $0 == "-d" }) {
            var mode: String
            if args[i] == "-d" {
                guard i + 1 < args.count else { exitWithUsage("flag needs an argument: -d") }
                mode = args[i + 1]
                args.removeSubrange(i...(i + 1))
            } else {
                mode = String(args[i].dropFirst(3))
                args.remove(at: i)
            }
            switch mode {
            case "parsed": break
            case "wire": args.insert("--wire", at: 0)
            case "footprint": args.insert("--footprint", at: 0)
            default:
                FileHandleOutput.stderr("invalid debug mode \(mode), want one of: parsed, wire, footprint\n")
                Glibc.exit(1)
            }
            args.insert("dump", at: 0)
            mode = ""
        }
        // go tool trace spelling: -pprof=TYPE TRACE (profile to stdout)
        if let i = args.firstIndex(where: { $0.hasPrefix("-pprof=") || $0.hasPrefix("--pprof=") || $0 == "-pprof" || $0 == "--pprof" }) {
            let type: String
            if let eq = args[i].firstIndex(of: "=") {
                type = String(args[i][args[i].index(after: eq)...])
                args.remove(at: i)
            } else {
                guard i + 1 < args.count else { exitWithUsage("flag needs an argument: -pprof") }
                type = args[i + 1]
                args.removeSubrange(i...(i + 1))
            }
            args = ["pprof", "--go-spelling", "--", type] + args
        }
        // go tool trace spelling: `gotrace [-http=ADDR] TRACE` opens the viewer.
        let names = Set(configuration.subcommands.map { $0._commandName } + ["help"])
        if let first = args.first(where: { !$0.hasPrefix("-") }), !names.contains(first),
           !args.contains(where: { ["-h", "--help", "--version"].contains($0) }) {
            args.insert("view", at: 0)
        }
        do {
            var command = try parseAsRoot(args)
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    static func exitWithUsage(_ message: String) -> Never {
        FileHandleOutput.stderr(message + "\n")
        Glibc.exit(2)
    }
}
