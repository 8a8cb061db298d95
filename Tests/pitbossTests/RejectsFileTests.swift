import Foundation
import Testing

/// `--rejects FILE` must never destroy what it reports on: the database, the files being imported, a link.
@Suite("import --rejects: written in place, never over an input or the database")
struct RejectsFileTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url) }

    func badFile(_ name: String) -> String {
        workspace.write(name, #"{"id":"bad-1","channel":"pigeon","language":"en","agent":"a","started_at":"2026-11-21T22:04:00Z","turns":[]}"# + "\n")
    }

    @Test("a rejects path that is the database or one of the inputs is refused before anything is written")
    func refusesInputsAndDatabase() throws {
        _ = workspace.corpus("good.jsonl", count: 2)
        #expect(try pitboss.run("import", "good.jsonl").status == 0)
        let bad = badFile("bad.jsonl")
        let input = try #require(FileManager.default.contents(atPath: bad))
        for target in ["pitboss.sqlite", "bad.jsonl", "./bad.jsonl"] {
            let run = try pitboss.run("import", "bad.jsonl", "--rejects", target)
            #expect(run.status == 64, "\(target): \(run.stderr)")
            #expect(run.stderr.contains("the rejects file would overwrite"), "\(target): \(run.stderr)")
        }
        #expect(try pitboss.run("stats").stdout.hasPrefix("2 conversations"))
        #expect(try pitboss.run("doctor").status == 0)
        #expect(FileManager.default.contents(atPath: bad) == input)
    }

    @Test("a link is followed, not replaced; every key of a line is present")
    func followsLinks() throws {
        _ = badFile("bad.jsonl")
        try FileManager.default.createSymbolicLink(atPath: workspace.path("latest.jsonl"), withDestinationPath: "rejects-1.jsonl")
        let run = try pitboss.run("import", "bad.jsonl", "--rejects", "latest.jsonl")
        #expect(run.status == 65)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: workspace.path("latest.jsonl")) == "rejects-1.jsonl")
        let text = try String(contentsOfFile: workspace.path("rejects-1.jsonl"), encoding: .utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["kind", "file", "line", "column", "field", "conversation", "reason", "record"])
        #expect(object["conversation"] as? String == "bad-1")
    }

    @Test("a folder or a named pipe as the rejects file is refused (a pipe would block the import)")
    func refusesSpecialFiles() throws {
        _ = badFile("bad.jsonl")
        #expect(mkfifo(workspace.path("pipe"), 0o600) == 0)
        for target in ["pipe", "."] {
            let run = try pitboss.run("import", "bad.jsonl", "--rejects", target)
            #expect(run.status == 64, "\(target): \(run.stderr)")
            #expect(run.stderr.contains("must be a regular file"), "\(target): \(run.stderr)")
        }
    }

    @Test("nor through a hard link, nor SQLite's files beside the database, nor an input's sidecar")
    func refusesLinksAndCompanions() throws {
        _ = workspace.corpus("good.jsonl", count: 2)
        #expect(try pitboss.run("import", "good.jsonl").status == 0)
        _ = badFile("bad.jsonl")
        workspace.write("bad.meta.json", #"{"agent": "en.anna"}"#)
        #expect(link(workspace.path("pitboss.sqlite"), workspace.path("hard.jsonl")) == 0)
        for target in ["hard.jsonl", "pitboss.sqlite-wal", "pitboss.sqlite-shm", "bad.meta.json"] {
            let run = try pitboss.run("import", "bad.jsonl", "--rejects", target)
            #expect(run.status == 64, "\(target): \(run.stderr)")
        }
        #expect(try pitboss.run("doctor").status == 0)
        #expect(try String(contentsOfFile: workspace.path("bad.meta.json"), encoding: .utf8).contains("en.anna"))
    }
}
