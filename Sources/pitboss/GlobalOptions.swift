import ArgumentParser
import Foundation
import PitbossKit

/// Options every command that touches the workspace takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file (default: $PITBOSS_DB, else ./pitboss.sqlite).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("The workspace config, time zone and shifts (default: $PITBOSS_CONFIG, else ./pitboss.yaml if present).", valueName: "path"))
    var config: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    func openDatabase() throws(PitbossError) -> PitbossDatabase {
        try PitbossDatabase(path: PitbossDatabase.location(explicitPath: db, environment: environment))
    }

    func workspace() throws(PitbossError) -> WorkspaceConfig {
        try WorkspaceConfig.locate(explicitPath: config, environment: environment)
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension TranscriptFormat: ExpressibleByArgument {}
