import ArgumentParser
import PitbossKit

struct FindingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "List stored findings: by run, conversation, agent, rule or severity."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var personalData: PersonalDataOptions
    @Option(name: .customLong("run"), help: "Only this flag run.") var runID: Int64?
    @Option(help: "Only this conversation id.") var conversation: String?
    @Option(help: "Only findings on this agent's turns.") var agent: String?
    @Option(help: "Only this rule.") var rule: String?
    @Option(help: "Only this rubric's findings (its 'rubric:' name), when pitboss.yaml routes several.") var rubric: String?
    @Option(name: .customLong("min-severity"), help: "Only findings at or above this severity.") var minSeverity: Severity?
    @Option(help: "At most this many.") var limit: Int?
    @Option(help: "table, json or csv.") var format: OutputFormat = .table

    func run() throws {
        try reportingErrors {
            let query = FindingQuery(run: runID, conversation: conversation, agent: agent, rule: rule, rubric: rubric, minSeverity: minSeverity, limit: limit)
            let list = try global.openWorkspace(.read).findings(query, maskedBy: personalData.mask)
            try Console.out(FlagReport.findings(list, format: format, style: Console.stdoutStyle))
        }
    }
}
