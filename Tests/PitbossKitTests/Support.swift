import Foundation
import Testing
@testable import PitbossKit

/// A fresh folder for one test's files, removed when the test's value goes away.
final class Scratch {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pitboss-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let full = path(name)
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }
}

/// The project's own fixtures, in the repository under `Tests/Fixtures/<format>/` (outside the test target, so
/// SwiftPM does not take them for resources); see Tests/Fixtures/README.md for what each one is.
enum FixtureFiles {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }  // Tests/PitbossKitTests/Support.swift → Tests
        return url.appendingPathComponent("Fixtures").path
    }()

    static func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }
}

/// The real third-party files kept beside the project (never copied into it). A bare clone has no
/// `../shared/real`: tests that read these files carry `.needsRealFiles` and are skipped there.
enum RealFiles {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/PitbossKitTests/Support.swift → package root
        return url.deletingLastPathComponent().appendingPathComponent("shared/real").path
    }()

    /// Whether `../shared/real` is beside the project.
    static let available: Bool = {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) && isDirectory.boolValue
    }()

    static func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }
}

extension Trait where Self == ConditionTrait {
    /// For a test of the real third-party files: runs when `../shared/real` is beside the project, and is
    /// reported as skipped, with the reason, in a bare clone.
    static var needsRealFiles: Self {
        .enabled(if: RealFiles.available, "../shared/real is not beside the project (a bare clone): skipped")
    }
}

enum Fixture {
    static let utc = TimeZone(identifier: "UTC")!

    /// One canonical JSON line with sensible defaults; `turns` is the raw JSON of the turns array.
    static func canonicalLine(id: String = "c-1", channel: String = "chat", language: String = "en", agent: String = "en.anna",
                              startedAt: String = "2026-11-21T22:04:00Z", turns: String? = nil) -> String {
        let defaultTurns = """
            [{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi, my withdrawal is pending"},\
            {"speaker":"agent","name":"Anna","at":"2026-11-21T22:04:31Z","text":"Good evening! Let me check."}]
            """
        return #"{"id":"\#(id)","channel":"\#(channel)","language":"\#(language)","agent":"\#(agent)","started_at":"\#(startedAt)","customer":{"id":"p-1","vip":false},"turns":\#(turns ?? defaultTurns)}"#
    }

    /// Reads every record of a file with a reader, finalizing each against `fallback`.
    static func read(_ reader: any TranscriptReader, _ path: String, roles: RoleMap = RoleMap(),
                     fallback: ConversationMetadata = ConversationMetadata(), columnMap: [String: String] = [:]) throws -> [Result<Conversation, RecordProblem>] {
        var results: [Result<Conversation, RecordProblem>] = []
        var meta = fallback
        meta.roles = fallback.roles.overlaid(with: roles)
        try reader.read(path: path, context: ReadContext(zone: utc, columnMap: columnMap, roles: meta.roles)) { pending in
            results.append(pending().flatMap { draft in
                Result { () throws(RecordProblem) in
                    try draft.finalized(fallback: meta, defaultID: WholeFile.stem(path), schedule: .standard)
                }
            })
        }
        return results
    }
}

extension Result {
    var value: Success? { if case .success(let v) = self { v } else { nil } }
    var problem: Failure? { if case .failure(let e) = self { e } else { nil } }
}
