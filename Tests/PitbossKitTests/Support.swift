import Foundation
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

/// The real third-party files kept beside the project (never copied into it).
enum RealFiles {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/PitbossKitTests/Support.swift → package root
        return url.deletingLastPathComponent().appendingPathComponent("shared/real").path
    }()

    static func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }
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
