import Foundation
import Testing
@testable import PitbossKit

@Suite("Paging a transcript longer than the screen")
struct PagingTests {
    @Test("the pager follows git's convention: PITBOSS_PAGER, then PAGER (empty or cat for none), then less, then the built-in one")
    func choice() {
        let withLess: (String) -> Bool = { $0 == "/usr/bin/less" }
        #expect(Paging.choice(environment: ["PITBOSS_PAGER": "most", "PAGER": "more"], isExecutable: withLess) == .program("most"))
        #expect(Paging.choice(environment: ["PAGER": "more -s"], isExecutable: withLess) == .program("more -s"))
        #expect(Paging.choice(environment: ["PAGER": ""], isExecutable: withLess) == Paging.Choice.none)
        #expect(Paging.choice(environment: ["PITBOSS_PAGER": "cat", "PAGER": "less"], isExecutable: withLess) == Paging.Choice.none)
        #expect(Paging.choice(environment: ["PATH": "/bin:/usr/bin"], isExecutable: withLess) == .program("less"))
        #expect(Paging.choice(environment: ["PATH": "/bin"], isExecutable: withLess) == .builtIn)
    }

    @Test("rows count a line wider than the screen as several, colour codes as nothing; paging only on a terminal of known height")
    func rows() {
        let red = OutputStyle(color: true, isTerminal: true).paint(String(repeating: "x", count: 80), .red)
        #expect(Paging.rows("a\n\(red)\n" + String(repeating: "y", count: 81) + "\n", width: 80) == 4)
        let text = Array(repeating: "line", count: 38).joined(separator: "\n") + "\n"
        #expect(!Paging.needed(text, style: OutputStyle(color: false, isTerminal: true, width: 80, height: 40)))
        #expect(Paging.needed(text + "one more\n", style: OutputStyle(color: false, isTerminal: true, width: 80, height: 40)))
        #expect(!Paging.needed(text + text, style: OutputStyle(color: false, isTerminal: false, width: 80, height: 40)))
        #expect(!Paging.needed(text + text, style: OutputStyle(color: false, isTerminal: true, width: 80, height: nil)))
    }

    final class Keys: ReviewTerminal {
        var keys: [String]
        var output = ""
        init(_ keys: [String]) { self.keys = keys }
        func write(_ text: String) { output += text }
        func readLine(prompt: String) -> String? {
            output += prompt + "\n"
            return keys.isEmpty ? nil : keys.removeFirst()
        }
    }

    @Test("the built-in pager: Enter for the next page, b for back, /word to find it, q to stop; the last page ends it")
    func linePager() {
        let text = (1...25).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let pager = LinePager(text, height: 10)  // 8 lines a page
        let reading = Keys(["", "b", "/line 20"])
        pager.run(reading, style: .plain)
        let prompts = reading.output.components(separatedBy: "\n").filter { $0.hasPrefix("-- lines") }
        #expect(prompts.map { $0.prefix(while: { $0 != "·" }) } == ["-- lines 1–8 of 25 ", "-- lines 9–16 of 25 ", "-- lines 1–8 of 25 "])
        #expect(reading.output.hasSuffix("line 25\n"))  // the last page shown needs no prompt: the pager is done
        let missing = Keys(["/nowhere", "q"])
        pager.run(missing, style: .plain)
        #expect(missing.output.contains("“nowhere” is not further on; the same page again:"))
        #expect(!missing.output.contains("line 9\n"))  // q stopped it on the first page
    }
}
