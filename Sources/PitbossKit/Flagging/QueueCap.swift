import Foundation

/// At most `limit` flagged conversations in a shift's queue, the most urgent kept (`QueuePriority` ranks the worst
/// severity first): a noisy rule cannot bury the reviewers under a thousand minor flags while a critical one waits.
///
/// Counted per shift, over every flagged item its queue has had (open, claimed, scored or skipped: each took or takes
/// a reviewer's time). Once a shift is full, a more urgent conversation takes the place of the least urgent item
/// nobody has touched (open, unassigned); items a reviewer claimed or a supervisor assigned are never taken away.
/// What was left out keeps its findings (`pitboss findings` lists them) and is reported by the run. One run's state,
/// carried across its batches; the store loads each shift's queue the first time the run meets the shift.
public final class QueueCap {
    /// A flagged item already in a shift's queue, as the store reads it.
    public struct Item: Sendable, Equatable {
        public var conversation: String
        public var priority: Int
        /// Open and unassigned: it may give its place to a more urgent conversation.
        public var displaceable: Bool

        public init(conversation: String, priority: Int, displaceable: Bool) {
            self.conversation = conversation
            self.priority = priority
            self.displaceable = displaceable
        }
    }

    public enum Admission: Equatable, Sendable {
        /// Already in the queue (this run re-evaluated it): it keeps its place.
        case alreadyQueued
        case queued
        /// Queued in the place of this item, which leaves the queue.
        case displacing(Item)
        case notQueued
    }

    /// A flagged conversation the cap kept out of the queue.
    public struct LeftOut: Sendable, Codable, Equatable {
        public var conversation: String
        public var shift: String
        public var priority: Int
    }

    public let limit: Int
    /// The limits a workspace may set.
    public static let limits = 1...10_000_000
    private var shifts: [String: ShiftQueue] = [:]
    private var leftOut: [String: LeftOut] = [:]

    private struct ShiftQueue {
        var count: Int
        var members: Set<String>
        /// Displaceable items, least urgent first.
        var displaceable: [Item]
    }

    public init(limit: Int) {
        self.limit = limit
    }

    /// Whether `conversation` of `shift`, flagged with `priority`, enters the queue. `load` reads the shift's flagged
    /// items, once per shift and run.
    public func admit<Failure: Error>(conversation: String, shift: String, priority: Int,
                                      load: (String) throws(Failure) -> [Item]) throws(Failure) -> Admission {
        var queue: ShiftQueue
        if let known = shifts[shift] { queue = known } else {
            let items = try load(shift)
            queue = ShiftQueue(count: items.count, members: Set(items.map(\.conversation)),
                               displaceable: items.filter(\.displaceable).reduce(into: []) { Self.insert($1, into: &$0) })
        }
        defer { shifts[shift] = queue }
        if queue.members.contains(conversation) {
            if let index = queue.displaceable.firstIndex(where: { $0.conversation == conversation }) {
                var item = queue.displaceable.remove(at: index)
                item.priority = priority
                Self.insert(item, into: &queue.displaceable)
            }
            return .alreadyQueued
        }
        let entry = Item(conversation: conversation, priority: priority, displaceable: true)
        if queue.count < limit {
            queue.count += 1
            queue.members.insert(conversation)
            Self.insert(entry, into: &queue.displaceable)
            leftOut[conversation] = nil
            return .queued
        }
        guard let weakest = queue.displaceable.first, weakest.priority < priority else {
            leftOut[conversation] = LeftOut(conversation: conversation, shift: shift, priority: priority)
            return .notQueued
        }
        queue.displaceable.removeFirst()
        queue.members.remove(weakest.conversation)
        queue.members.insert(conversation)
        Self.insert(entry, into: &queue.displaceable)
        leftOut[weakest.conversation] = LeftOut(conversation: weakest.conversation, shift: shift, priority: weakest.priority)
        leftOut[conversation] = nil
        return .displacing(weakest)
    }

    /// The store admitted a conversation in the place of an item it then found claimed or assigned meanwhile: that item
    /// stays, and counts as one more in its shift (the queue is over its limit by it until something else leaves).
    public func keep(_ item: Item, shift: String) {
        guard var queue = shifts[shift] else { return }
        queue.members.insert(item.conversation)
        queue.count += 1
        leftOut[item.conversation] = nil
        shifts[shift] = queue
    }

    /// A conversation no longer flagged left the queue: its place is free.
    public func withdrawn(_ conversation: String, shift: String) {
        guard var queue = shifts[shift], queue.members.remove(conversation) != nil else { return }
        queue.count -= 1
        queue.displaceable.removeAll { $0.conversation == conversation }
        shifts[shift] = queue
    }

    /// The flagged conversations kept out, most urgent first.
    public var left: [LeftOut] {
        leftOut.values.sorted { ($0.priority, $1.conversation) > ($1.priority, $0.conversation) }
    }

    private static func insert(_ item: Item, into items: inout [Item]) {
        // Before the items of the same priority: of equals, the one queued last gives its place first.
        var low = 0, high = items.count
        while low < high {
            let middle = (low + high) / 2
            if items[middle].priority < item.priority { low = middle + 1 } else { high = middle }
        }
        items.insert(item, at: low)
    }
}
