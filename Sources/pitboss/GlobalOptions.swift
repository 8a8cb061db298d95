import ArgumentParser
import Foundation
import PitbossKit

/// Options every command that touches the workspace takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file (default: $PITBOSS_DB, else ./pitboss.sqlite).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("The workspace config, time zone and shifts (default: $PITBOSS_CONFIG, else ./pitboss.yaml if present).", valueName: "path"))
    var config: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("Who is acting, recorded on what this command does (default: $PITBOSS_USER, else the OS user).", valueName: "name"))
    var actingAs: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var user: String {
        actingAs ?? environment["PITBOSS_USER"] ?? environment["USER"] ?? ProcessInfo.processInfo.userName
    }

    /// `PITBOSS_BUSY_TIMEOUT` (seconds) changes how long a write waits for another process's.
    func openDatabase(readOnly: Bool = false) throws(PitbossError) -> PitbossDatabase {
        var timeout = PitbossDatabase.defaultBusyTimeout
        if let text = environment["PITBOSS_BUSY_TIMEOUT"] {
            guard let seconds = TimeInterval(text), seconds >= 0 else {
                throw .usage("PITBOSS_BUSY_TIMEOUT='\(text)' is not a number of seconds")
            }
            timeout = seconds
        }
        return try PitbossDatabase(path: PitbossDatabase.location(explicitPath: db, environment: environment), busyTimeout: timeout,
                                   readOnly: readOnly)
    }

    func workspace() throws(PitbossError) -> WorkspaceConfig {
        try WorkspaceConfig.locate(explicitPath: config, environment: environment)
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension TranscriptFormat: ExpressibleByArgument {}
