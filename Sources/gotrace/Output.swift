#if canImport(Glibc)
import Glibc
#endif

/// Buffered writing to stdout/stderr: dumps print millions of lines.
struct FileHandleOutput {
    private var buffer: [UInt8] = []
    private let fd: Int32

    init(fd: Int32 = 1) {
        self.fd = fd
        buffer.reserveCapacity(1 << 20)
    }

    mutating func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    mutating func flush() {
        var off = 0
        buffer.withUnsafeBytes { p in
            guard let base = p.baseAddress else { return }
            while off < p.count {
                let n = Glibc.write(fd, base + off, p.count - off)
                if n <= 0 { break }
                off += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    static func stderr(_ s: String) {
        var o = FileHandleOutput(fd: 2)
        o.write(s)
        o.flush()
    }
}
