import Foundation
import Testing

/// `pitboss review` in a real terminal, as a reviewer at 80×40 and 160×50 sees it: a 120-turn chat is paged, the
/// findings and the prompt come back into view after the pager, each finding is shown in its turn, and nothing
/// printed is wider than the terminal.
@Suite("the review screen in a terminal")
struct ReviewScreenTests {
    let workspace = Workspace()

    /// A 120-turn chat whose agent is rude at turn 62, flagged and queued.
    func prepare() throws {
        workspace.write("rubric.yaml", ReviewCommandTests.rubric)
        workspace.write("pitboss.yaml", "rubric: rubric.yaml\n")
        var turns: [String] = []
        for i in 0..<120 {
            let text = i == 61 ? "honestly that is not my problem, you should read the terms"
                : i % 2 == 0 ? "message number \(i + 1) about the deposit that did not arrive and the bonus terms that apply to it"
                : "Thanks for waiting, I am checking the account now, step \(i + 1) of the verification"
            turns.append(#"{"speaker":"\#(i % 2 == 0 ? "customer" : "agent")","at":"2026-11-21T22:\#(String(format: "%02d:%02d", i / 60, i % 60))Z","text":"\#(text)"}"#)
        }
        workspace.write("long.jsonl", #"{"id":"long-1","channel":"chat","language":"en","agent":"en.a","started_at":"2026-11-21T22:00:00Z","customer":{"id":"p-1"},"turns":[\#(turns.joined(separator: ","))]}"# + "\n")
        let pitboss = Pitboss(directory: workspace.url)
        #expect(try pitboss.run("import", "long.jsonl").status == 0)
        #expect(try pitboss.run("flag").status == 0)
    }

    /// A terminal session with colour on (widths must be measured without it) and only the given pager available.
    func terminal(columns: Int, rows: Int, path: String) throws -> ScriptedTerminal {
        var environment = ["HOME": workspace.url.path, "PATH": path, "TERM": "xterm", "PITBOSS_USER": "qa.maria", "TZ": "UTC"]
        environment["LANG"] = "C.UTF-8"
        return try ScriptedTerminal(["review", "next"], columns: columns, rows: rows, directory: workspace.url, environment: environment)
    }

    func widest(_ text: String) -> (Int, String) {
        text.split(separator: "\n").map { (String($0).count, String($0)) }.max { $0.0 < $1.0 } ?? (0, "")
    }

    @Test("80×40 without a pager program: the built-in pager, then the findings, each in its turn, and submit")
    func builtInPagerAt80Columns() throws {
        try prepare()
        let screen = try terminal(columns: 80, rows: 40, path: "/nonexistent")
        let firstPage = screen.expect("-- lines 1–38 of ")
        #expect(firstPage.contains("message number 1 about the deposit"))
        #expect(!firstPage.contains("message number 119"))
        #expect(firstPage.contains("F1  major"))  // the findings lead the transcript

        screen.type("/honestly\n")
        let found = screen.expect("Enter: next")
        #expect(found.contains("62  22:01:01  agent [en.a]  honestly that is not my problem[F1]"))

        screen.type("q\n")
        let afterPager = screen.expect("F1 > ")
        #expect(afterPager.contains("long-1  chat · en · agent en.a · shift 2026-11-21-night · 120 turns"))
        #expect(afterPager.contains("Findings\n  F1  major     rude [courtesy] found · turn 62: “not my problem”"))
        // The finding's words in place: the turn it answers, then its own turn, numbered as in the transcript.
        #expect(afterPager.contains("61  22:01:00  customer      message number 61 about the deposit"))
        #expect(afterPager.contains("62  22:01:01  agent [en.a]  honestly that is not my problem[F1], you should read"))

        screen.type("t 30\n")
        let around = screen.expect("F1 > ")
        for number in [29, 30, 31] { #expect(around.contains("\n\(number)  22:00:\(number - 1)")) }
        screen.type("t 121\n")
        #expect(screen.expect("F1 > ").contains("the turns are numbered 1 to 120"))

        screen.type("c\n")
        screen.expectPrompt(after: "[fail: ")
        screen.type("\n")
        screen.expectPrompt(after: "greeting")
        screen.type("p\n")
        screen.expectPrompt(after: "sla")
        screen.type("n\n")
        screen.expectPrompt(after: "Comment for the agent's file")
        screen.type("Rude at turn 62\n")
        screen.expectPrompt(after: "Submit?")
        screen.type("s\n")
        screen.expectPrompt(after: "Next item?")
        screen.type("q\n")
        #expect(screen.waitForExit() == 0)
        let all = screen.screenText
        #expect(all.contains("Stored review #1 of item 1 (long-1)"))
        let (width, line) = widest(all)
        #expect(width <= 80, "a line of \(width) columns: \(line)")
    }

    @Test("160×50 with less: the transcript is paged by less, q gives the findings and the prompt back", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/less"), "less is not installed: the built-in pager's test covers paging"))
    func lessAt160Columns() throws {
        try prepare()
        let screen = try terminal(columns: 160, rows: 50, path: "/usr/bin:/bin")
        let firstPage = screen.expect("message number 1 about the deposit")
        Thread.sleep(forTimeInterval: 0.5)  // less has drawn its first screen
        #expect(!screen.screenText.contains("message number 119"))
        #expect(!firstPage.contains("F1 > "))
        screen.type("q")
        let afterPager = screen.expect("F1 > ")
        #expect(afterPager.contains("120 turns"))
        #expect(afterPager.contains("62  22:01:01  agent [en.a]  honestly that is not my problem[F1], you should read the terms"))
        screen.type("abandon\n")
        #expect(screen.expect("Abandoned").contains("nothing stored; item 1 is back in the queue"))
        #expect(screen.waitForExit() == 0)
        let (width, line) = widest(screen.screenText)
        #expect(width <= 160, "a line of \(width) columns: \(line)")
    }
}
