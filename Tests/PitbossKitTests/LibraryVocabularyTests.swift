import Foundation
import Testing

/// PitbossKit describes problems in the domain's words; the executable alone knows its flags and commands
/// (DESIGN.md, "Conventions"). A flag or a command line in one of the library's strings is a leak.
@Suite("The library speaks the domain's words, not the command line's")
struct LibraryVocabularyTests {
    static let libraryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Sources/PitbossKit")
    }()

    @Test("no string in PitbossKit names a flag (--roles) or a command line (pitboss score …)")
    func noCommandLineTerms() throws {
        let files = try #require(FileManager.default.enumerator(atPath: Self.libraryRoot.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > 50)
        var leaks: [String] = []
        for file in files {
            let text = try String(contentsOf: Self.libraryRoot.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard !code.hasPrefix("//") else { continue }
                // Only what is inside string literals: split on quotes and keep the odd pieces.
                let literals = code.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
                for literal in literals where literal.range(of: #"(^|[\s(])--[a-z]|\bpitboss [a-z]"#, options: .regularExpression) != nil {
                    leaks.append("\(file):\(number + 1): \(literal)")
                }
            }
        }
        #expect(leaks.isEmpty, "command-line terms in the library:\n\(leaks.joined(separator: "\n"))")
    }
}
