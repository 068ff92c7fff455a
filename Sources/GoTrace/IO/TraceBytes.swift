#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The raw bytes of a trace, kept alive for as long as any reader uses them.
///
/// Files are memory-mapped read-only so that a multi-gigabyte trace costs page cache, not heap;
/// in-memory byte arrays (tests, fuzzing, stdin) are copied into an owned buffer.
public final class TraceBytes: @unchecked Sendable {
    /// The whole trace. Valid for the lifetime of this object.
    public let buffer: UnsafeRawBufferPointer
    private let unmap: Bool

    /// Maps the file at `path`.
    public init(path: String) throws(TraceError) {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            throw TraceError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 {
            throw TraceError("cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        let size = Int(st.st_size)
        if size == 0 {
            buffer = UnsafeRawBufferPointer(start: nil, count: 0)
            unmap = false
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw TraceError("cannot map \(path): \(String(cString: strerror(errno)))")
        }
        #if canImport(Glibc)
        _ = madvise(base, size, MADV_SEQUENTIAL)
        #endif
        buffer = UnsafeRawBufferPointer(start: base, count: size)
        unmap = true
    }

    /// Copies `bytes` into a buffer owned by this object.
    public init<C: Collection>(bytes: C) where C.Element == UInt8 {
        let count = bytes.count
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 8)
        _ = raw.initializeMemory(as: UInt8.self, from: bytes)
        buffer = UnsafeRawBufferPointer(start: raw.baseAddress, count: count)
        unmap = false
    }

    deinit {
        if unmap, let base = buffer.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), buffer.count)
        } else if !unmap, let base = buffer.baseAddress {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    public var count: Int { buffer.count }

    /// Tells the kernel that bytes before `offset` will not be read again, so a mapped file's
    /// pages can leave memory (they count as resident otherwise). No effect on owned buffers.
    public func release(upTo offset: Int) {
        guard unmap, let base = buffer.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = min(offset, buffer.count) / page * page
        guard end > releasedUpTo else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + releasedUpTo), end - releasedUpTo, MADV_DONTNEED)
        releasedUpTo = end
    }
    private var releasedUpTo = 0
}
