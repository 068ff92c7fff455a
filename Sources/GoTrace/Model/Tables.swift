/// One frame of a stack, leaf first within a stack.
public struct StackFrame: Hashable, Sendable {
    public var pc: UInt64
    /// Global string ID of the function name.
    public var funcID: UInt32
    /// Global string ID of the file name.
    public var fileID: UInt32
    public var line: UInt64
}

/// Strings and stacks of a whole trace, interned once for every generation.
///
/// Go keeps a table per generation; we merge them so that an event is a handful of integers
/// and equal stacks from different generations share one ID (which the analyses group by).
/// String ID 0 is the empty string; stack ID 0 is "no stack".
public final class TraceTables: @unchecked Sendable {
    public private(set) var strings: [String] = [""]
    private var stringIndex: [String: UInt32] = ["": 0]

    public private(set) var frames: [StackFrame] = []
    private var frameIndex: [StackFrame: UInt32] = [:]

    /// `stackStarts[id] ..< stackStarts[id + 1]` indexes `stackFrames` for global stack `id`.
    private var stackStarts: [UInt32] = [0, 0]
    private var stackFrames: [UInt32] = []
    private var stackIndex: [[UInt32]: UInt32] = [:]

    /// Clock snapshots of Go 1.25+ generations, referenced by Sync events.
    public internal(set) var clockSnapshots: [ClockSnapshot] = []

    public init() {}

    /// Number of distinct stacks, including the "no stack" ID 0.
    public var stackCount: Int { stackStarts.count - 1 }

    @inline(__always)
    public func string(_ id: UInt32) -> String {
        Int(id) < strings.count ? strings[Int(id)] : ""
    }

    /// Bytes of strings that are not valid UTF-8 (Go prints them byte for byte with `\x` escapes);
    /// `strings` holds a lossy decoding of them for display.
    public private(set) var invalidUTF8: [UInt32: [UInt8]] = [:]
    private var invalidIndex: [[UInt8]: UInt32] = [:]

    /// Interns a string given as raw bytes, keeping invalid UTF-8 exact.
    public func intern(bytes: UnsafeRawBufferPointer) -> UInt32 {
        if let s = String(validating: bytes, as: UTF8.self) { return intern(s) }
        let raw = Array(bytes)
        if let id = invalidIndex[raw] { return id }
        let id = UInt32(strings.count)
        strings.append(String(decoding: raw, as: UTF8.self))
        invalidUTF8[id] = raw
        invalidIndex[raw] = id
        return id
    }

    /// The exact bytes of string `id`.
    public func bytes(ofString id: UInt32) -> [UInt8] {
        if let raw = invalidUTF8[id] { return raw }
        return Array(string(id).utf8)
    }

    public func intern(_ s: String) -> UInt32 {
        if let id = stringIndex[s] { return id }
        let id = UInt32(strings.count)
        strings.append(s)
        stringIndex[s] = id
        return id
    }

    public func intern(frame: StackFrame) -> UInt32 {
        if let id = frameIndex[frame] { return id }
        let id = UInt32(frames.count)
        frames.append(frame)
        frameIndex[frame] = id
        return id
    }

    /// Interns a stack given as frame IDs, leaf first. Never returns 0, even for no frames.
    public func intern(stackFrameIDs ids: [UInt32]) -> UInt32 {
        if let id = stackIndex[ids] { return id }
        let id = UInt32(stackStarts.count - 1)
        stackFrames.append(contentsOf: ids)
        stackStarts.append(UInt32(stackFrames.count))
        stackIndex[ids] = id
        return id
    }

    /// The frames of a stack, leaf first. Empty for ID 0 or an unknown ID.
    public func frames(ofStack id: UInt32) -> [StackFrame] {
        guard id > 0, Int(id) + 1 < stackStarts.count else { return [] }
        return stackFrames[Int(stackStarts[Int(id)])..<Int(stackStarts[Int(id) + 1])].map { frames[Int($0)] }
    }

    /// The frame IDs of a stack, leaf first.
    public func frameIDs(ofStack id: UInt32) -> ArraySlice<UInt32> {
        guard id > 0, Int(id) + 1 < stackStarts.count else { return [] }
        return stackFrames[Int(stackStarts[Int(id)])..<Int(stackStarts[Int(id) + 1])]
    }

    /// Approximate bytes held by the tables (for the resident-size report).
    public var approximateBytes: Int {
        strings.reduce(0) { $0 + $1.utf8.count + 16 } * 2 + frames.count * 40 + stackFrames.count * 4 * 2
            + stackStarts.count * 4 + stackIndex.count * 48
    }
}
