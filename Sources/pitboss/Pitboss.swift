import ArgumentParser
import Foundation
import PitbossKit

@main
struct Pitboss: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pitboss",
        abstract: "The QA review workbench for customer-support floors.",
        discussion: """
            Imports chats and call transcripts into one SQLite database (--db, PITBOSS_DB, else ./pitboss.sqlite).
            Exit status: 0 ok; 1 nothing to claim, or a rubric example failed; 3 flag --fail-on found something; 64 usage; \
            65 bad input data; 66 something named does not exist; 70 internal error; 73 cannot write here (read-only); \
            74 I/O error (disk full, output closed); 75 database busy; 77 refused (an item someone else holds, your own \
            conversation, a review already submitted, a database written by a newer Pitboss).
            Example: pitboss import Transcripts/ && pitboss flag && pitboss review next
            """,
        version: "0.1.0",
        subcommands: [ImportCommand.self, ShowCommand.self, StatsCommand.self, CheckCommand.self, RubricCommand.self, FlagCommand.self, FindingsCommand.self, ReportCommand.self,
                      SampleCommand.self, QueueCommand.self, ReviewCommand.self, ScoreCommand.self, HistoryCommand.self, RetrainCommand.self, CalibrateCommand.self, DisputeCommand.self, DoctorCommand.self,
                      InitCommand.self, MigrateCommand.self]
    )

    /// ArgumentParser's own messages quote what was typed (`--format $'\e]0;X\a'`): they pass through TerminalSafe
    /// like everything else this program prints.
    static func main() {
        _ = Console.stdoutWasClosed  // before any file is opened
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                _ = Console.write(TerminalSafe.text(message) + "\n", to: code == .success ? STDOUT_FILENO : STDERR_FILENO)
            }
            Glibc.exit(code.rawValue)
        }
    }
}
