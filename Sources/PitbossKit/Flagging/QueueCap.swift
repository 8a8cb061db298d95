import Foundation

/// At most `limit` flagged conversations in a shift's queue, the most severe kept: a noisy rule cannot bury the
/// reviewers under a thousand minor flags while a critical one waits.
///
/// Counted per shift, over the flagged items its queue holds or has held for review (open, claimed, scored; a skipped
/// item — not reviewable — frees its place). Once a shift is full, a conversation of a worse severity takes the place of
/// the least severe item nobody has touched (open, unassigned; of equals, the one queued last); items a reviewer claimed
/// or a supervisor assigned are never taken away. Severity is compared by its class (`QueuePriority.severityClass`), not
/// the whole priority, whose age bonus would let a newer conversation push out an older one just as severe. What was left
/// out keeps its findings and is reported by the run. One run's state, carried across its batches; the store loads each
/// shift's queue the first time the run meets the shift.
public final class QueueCap {
    /// A flagged item in a shift's queue, as the store reads it.
    public struct Item: Sendable, Equatable {
        public var conversation: String
        public var priority: Int
        /// Open and unassigned: it may give its place to a more severe conversation.
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

    /// A flagged conversation the cap kept out of the queue, or took out of it for a more severe one (`displaced`).
    public struct LeftOut: Sendable, Codable, Equatable {
        public var conversation: String
        public var shift: String
        public var priority: Int
        public var displaced: Bool

        public init(conversation: String, shift: String, priority: Int, displaced: Bool = false) {
            self.conversation = conversation
            self.shift = shift
            self.priority = priority
            self.displaced = displaced
        }
    }

    public let limit: Int
    /// The limits a workspace may set.
    public static let limits = 1...10_000_000
    private var shifts: [String: ShiftQueue] = [:]
    private var leftOut: [String: LeftOut] = [:]
    /// Orders entries queued later after earlier ones of the same severity.
    private var sequence = 0

    /// One shift's queue: how many items count, which conversations are in it, and the displaceable ones in a min-heap
    /// by (severity class, latest first), with stale heap entries skipped when they surface.
    private struct ShiftQueue {
        var count = 0
        var members: Set<String> = []
        /// conversation → its live entry's (class, sequence) and priority, for displaceable members.
        var live: [String: (rank: Rank, priority: Int)] = [:]
        var heap: [(rank: Rank, conversation: String)] = []

        struct Rank: Comparable {
            var severity: Int
            var sequence: Int
            /// The least severe first; of equals, the latest queued first.
            static func < (a: Rank, b: Rank) -> Bool { (a.severity, -a.sequence) < (b.severity, -b.sequence) }
        }

        mutating func push(_ conversation: String, priority: Int, sequence: Int) {
            let rank = Rank(severity: QueuePriority.severityClass(priority), sequence: sequence)
            live[conversation] = (rank, priority)
            heap.append((rank, conversation))
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard heap[child].rank < heap[parent].rank else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }

        /// The least severe live displaceable entry, without removing it.
        mutating func weakest() -> (conversation: String, rank: Rank, priority: Int)? {
            while let top = heap.first {
                if let entry = live[top.conversation], entry.rank == top.rank { return (top.conversation, entry.rank, entry.priority) }
                popTop()
            }
            return nil
        }

        mutating func popTop() {
            heap.swapAt(0, heap.count - 1)
            heap.removeLast()
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count && heap[left].rank < heap[smallest].rank { smallest = left }
                if right < heap.count && heap[right].rank < heap[smallest].rank { smallest = right }
                guard smallest != parent else { return }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }

    public init(limit: Int) {
        self.limit = limit
    }

    /// Whether `conversation` of `shift`, flagged with `priority`, enters the queue. `load` reads the shift's flagged
    /// items (oldest first, skipped ones left out), once per shift and run.
    public func admit<Failure: Error>(conversation: String, shift: String, priority: Int,
                                      load: (String) throws(Failure) -> [Item]) throws(Failure) -> Admission {
        // Taken out of the dictionary while it changes, so that it is changed in place, not copied on every admission.
        var queue: ShiftQueue
        if let known = shifts.removeValue(forKey: shift) { queue = known } else {
            queue = ShiftQueue()
            for item in try load(shift) {
                queue.count += 1
                queue.members.insert(item.conversation)
                if item.displaceable { queue.push(item.conversation, priority: item.priority, sequence: next()) }
            }
        }
        defer { shifts[shift] = queue }
        if queue.members.contains(conversation) {
            // Re-evaluated: its priority may change, its place in the order of queueing does not.
            if let entry = queue.live[conversation] { queue.push(conversation, priority: priority, sequence: entry.rank.sequence) }
            return .alreadyQueued
        }
        if queue.count < limit {
            queue.count += 1
            queue.members.insert(conversation)
            queue.push(conversation, priority: priority, sequence: next())
            leftOut[conversation] = nil
            return .queued
        }
        guard let weakest = queue.weakest(), weakest.rank.severity < QueuePriority.severityClass(priority) else {
            leftOut[conversation] = LeftOut(conversation: conversation, shift: shift, priority: priority)
            return .notQueued
        }
        queue.live[weakest.conversation] = nil
        queue.members.remove(weakest.conversation)
        queue.members.insert(conversation)
        queue.push(conversation, priority: priority, sequence: next())
        leftOut[weakest.conversation] = LeftOut(conversation: weakest.conversation, shift: shift, priority: weakest.priority, displaced: true)
        leftOut[conversation] = nil
        return .displacing(Item(conversation: weakest.conversation, priority: weakest.priority, displaceable: true))
    }

    /// The store found the item it was to take out claimed or assigned meanwhile: it stays, and counts as one more in its
    /// shift (the queue is over its limit by it until something else leaves).
    public func keep(_ item: Item, shift: String) {
        guard var queue = shifts.removeValue(forKey: shift) else { return }
        queue.members.insert(item.conversation)
        queue.count += 1
        leftOut[item.conversation] = nil
        shifts[shift] = queue
    }

    /// A conversation no longer flagged left the queue: its place is free.
    public func withdrawn(_ conversation: String, shift: String) {
        guard var queue = shifts.removeValue(forKey: shift) else { return }
        defer { shifts[shift] = queue }
        guard queue.members.remove(conversation) != nil else { return }
        queue.count -= 1
        queue.live[conversation] = nil
    }

    /// The flagged conversations kept out or taken out, most urgent first.
    public var left: [LeftOut] {
        leftOut.values.sorted { ($0.priority, $1.conversation) > ($1.priority, $0.conversation) }
    }

    private func next() -> Int {
        sequence += 1
        return sequence
    }
}
