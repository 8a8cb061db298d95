import Foundation

/// Work started on another thread now and waited for later: a flag run reads its next batch, and writes its last one,
/// while it evaluates the current one, so that reading and writing (round trips to a server, SQLite's pages) cost no time
/// of their own.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, PitbossError>?  // written once before `done` is signalled, read after

    init(_ work: @escaping @Sendable () throws(PitbossError) -> Value) {
        Thread.detachNewThread { [self] in
            do throws(PitbossError) { result = .success(try work()) } catch { result = .failure(error) }
            done.signal()
        }
    }

    /// The value, waiting for it if the work is still running.
    func value() throws(PitbossError) -> Value {
        done.wait()
        done.signal()  // a second call returns at once
        return try result!.get()
    }
}
