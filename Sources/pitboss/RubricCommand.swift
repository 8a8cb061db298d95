import ArgumentParser
import Foundation
import PitbossKit

struct RubricCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rubric",
        abstract: "Write and test rubrics: lint, test, try a pattern, eval against labelled conversations, explain, patterns; precision from reviewers' verdicts.",
        discussion: "Example: pitboss rubric lint Rubrics/casino-support.yaml && pitboss rubric test Rubrics/casino-support.yaml",
        subcommands: [Lint.self, Test.self, Try.self, Eval.self, Explain.self, Patterns.self, Precision.self]
    )

    /// The rubric files named, or the workspace's rubric.
    static func files(_ named: [String], _ global: GlobalOptions) throws -> [String] {
        named.isEmpty ? [try global.workspaceConfig().rubricPath] : named
    }

    /// Loads a rubric, or throws its problems as bad input (exit 65), each on its own line.
    static func load(_ path: String) throws -> Rubric {
        do {
            return try RubricLoader.load(path: path)
        } catch let error as RubricLoadError {
            throw PitbossError.badInput(error.description + "\n\(path): \(error.problems.count) problem\(error.problems.count == 1 ? "" : "s"); the rubric was not loaded")
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load rubrics, compile every pattern, and report every problem (exit 65 if any).", discussion: "Example: pitboss rubric lint Rubrics/casino-support.yaml")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Rubric files (default: the workspace's rubric).") var files: [String] = []

        func run() throws {
            try reportingErrors {
                var failed = false
                for path in try RubricCommand.files(files, global) {
                    do {
                        let rubric = try RubricCommand.load(path)
                        let patterns = RuleExplanation.patterns(of: rubric).count
                        try Console.out(TerminalSafe.line("\(path): ok — \(rubric.name) \(rubric.version), \(counted(rubric.criteria.count, "criterion", "criteria")), \(counted(rubric.rules.count, "rule", "rules")), \(counted(patterns, "pattern", "patterns"))") + "\n")
                    } catch let error as PitbossError where error.code == .badInput {
                        Console.note(error.message)
                        failed = true
                    }
                }
                if failed { throw ExitCode(PitbossError.Code.badInput.exitStatus) }
            }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every rule's examples, as written and in variants (multibyte prefix, embedded); exit 1 on any failure.", discussion: "Example: pitboss rubric test Rubrics/casino-support.yaml")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Rubric files (default: the workspace's rubric).") var files: [String] = []

        func run() throws {
            try reportingErrors {
                var failures = 0
                for path in try RubricCommand.files(files, global) {
                    let rubric = try RubricCommand.load(path)
                    let report = RubricTester(rubric: rubric).run()
                    for failure in report.failures { try Console.out("FAIL " + TerminalSafe.text(failure.description)) }
                    for rule in report.rulesWithoutExamples { try Console.out("note: rule \(TerminalSafe.line(rule)) has no examples\n") }
                    let passed = report.runs - report.failures.count
                    try Console.out(TerminalSafe.line(path) + ": \(report.examples) examples, \(report.runs) runs with variants: \(passed) passed, \(report.failures.count) failed\n")
                    failures += report.failures.count
                }
                if failures > 0 { throw ExitCode(1) }
            }
        }
    }

    struct Try: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what one pattern matches in a text, folded and compiled as the rubric does it.",
            discussion: """
                Folding (case, accents, Turkish i, ё) and transliteration follow the rubric (--rubric, else the workspace's \
                rubric when it exists, else a rubric's defaults: folded, not transliterated). Exit status 0 when the pattern \
                matched, 1 when it did not, 65 when it does not compile.
                Example: pitboss rubric try '\\bnot my problem\\b' "That is NOT my problem" --language en
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The regex (PCRE2), as you would write it in the rubric.") var pattern: String
        @Argument(help: "The text to match it against.") var text: String
        @Option(help: "The conversation's language (for transliteration, e.g. ru, el).") var language: String?
        @Option(help: "The rubric whose folding to use (default: the workspace's).") var rubric: String?
        @Flag(name: .customLong("case-sensitive"), help: "As a rule with case_sensitive: true.") var caseSensitive = false
        @Option(help: "table or json.") var format: TableOrJSON = .table

        func run() throws {
            try reportingErrors {
                var settings: Rubric?
                if let rubric {
                    settings = try RubricCommand.load(rubric)
                } else {
                    // A broken pitboss.yaml is said, as by every command; a workspace without a rubric file uses the defaults.
                    let path = try global.workspaceConfig().rubricPath
                    if FileManager.default.fileExists(atPath: path) { settings = try RubricCommand.load(path) }
                }
                // "ru-RU" is Russian, as import reads it.
                let code = language.map { String($0.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? "") }
                var trial = try PatternTrial.run(pattern: pattern, text: text, language: code, normalize: settings?.normalize ?? true,
                                                 transliterate: settings?.transliterate ?? false, caseSensitive: caseSensitive)
                trial.rubric = settings?.name
                try Console.out(format == .json ? JSONOutput.string(trial) : trial.render(style: Console.stdoutStyle))
                if trial.matches.isEmpty { throw ExitCode(1) }
            }
        }
    }

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure a rubric against hand-labelled conversations: precision, recall and F1 per criterion and split.",
            discussion: "LABELS is a YAML file that names transcript files and labels each conversation (see README, rubric eval). "
                + "Exit 1 when the set's floors are not met." + "\nExample: pitboss rubric eval Rubrics/eval/labels.yaml")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The labelled set (e.g. Rubrics/eval/labels.yaml).") var labels: String
        @Option(help: "The rubric (default: the workspace's).") var rubric: String?
        @Option(help: "table or json.") var format: TableOrJSON = .table

        func run() throws {
            try reportingErrors {
                let config = try global.workspaceConfig()
                let loaded = try RubricCommand.load(rubric ?? config.rubricPath)
                let set = try LabelledSet.load(path: labels, schedule: config.schedule)
                let evaluation = try RubricEvaluation.run(loaded, on: set)
                try Console.out(RubricEvaluationReport.render(evaluation, setPath: labels, json: format == .json, style: Console.stdoutStyle))
                if !evaluation.belowFloors.isEmpty { throw ExitCode(1) }
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Describe a rule in plain words, with its patterns per language.", discussion: "Example: pitboss rubric explain agent-blame")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("[FILE] RULE: the rubric file (default: the workspace's rubric), then the rule id.", valueName: "words"))
        var words: [String] = []

        func validate() throws {
            guard (1...2).contains(words.count) else { throw ValidationError("name a rule: pitboss rubric explain [FILE] RULE") }
        }

        func run() throws {
            try reportingErrors {
                let file = words.count == 2 ? words[0] : try global.workspaceConfig().rubricPath
                let rule = words[words.count - 1]
                let rubric = try RubricCommand.load(file)
                guard let found = rubric.rule(rule) else {
                    throw PitbossError.usage("\(file) has no rule '\(rule)'; its rules: \(rubric.rules.map(\.id).joined(separator: ", "))")
                }
                try Console.out(TerminalSafe.text(RuleExplanation.explain(found, in: rubric)))
            }
        }
    }

    struct Patterns: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every regex of a rubric, one per line (for grep -P, ripgrep and the benchmark floor).", discussion: "Example: pitboss rubric patterns Rubrics/casino-support.yaml > patterns.txt")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The rubric file (default: the workspace's rubric).") var file: String?

        func run() throws {
            try reportingErrors {
                let rubric = try RubricCommand.load(try file ?? global.workspaceConfig().rubricPath)
                try Console.out(RuleExplanation.patterns(of: rubric).map(TerminalSafe.line).joined(separator: "\n") + "\n")
            }
        }
    }

    struct Precision: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each rule's precision from reviewers' verdicts: of its findings they judged, the share confirmed.",
            discussion: """
                One row per rubric, rule, rubric version and language, with the 95 % Wilson interval; a precision from fewer \
                than \(RulePrecision.trustedJudged) judged findings is marked few. --by rule (one row per rule), version or language.
                Example: pitboss rubric precision --by version --format csv
                """)
        @OptionGroup var global: GlobalOptions
        @Option(parsing: .singleValue, help: ArgumentHelp("Split by version, language, both (the default: version,language) or neither (rule).", valueName: "split"))
        var by: [String] = []
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() throws {
            try reportingErrors {
                let parts = try Arguments.list(by, "--by")
                if let unknown = parts.first(where: { !["version", "language", "rule"].contains($0.lowercased()) }) {
                    throw PitbossError.usage("--by takes version, language or rule, not '\(unknown)'")
                }
                let split = parts.isEmpty ? RulePrecision.Split()
                    : RulePrecision.Split(byVersion: parts.contains { $0.lowercased() == "version" }, byLanguage: parts.contains { $0.lowercased() == "language" })
                let list = try global.openWorkspace(.read, onPostgres: .readingCopy).rulePrecision(split: split)
                try Console.out(RulePrecision.render(list, format: format, style: Console.stdoutStyle))
            }
        }
    }
}

/// "1 rule", "13 rules".
func counted(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
