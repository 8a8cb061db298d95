import Foundation

/// Runs the built `pitboss` binary, the way a person or a script does.
struct Pitboss {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The binary beside the test bundle (`swift build --build-tests` builds it there).
    static let binary: URL = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("pitboss")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return packageRoot.appendingPathComponent(".build/debug/pitboss")
    }()

    let directory: URL
    var environment: [String: String]

    init(directory: URL, environment: [String: String] = [:]) {
        self.directory = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PITBOSS_DB")
        env.removeValue(forKey: "PITBOSS_CONFIG")
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        self.environment = env
    }

    func start(_ arguments: [String], stdin: Pipe? = nil, executable: URL = Pitboss.binary) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = executable == Self.binary ? arguments : Array(arguments.dropFirst())
        process.currentDirectoryURL = directory
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin { process.standardInput = stdin } else { process.standardInput = FileHandle.nullDevice }
        try process.run()
        return (process, out, err)
    }

    @discardableResult
    func run(_ arguments: String...) throws -> Run {
        try run(arguments)
    }

    /// Runs with `input` piped to its standard input (closed after it, as a pipe from `printf` is).
    func run(_ arguments: [String], input: String) throws -> Run {
        let stdin = Pipe()
        let (process, out, err) = try start(arguments, stdin: stdin)
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs the binary, or another program named by `executable` (its path first in `arguments`, as argv[0]).
    func run(_ arguments: [String], executable: URL = Pitboss.binary) throws -> Run {
        let (process, out, err) = try start(arguments, executable: executable)
        // Read both pipes before waiting, so a chatty process never blocks on a full pipe.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// A scratch folder that the binary runs in.
final class Workspace {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pitboss-e2e-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let full = path(name)
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
        return full
    }

    /// `count` canonical conversations of a few turns each, as one JSON Lines file.
    func corpus(_ name: String, count: Int, prefix: String = "c") -> String {
        var text = ""
        text.reserveCapacity(count * 600)
        for i in 0..<count {
            let minute = String(format: "%02d", i % 60)
            text += #"{"id":"\#(prefix)-\#(i)","channel":"chat","language":"en","agent":"en.a\#(i % 7)","started_at":"2026-11-21T22:\#(minute):00Z","customer":{"id":"p-\#(i)","vip":false},"turns":[{"speaker":"customer","at":"2026-11-21T22:\#(minute):00Z","text":"my withdrawal \#(i) is pending for 3 days"},{"speaker":"agent","at":"2026-11-21T22:\#(minute):30Z","text":"Good evening! Withdrawals take 24 to 72 hours."},{"speaker":"customer","at":"2026-11-21T22:\#(minute):40Z","text":"ok thanks 🙏"}]}"# + "\n"
        }
        return write(name, text)
    }
}
