import Dispatch
import Foundation

/// Maps a function over an array on all cores, keeping the order of the results.
enum ParallelMap {
    static func map<Element: Sendable, Result: Sendable>(_ elements: [Element], _ transform: @Sendable (Element) -> Result) -> [Result] {
        let count = elements.count
        guard count > 1 else { return elements.map(transform) }
        let slots = ResultSlots<Result>(count: count)
        let chunks = min(count, ProcessInfo.processInfo.activeProcessorCount * 4)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var index = chunk * count / chunks
            let end = (chunk + 1) * count / chunks
            while index < end {
                slots.set(index, transform(elements[index]))
                index += 1
            }
        }
        return slots.values()
    }

    /// Like `map`, with a value that each worker creates once and reuses for all its elements (a
    /// PCRE2 matcher: one per thread, never one per element).
    static func map<Element: Sendable, State, Result: Sendable>(
        _ elements: [Element], state makeState: @Sendable () -> State,
        _ transform: @Sendable (inout State, Element) -> Result
    ) -> [Result] {
        let count = elements.count
        guard count > 0 else { return [] }
        let slots = ResultSlots<Result>(count: count)
        let chunks = min(count, ProcessInfo.processInfo.activeProcessorCount * 4)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var state = makeState()
            var index = chunk * count / chunks
            let end = (chunk + 1) * count / chunks
            while index < end {
                slots.set(index, transform(&state, elements[index]))
                index += 1
            }
        }
        return slots.values()
    }

    /// Each slot is written by exactly one worker and read only after all have finished. Raw memory,
    /// not an array: concurrent writes to one array would trip Swift's exclusivity checks.
    private final class ResultSlots<Value>: @unchecked Sendable {
        private let storage: UnsafeMutableBufferPointer<Value?>
        init(count: Int) {
            storage = .allocate(capacity: count)
            storage.initialize(repeating: nil)
        }
        deinit {
            storage.deinitialize()
            storage.deallocate()
        }
        func set(_ index: Int, _ value: Value) { storage[index] = value }
        /// Called once every task has set its slot (the map waits for all of them), so no slot is empty.
        func values() -> [Value] { storage.compactMap { $0 } }
    }
}
