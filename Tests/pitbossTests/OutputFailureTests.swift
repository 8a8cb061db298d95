import Foundation
import Testing

/// Output that cannot be written (a full disk, a closed stdout) ends the command with a message and exit 74, never
/// a trap; the database is left whole.
@Suite("Output errors: a full disk or a closed stdout is exit 74 with a message")
struct OutputFailureTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url) }

    /// Runs the binary through the shell, so that stdout can be redirected the way a person does.
    func shell(_ script: String) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = workspace.url
        process.environment = pitboss.environment.merging(["PITBOSS": Pitboss.binary.path]) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stderr, as: UTF8.self))
    }

    @Test("stats, show and import write to /dev/full: exit 74, the reason on stderr, and what import stored is kept",
          .enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full on this system"))
    func fullDisk() throws {
        let file = workspace.corpus("shift.jsonl", count: 3)
        let imported = try shell(#""$PITBOSS" import "\#(file)" > /dev/full"#)
        #expect(imported.status == 74, "\(imported.stderr)")
        #expect(imported.stderr.contains("cannot write the output (No space left on device)"))
        #expect(!imported.stderr.contains("Fatal error"))
        #expect(try pitboss.run("stats").stdout.hasPrefix("3 conversations"))
        for command in ["stats", "show c-1", "queue list", "findings --format json"] {
            let run = try shell(#""$PITBOSS" \#(command) > /dev/full"#)
            #expect(run.status == 74, "\(command): \(run.stderr)")
        }
    }

    @Test("a closed stdout: exit 74 and the reason")
    func closedStdout() throws {
        _ = workspace.corpus("shift.jsonl", count: 1)
        #expect(try pitboss.run("import", "shift.jsonl").status == 0)
        let run = try shell(#""$PITBOSS" stats >&-"#)
        #expect(run.status == 74, "\(run.stderr)")
        #expect(run.stderr.contains("standard output is closed"), "\(run.stderr)")
        #expect(try pitboss.run("doctor").status == 0)  // nothing was written where the output should have gone
    }
}
