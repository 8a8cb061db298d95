import ArgumentParser
import PitbossKit

struct FindingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "List stored findings: by run, conversation, agent, rule or severity.",
        discussion: "Example: pitboss findings --agent en.kevin --rule agent-blame,agent-brush-off --format csv"
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var personalData: PersonalDataOptions
    @Option(name: .customLong("run"), help: "Only this flag run.") var runID: Int64?
    @Option(help: "Only this conversation id.") var conversation: String?
    @Option(help: "Only findings on this agent's turns.") var agent: String?
    @Option(parsing: .singleValue, help: "Only these rules (repeat, or a,b).") var rule: [String] = []
    @Option(help: "Only this rubric's findings (its 'rubric:' name), when pitboss.yaml routes several.") var rubric: String?
    @Option(name: .customLong("min-severity"), help: "Only findings at or above this severity.") var minSeverity: Severity?
    @Option(help: "At most this many (default: 50 in a table, every finding in JSON and CSV).") var limit: Int?
    @Flag(help: "Every finding, however many.") var all = false
    @Option(help: "table, json or csv.") var format: OutputFormat = .table

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if all, limit != nil { throw ValidationError("--all and --limit contradict each other: give one") }
    }

    func run() throws {
        try reportingErrors {
            let workspace = try global.openWorkspace(.read, onPostgres: .server)
            let rules = try Arguments.list(rule, "--rule")
            // A name that matches nothing stored is a typo, not an empty list (the query itself says so of a conversation
            // or an agent); a rule of the workspace's rubric that has not fired yet is a fair question.
            let rubricRules = (try? RubricCommand.load(workspace.config.rubricPath))?.rules.map(\.id) ?? []
            try KnownNames.check(rules, .rule, alsoKnown: rubricRules, in: workspace)
            let shown = all ? nil : limit ?? (format == .table ? 50 : nil)
            let query = FindingQuery(run: runID, conversation: conversation, agent: agent, rules: rules, rubric: rubric, minSeverity: minSeverity, limit: shown)
            let list = try workspace.findings(query, maskedBy: personalData.mask)
            try Console.out(FlagReport.findings(list, format: format, style: Console.stdoutStyle))
            if let shown, list.count == shown {
                let total = try workspace.findingsCount(query)
                if total > list.count {
                    let more = "… and \(total - list.count) more (\(total) in all; --limit N or --all to see them)"
                    if format == .table { try Console.out(Console.stdoutStyle.paint(more, .dim) + "\n") } else { Console.note(more) }
                }
            }
        }
    }
}
