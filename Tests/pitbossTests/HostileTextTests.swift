import Foundation
import Testing

/// Transcripts are written by strangers. Whatever a chat message, a speaker's name or a record id holds, printing
/// it must not drive the reviewer's terminal: no clipboard writes, links, titles, screen clears or reordered text.
@Suite("Hostile text in transcripts never reaches a terminal raw")
struct HostileTextTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.maria"]) }
    let rubric = Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path

    /// OSC 52 (clipboard), OSC 8 (link), OSC 0 (title), CSI clear screen, the alternate screen, BEL, a C1 CSI, and a
    /// right-to-left override.
    static let payload = "\u{1B}]52;c;cm0gLXJmIH4=\u{07}\u{1B}]8;;http://evil.example\u{1B}\\link\u{1B}]8;;\u{1B}\\\u{1B}]0;pwned\u{07}"
        + "\u{1B}[2J\u{1B}[?1049h\u{9B}31m\u{202E}exe.txt"

    /// JSON-escapes a string for a hand-written JSON line.
    static func json(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }

    /// Everything that could drive a terminal: C0 controls but line feed and tab, DEL, C1 controls, bidi controls.
    static func controls(in text: String) -> [String] {
        text.unicodeScalars.filter { s in
            let v = s.value
            return (v < 0x20 && v != 0x0A && v != 0x09) || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F
        }.map { String(format: "U+%04X", $0.value) }
    }

    /// Control characters are refused in ids, but a bidi override is a format character and gets in.
    static let id = "evil-\u{202E}txt.exe"

    func importHostile() throws {
        let p = Self.payload
        let good = #"{"id":\#(Self.json(Self.id)),"channel":"chat","language":"en","agent":\#(Self.json("en.anna" + p)),"started_at":"2026-11-21T22:04:00Z","customer":{"id":\#(Self.json("p-1" + p)),"vip":false},"tags":[\#(Self.json("tag" + p))],"turns":[{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":\#(Self.json("my card 4111 1111 1111 1111, you idiot " + p))},{"speaker":"agent","name":\#(Self.json("Anna" + p)),"at":"2026-11-21T22:04:30Z","text":\#(Self.json("That is not my problem, stupid. " + p))}]}"#
        let bad = #"{"id":\#(Self.json("bad-" + p)),"channel":"pigeon","language":"en","agent":"x","started_at":"2026-11-21T22:04:00Z","turns":[]}"#
        let file = workspace.write("hostile.jsonl", good + "\n" + bad + "\n")
        let run = try pitboss.run("import", file)
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("imported 1,"), "\(run.stdout) \(run.stderr)")
        #expect(Self.controls(in: run.stdout + run.stderr).isEmpty, "import printed \(Self.controls(in: run.stdout + run.stderr))")
        #expect(run.stderr.contains("bad-^[]52;c;"))
    }

    @Test("show, check, findings, flag and queue list show control characters visibly, on a pipe")
    func listings() throws {
        try importHostile()
        let id = Self.id
        for arguments in [["show", id], ["check", id, "--rubric", rubric], ["flag", "--rubric", rubric], ["findings"], ["queue", "list"], ["stats"], ["history", id]] {
            let run = try pitboss.run(Array(arguments))
            #expect(Self.controls(in: run.stdout + run.stderr).isEmpty, "\(arguments.joined(separator: " ")) printed \(Self.controls(in: run.stdout + run.stderr))")
        }
        let shown = try pitboss.run("show", id)
        #expect(shown.stdout.contains("^[]52;c;cm0gLXJmIH4=^G"))
        #expect(shown.stdout.contains("\\u{9B}31m\\u{202E}exe.txt"))
        #expect(shown.stdout.contains("evil-\\u{202E}txt.exe"))
    }

    @Test("the review screen shows control characters visibly")
    func review() throws {
        try importHostile()
        #expect(try pitboss.run("flag", "--rubric", rubric).status == 0)
        let run = try pitboss.run(["review", "next", "--rubric", rubric], input: "abandon\n")
        #expect(run.stdout.contains("Anna^[]52;c;"), "\(run.stdout)")
        #expect(Self.controls(in: run.stdout + run.stderr).isEmpty, "review printed \(Self.controls(in: run.stdout + run.stderr))")
    }

    @Test("a hostile rubric and a hostile --as name are shown visibly too: flag's summary, the review screen, typed answers")
    func hostileRubricAndActor() throws {
        try importHostile()
        workspace.write("hostile.yaml", #"""
            rubric: "hostile\e]0;PWNED\a"
            version: 1
            languages: [en]
            criteria:
              - {id: courtesy, title: "Courtesy \e]52;c;Zm9v\a", weight: 1}
            rules:
              - id: rude
                kind: forbid
                criterion: courtesy
                severity: major
                message: "rude \e[?1049h {match}"
                patterns:
                  en: ['\bstupid\b']
            """#)
        let flag = try pitboss.run("flag", "--rubric", "hostile.yaml")
        #expect(flag.status == 0, "\(flag.stderr)")
        #expect(Self.controls(in: flag.stdout + flag.stderr).isEmpty, "flag printed \(Self.controls(in: flag.stdout + flag.stderr))")
        let review = try pitboss.run(["review", "next", "--rubric", "hostile.yaml", "--as", "qa\u{1B}]0;T\u{07}\u{202E}"],
                                     input: "s\nbad\u{1B}]0;X\u{07}\nabandon\n")
        #expect(review.stdout.contains("Courtesy ^[]52;c;Zm9v^G"), "\(review.stdout)")
        #expect(review.stdout.contains("'bad^[]0;X^G' is not an answer here"))
        #expect(Self.controls(in: review.stdout + review.stderr).isEmpty, "review printed \(Self.controls(in: review.stdout + review.stderr))")
    }

    @Test("a NUL in a turn, a name or an id is refused at import: text read back stops at it, and the words after it would vanish")
    func nulRefused() throws {
        let line = #"{"id":"nul-1","channel":"chat","language":"en","agent":"en.anna","started_at":"2026-11-21T22:04:00Z","customer":{"id":"p-1","vip":false},"turns":[{"speaker":"agent","at":"2026-11-21T22:04:00Z","text":"ok\u0000 read the rules yourself"}]}"#
        workspace.write("nul.jsonl", line + "\n" + line.replacingOccurrences(of: #""text":"ok\u0000"#, with: #""text":"ok"#)
            .replacingOccurrences(of: #""agent":"en.anna""#, with: #""agent":"en.\u0000anna""#).replacingOccurrences(of: "nul-1", with: "nul-2") + "\n")
        let run = try pitboss.run("import", "nul.jsonl")
        #expect(run.status == 65)
        #expect(run.stdout.hasPrefix("imported 0,"), "\(run.stdout)")
        #expect(run.stderr.contains("turns[0].text: contains a NUL character (U+0000)"), "\(run.stderr)")
        #expect(run.stderr.contains("conversation nul-2: agent: contains a NUL character"), "\(run.stderr)")
    }

    @Test("the command line's own errors quote what was typed visibly too")
    func argumentErrors() throws {
        let run = try pitboss.run("stats", "--format", "\u{1B}]0;X\u{07}")
        #expect(run.status == 64)
        #expect(run.stderr.contains("'^[]0;X^G' is invalid for '--format <format>'"), "\(run.stderr)")
        #expect(Self.controls(in: run.stdout + run.stderr).isEmpty)
    }

    @Test("JSON output keeps the exact text")
    func jsonIsExact() throws {
        try importHostile()
        let id = Self.id
        let run = try pitboss.run("show", id, "--format", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["id"] as? String == id)
    }
}
