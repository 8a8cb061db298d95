import ArgumentParser
import Foundation
import PitbossKit

struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "The review queue that reviewers share: list, claim, assign, release, skip.",
        discussion: "Who is acting comes from --as, else PITBOSS_USER, else the OS user, and is recorded in the audit log.\nExample: pitboss queue list --mine",
        subcommands: [List.self, Claim.self, Assign.self, Release.self, Skip.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queue items, highest priority first.", discussion: "Example: pitboss queue list --status open --reason sample")
        @OptionGroup var global: GlobalOptions
        @Option(help: "open, assigned, claimed, scored or skipped (an expired claim counts as open, or assigned); default: what is still to do.") var status: QueueListStatus?
        @Flag(name: .customLong("include-finished"), help: "With no --status, scored and skipped items too.") var includeFinished = false
        @Option(help: "flagged, sample, calibration or dispute.") var reason: QueueReason?
        @Flag(help: "Only items held by (claimed by or assigned to) whoever is acting (--as).") var mine = false
        @Option(help: "Only items held by this reviewer.") var reviewer: String?
        @Option(help: "At most this many (default: 50 in a table, every item in JSON and CSV).") var limit: Int?
        @Flag(help: "Every item, however many.") var all = false
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
            if all, limit != nil { throw ValidationError("--all and --limit contradict each other: give one") }
            if includeFinished, status != nil { throw ValidationError("--include-finished is for a listing without --status") }
        }

        func run() throws {
            try reportingErrors {
                // --mine is whoever is acting: on PostgreSQL, the login.
                let opened = try global.openWorkspace(.read, onPostgres: .server)
                let holder = mine ? try global.actor(in: opened) : try reviewer.map { try global.workspaceConfig().roster.canonical($0) }
                // What is still to do, most urgent first, a page of it on a screen; what was scored or skipped is asked for.
                let shown = all ? nil : limit ?? (format == .table ? 50 : nil)
                let query = QueueQuery(status: status, reason: reason, assignedTo: holder, includeFinished: includeFinished, limit: shown)
                let workspace = opened
                if let holder, !mine, holder != global.user {
                    try KnownNames.check([holder], .reviewer, alsoKnown: workspace.config.roster.names, in: workspace)
                }
                let page = try workspace.queuePage(query)
                try Console.out(FlagReport.queue(page.entries, format: format, style: Console.stdoutStyle, zone: workspace.config.timeZone))
                if page.total > page.entries.count {
                    let more = "… and \(page.total - page.entries.count) more (\(page.total) in all; --limit N or --all to see them)"
                    if format == .table { try Console.out(Console.stdoutStyle.paint(more, .dim) + "\n") } else { Console.note(more) }
                }
            }
        }
    }

    struct Claim: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim the next item (or the one named) for whoever is acting, for scripts that then run pitboss score.", discussion: "Example: pitboss queue claim --format json")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "An item id or conversation id (default: the next item).") var target: String?
        @Option(help: "Only items queued for this reason.") var reason: QueueReason?
        @Option(help: "Claim lease in minutes (default: the workspace's lease_minutes, else 30).") var lease: Double?
        @Option(help: "table or json.") var format: TableOrJSON = .table

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.write, onPostgres: .server)
                let queue = workspace.claims(leaseMinutes: try GlobalOptions.lease(lease))
                let reviewer = workspace.reviewer(try global.actor(in: workspace))
                let claim: ReviewQueue.Claim? = if let target { try queue.claim(try queue.item(named: target, for: reviewer.name), for: reviewer, now: Date()) }
                                                else { try queue.claimNext(for: reviewer, reason: reason, now: Date()) }
                guard let claim else {
                    Console.note("nothing in the queue for \(reviewer.name)")
                    throw ExitCode(1)
                }
                if format == .json {
                    try Console.out(JSONOutput.string(claim))
                } else {
                    let until = UTCTimestamp.parse(claim.expiresAt).map { LocalTime.format($0, in: workspace.config.timeZone) } ?? claim.expiresAt
                    try Console.out([String(claim.item), claim.conversation, claim.reason.rawValue, "claimed by \(claim.reviewer) until \(until)"]
                        .map(TerminalSafe.line).joined(separator: "\t") + "\n")
                }
            }
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hand open items to a reviewer: the ones named, or the most urgent that match (a supervisor distributing work).",
            discussion: "Example: pitboss queue assign --to qa.maria --count 10 --language ru --shift 2026-11-21-night\nExample: pitboss queue assign 12 15 chat-20261121-0008 --to qa.oleg")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Items to assign, by id or conversation id (default: the most urgent that match the filters).") var items: [String] = []
        @Option(help: "The reviewer.") var to: String
        @Option(help: "How many items (with no items named).") var count: Int = 1
        @Option(help: "Only this agent's conversations.") var agent: String?
        @Option(help: "Only items queued for this reason.") var reason: QueueReason?
        @Option(parsing: .singleValue, help: "Only conversations in these languages (repeat, or a,b).") var language: [String] = []
        @Option(parsing: .singleValue, help: "Only these shifts (repeat, or a,b).") var shift: [String] = []
        @Option(parsing: .singleValue, help: "Only these channels (repeat, or a,b).") var channel: [String] = []

        func validate() throws {
            if to.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--to names the reviewer who gets the work") }
            if count < 1 { throw ValidationError("--count must be at least 1") }
            let filtered = agent != nil || reason != nil || !language.isEmpty || !shift.isEmpty || !channel.isEmpty
            if !items.isEmpty, filtered || count != 1 {
                throw ValidationError("name items, or choose them with --count and filters, not both")
            }
        }

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.write, onPostgres: .server)
                try global.requireSupervisor(workspace, to: "assign work")
                let actor = try global.actor(in: workspace)
                try workspace.config.roster.requireDeclared(to, as: "assigned work")
                let to = workspace.config.roster.canonical(self.to)  // stored as the roster spells the name
                let assignments = workspace.assignments
                if !items.isEmpty {
                    let claims = workspace.claims()
                    let ids = try items.map { try claims.item(named: $0, for: nil) }
                    try assignments.assign(items: ids, to: workspace.reviewer(to), by: actor, now: Date())
                    try Console.out("Assigned \(ids.count) item\(ids.count == 1 ? "" : "s") to \(TerminalSafe.line(to)): \(ids.map(String.init).joined(separator: ", "))\n")
                    return
                }
                let filter = ReviewQueue.ItemFilter(reason: reason, agent: agent, languages: try Arguments.languages(language), shifts: try Arguments.list(shift, "--shift"),
                                                    channels: try Arguments.list(channel, "--channel").map { try Arguments.channel($0) })
                try KnownNames.check(agent.map { [$0] } ?? [], .agent, in: workspace)
                try KnownNames.check(filter.languages, .language, in: workspace)
                try KnownNames.check(filter.shifts, .shift, in: workspace)
                let ids = try assignments.assign(to: workspace.reviewer(to), count: count, filter: filter, by: actor, now: Date())
                try Console.out(ids.isEmpty ? "No open, unassigned item matched; nothing assigned.\n"
                                        : "Assigned \(ids.count) item\(ids.count == 1 ? "" : "s") to \(TerminalSafe.line(to)): \(ids.map(String.init).joined(separator: ", "))\n")
            }
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an item back to the open queue (ends a claim or an assignment; reopens a skipped item).", discussion: "Example: pitboss queue release 12")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "An item id (#12 when a conversation has that number as its id) or a conversation id.") var item: String
        @Flag(help: "Release an item someone else holds (a supervisor taking work back).") var force = false

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.write, onPostgres: .server)
                if force { try global.requireSupervisor(workspace, to: "use --force, which takes back work someone else holds (your own needs no --force)") }
                let queue = workspace.claims()
                let actor = try global.actor(in: workspace)
                let id = try queue.item(named: item, for: actor)
                try queue.release(id, by: actor, force: force, now: Date())
                try Console.out("Item \(id) is back in the open queue.\n")
            }
        }
    }

    struct Skip: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take an item out of review, saying why (a test chat, a language nobody here reads…).", discussion: "Example: pitboss queue skip 12 --why \"test chat\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "An item id (#12 when a conversation has that number as its id) or a conversation id.") var item: String
        @Option(help: "Why it is skipped (recorded).") var why: String
        @Flag(help: "Skip an item someone else holds.") var force = false

        func validate() throws {
            if why.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("say why the item is skipped: --why \"…\"") }
        }

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.write, onPostgres: .server)
                let queue = workspace.claims()
                let actor = try global.actor(in: workspace)
                let id = try queue.item(named: item, for: actor)
                try queue.skip(id, why: why, by: workspace.reviewer(actor), force: force, now: Date())
                try Console.out("Item \(id) skipped.\n")
            }
        }
    }
}
