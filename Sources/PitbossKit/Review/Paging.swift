import Foundation

/// How a transcript longer than the screen is read on a terminal: through a pager, after which the findings and the
/// prompt come back into view. Which pager follows git's convention: `PITBOSS_PAGER`, else `PAGER` (empty or `cat`
/// for none), else `less` when installed, else the built-in `LinePager`.
public enum Paging {
    public enum Choice: Equatable, Sendable {
        case none
        /// A shell command, run by `/bin/sh -c` with the text on its input.
        case program(String)
        case builtIn
    }

    public static func choice(environment: [String: String], isExecutable: (String) -> Bool = { FileManager.default.isExecutableFile(atPath: $0) }) -> Choice {
        if let set = environment["PITBOSS_PAGER"] ?? environment["PAGER"] {
            let command = set.trimmingCharacters(in: .whitespaces)
            return command.isEmpty || command == "cat" ? .none : .program(command)
        }
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return path.contains { isExecutable("\($0)/less") } ? .program("less") : .builtIn
    }

    /// Whether a pager command shows colour codes as colour: less does (with -R, which `lessOptions` sets).
    public static func passesColour(_ command: String) -> Bool {
        let program = command.split(separator: " ").first.map { ($0 as Substring).split(separator: "/").last.map(String.init) ?? "" } ?? ""
        return program == "less"
    }

    /// `less`'s options when the user set none, as git sets them: colours shown (R), no alternate screen, so the last page
    /// stays above the findings and the prompt (X), and no paging of what fits one screen after all (F).
    public static let lessOptions = "FRX"

    /// The rows `text` takes on a screen `width` columns wide: a line wider than the screen takes several.
    public static func rows(_ text: String, width: Int?) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0).reduce(0) { sum, line in
            let columns = TextWrap.displayWidth(String(line))
            guard let width, width > 0, columns > width else { return sum + 1 }
            return sum + (columns + width - 1) / width
        }
    }

    /// Whether `text` is paged: on a terminal of known height, when it and the `below` rows that must stay in view after
    /// it (the first prompt) do not fit one screen.
    public static func needed(_ text: String, style: OutputStyle, below: Int = 2) -> Bool {
        guard style.isTerminal, let height = style.height else { return false }
        return rows(text, width: style.width) + below > height
    }
}

/// The pager of a terminal that has no pager program: a screen at a time, driven by line commands (Enter for the next
/// page), so that it works in any terminal mode and reads as a dialogue in a recording.
public struct LinePager {
    let lines: [String]
    /// Rows of text per page: the screen's height less the prompt line and the line the typed Enter takes.
    let pageRows: Int

    public init(_ text: String, height: Int) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        self.lines = lines
        self.pageRows = max(3, height - 2)
    }

    /// Shows the pages until the reader quits or reads past the end; the end of input quits too.
    public func run(_ terminal: any ReviewTerminal, style: OutputStyle) {
        var top = 0
        while top < lines.count {
            let bottom = min(lines.count, top + pageRows)
            terminal.write(lines[top..<bottom].joined(separator: "\n") + "\n")
            guard bottom < lines.count else { return }
            let prompt = style.paint("-- lines \(top + 1)–\(bottom) of \(lines.count) · Enter: next, b: back, /word: find, q: done -- ", .dim, .bold)
            guard let typed = terminal.readLine(prompt: prompt)?.trimmingCharacters(in: .whitespaces) else { return }
            switch typed.lowercased() {
            case "q", "quit", ":q", "abandon": return  // the review's own prompt comes next, where abandon abandons
            case "b", "back": top = max(0, top - pageRows)
            case "g", "top": top = 0
            case let command where command.hasPrefix("/") && command.count > 1:
                let word = TextWrap.withoutEscapes(String(typed.dropFirst())).lowercased()
                if let found = lines[(top + 1)...].firstIndex(where: { TextWrap.withoutEscapes($0).lowercased().contains(word) }) {
                    top = found
                } else {
                    terminal.write(style.paint("“\(TerminalSafe.line(String(typed.dropFirst())))” is not further on; ", .yellow)
                        + "the same page again:\n")
                }
            case "":
                top = bottom
            default:
                terminal.write(style.paint("  Enter for the next page, b back, g the top, /word to find, q to leave the pager", .yellow) + "\n")
            }
        }
    }
}
