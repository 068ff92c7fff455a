/// An error reading a trace.
///
/// `message` is the text Go's reader gives for the same condition (so that Go's own
/// FAILURE expectations and our golden files match); `description` adds where it happened:
/// the byte offset in the file and, when known, the generation and batch.
public struct TraceError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Go's wording of the problem.
    public var message: String
    /// Byte offset in the file where the problem was found, if known.
    public var offset: Int?
    /// The generation (v2) being read, if known.
    public var generation: UInt64?
    /// The file offset of the batch header the problem lies in, if known.
    public var batchOffset: Int?

    public init(_ message: String, offset: Int? = nil, generation: UInt64? = nil, batchOffset: Int? = nil) {
        self.message = message
        self.offset = offset
        self.generation = generation
        self.batchOffset = batchOffset
    }

    /// The message with its location.
    public var description: String {
        var parts: [String] = []
        if let offset { parts.append("offset \(offset)") }
        if let generation { parts.append("generation \(generation)") }
        if let batchOffset { parts.append("batch at offset \(batchOffset)") }
        return parts.isEmpty ? message : "\(message) (\(parts.joined(separator: ", ")))"
    }

    func located(offset: Int? = nil, generation: UInt64? = nil, batchOffset: Int? = nil) -> TraceError {
        var e = self
        if e.offset == nil { e.offset = offset }
        if e.generation == nil { e.generation = generation }
        if e.batchOffset == nil { e.batchOffset = batchOffset }
        return e
    }
}
