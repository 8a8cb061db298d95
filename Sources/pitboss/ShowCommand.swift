import ArgumentParser
import PitbossKit

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one conversation: its turns, speakers and times.",
        discussion: """
            --format json prints it as a canonical JSON line, which `pitboss import` reads back. Personal data (card numbers, \
            e-mail addresses, phone and document numbers) is masked in every format unless --show-pii is given: use it for an \
            exact export.
            Example: pitboss show chat-20261121-0008 --format json
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var personalData: PersonalDataOptions

    @Argument(help: "The conversation id.")
    var id: String

    @Option(help: "table (for people), json (canonical JSON line) or csv (one row per turn).")
    var format: OutputFormat = .table

    func run() throws {
        try reportingErrors {
            let workspace = try global.openWorkspace(.read, onPostgres: .server)
            let store = workspace.conversationReader
            guard var conversation = try store.conversation(externalID: id) else {
                let similar = try store.externalIDs(prefix: String(id.prefix(3)), limit: 5)
                let onServer = if case .postgres = workspace.backend { true } else { false }
                let hint = !similar.isEmpty ? "ids like it: \(similar.joined(separator: ", "))"
                    : onServer ? "check the id (a conversation's, not a queue item's)" : "`pitboss stats` shows what is stored"
                throw PitbossError.badInput("no conversation with id '\(id)'; \(hint)")
            }
            if let mask = personalData.mask { conversation = mask.masked(conversation) }
            try Console.out(ConversationView.render(conversation, format: format, style: Console.stdoutStyle,
                                                timeZone: workspace.config.timeZone))
        }
    }
}
