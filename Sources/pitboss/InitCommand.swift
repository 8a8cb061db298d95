import ArgumentParser
import PitbossKit

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the workspace's schema in a new database (a SQLite file, or a PostgreSQL database), or bring an older one up to date.",
        discussion: """
            On PostgreSQL, run it once as the database's owner (not a person's login): it creates the tables, the group roles \
            pitboss_reviewer, pitboss_supervisor and pitboss_admin when the cluster lacks them, and their grants. \
            A schema written by a newer Pitboss is refused (exit 77). Other commands create a SQLite file on first use too.
            Example: pitboss init --db postgres://qa_owner@db.example.com/pitboss
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reportingErrors {
            let location = global.databasePath
            if PostgresDatabase.isServer(location) {
                let database = try PostgresDatabase(location, schema: .createOrUpgrade)
                try Console.out("\(database.shownTarget): Pitboss schema v\(try database.schemaVersion()); roles pitboss_reviewer, pitboss_supervisor, pitboss_admin\n")
            } else {
                _ = try PitbossDatabase(path: location)
                try Console.out("\(location): Pitboss schema v\(Migrations.schemaVersion)\n")
            }
        }
    }
}
