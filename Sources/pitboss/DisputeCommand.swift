import ArgumentParser
import Foundation
import PitbossKit

struct DisputeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispute",
        abstract: "Disputes: an agent or team lead contests a review's answers; someone else decides.",
        discussion: """
            A dispute is opened within dispute_days (pitboss.yaml, default 14) of the review, one open dispute per review. \
            An arbiter who is neither the review's author nor the agent accepts it (a new revision of the review, reason \
            "dispute #ID: …", so history shows both) or rejects it; its opener or a supervisor may withdraw it. Open disputes \
            older than twice dispute_days are listed as stale. Every step is in the audit log.
            Example: pitboss dispute open 12 --criterion courtesy --reason "The player insulted me first" --as en.kevin
            """,
        subcommands: [Open.self, List.self, Show.self, Decide.self, Withdraw.self]
    )

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Contest a review's answers to some criteria, saying why.",
            discussion: "REVIEW is the review's number (pitboss history CONVERSATION shows it), or a conversation id for its current review.\nExample: pitboss dispute open 12 --criterion courtesy,accuracy --reason \"Quoted the terms correctly\" --as tl.anna")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The review's number, or a conversation id (its current review).") var review: String
        @Option(parsing: .singleValue, help: "The contested criteria: a,b (or repeated).") var criterion: [String] = []
        @Option(help: "Why the answers are wrong.") var reason: String
        @Option(help: "table or json.") var format: TableOrJSON = .table

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.write, onPostgres: .server)
                let disputes = workspace.disputes
                let dispute = try disputes.open(review: try disputes.review(named: review), criteria: try Arguments.list(criterion, "--criterion"), reason: reason,
                                                by: try global.actor(in: workspace))
                if format == .json { return try Console.out(JSONOutput.string(dispute)) }
                try Console.out(TerminalSafe.text("Opened dispute #\(dispute.id) of review #\(dispute.review) (\(dispute.conversation), reviewed by \(dispute.reviewer)) "
                    + "on \(dispute.criteria.joined(separator: ", ")). A supervisor decides it: pitboss dispute decide \(dispute.id) --accept --set CRITERION=ANSWER --reason … | --reject --reason …\n"))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disputes, newest first; open ones past twice dispute_days are marked stale.", discussion: "Example: pitboss dispute list --status open")
        @OptionGroup var global: GlobalOptions
        @Option(help: "open, accepted, rejected or withdrawn.") var status: DisputeStatus?
        @Option(help: "Only disputes of this agent's conversations.") var agent: String?
        @Option(help: "Only disputes of this reviewer's reviews.") var reviewer: String?
        @Flag(help: "Only open disputes past twice dispute_days.") var stale = false
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read, onPostgres: .server)
                try KnownNames.check(agent.map { [$0] } ?? [], .agent, in: workspace)
                try KnownNames.check(reviewer.map { [$0] } ?? [], .reviewer, in: workspace)
                let list = try workspace.disputes.list(status: status, agent: agent, reviewer: reviewer, staleOnly: stale)
                try Console.out(DisputeView.list(list, format: format, style: Console.stdoutStyle, zone: workspace.config.timeZone))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One dispute: what is contested, why, and what was decided.", discussion: "Example: pitboss dispute show 3")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The dispute's number.") var id: Int64
        @Option(help: "table or json.") var format: TableOrJSON = .table

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read, onPostgres: .server)
                let dispute = try workspace.disputes.dispute(id)
                if format == .json { return try Console.out(JSONOutput.string(dispute)) }
                let reviews = try workspace.reviewRecords().history(item: nil, conversation: dispute.conversation)
                try Console.out(DisputeView.show(dispute, reviews: reviews, style: Console.stdoutStyle, zone: workspace.config.timeZone))
            }
        }
    }

    struct Decide: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept a dispute (a new revision of the review with the answers set) or reject it, saying why.",
            discussion: """
                Supervisors only (exit 77 for anyone else when pitboss.yaml lists supervisors), and never the review's author or \
                the conversation's agent. Accepting stores a revision of the review written by the arbiter (history shows both, and a \
                later dispute of that revision is decided by someone else). Of two arbiters deciding at once, one wins; the other \
                is told (exit 77).
                Example: pitboss dispute decide 3 --accept --set courtesy=pass --reason "The agent quoted the player" --as sup.olga
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The dispute's number.") var id: Int64
        @Flag(help: "Accept: store a revision with the answers --set gives.") var accept = false
        @Flag(help: "Reject: the review stands.") var reject = false
        @Option(help: ArgumentHelp("With --accept: the new answers, criterion=answer (comma-separated or repeated).", valueName: "criterion=answer,...")) var set: [String] = []
        @Option(help: "Why, for the agent and the reviewer.") var reason: String
        @Option(help: "The rubric the review was scored with (default: the workspace's for the conversation).") var rubric: String?
        @Option(help: "table or json.") var format: TableOrJSON = .table

        func validate() throws {
            guard accept != reject else { throw ValidationError("say --accept (with --set) or --reject") }
            if reject && !set.isEmpty { throw ValidationError("--set goes with --accept: a rejected dispute changes nothing") }
        }

        func run() throws {
            try reportingErrors {
                let config = try global.workspaceConfig()
                let workspace = try global.openWorkspace(.write, onPostgres: .server)
                try global.requireSupervisor(workspace, to: "decide disputes")
                let dispute = try workspace.disputes.dispute(id)
                var path = rubric ?? config.rubricPath
                if rubric == nil, let conversation = try workspace.conversationReader.conversation(externalID: dispute.conversation) { path = config.rubricPath(for: conversation) }
                let loaded = try RubricCommand.load(path)
                let decision: DisputeDecision = accept ? .accept(try KeyValueArguments.answers(set)) : .reject
                let decided = try workspace.disputes.decide(id, decision, reason: reason, arbiter: workspace.reviewer(try global.actor(in: workspace)), rubric: loaded)
                if format == .json { return try Console.out(JSONOutput.string(decided)) }
                try Console.out(TerminalSafe.text("Dispute #\(decided.id) \(decided.status.rawValue) by \(decided.decidedBy ?? "?")"
                    + (decided.revision.map { ": review #\(decided.review) revised as #\($0); pitboss history \(decided.conversation) shows both.\n" } ?? ": review #\(decided.review) stands.\n")))
            }
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw an open dispute (its opener, or a supervisor).", discussion: "Example: pitboss dispute withdraw 3 --as en.kevin")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The dispute's number.") var id: Int64
        @Option(help: "Why (optional).") var reason: String?

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.write, onPostgres: .server)
                let actor = try global.actor(in: workspace)
                let dispute = try workspace.disputes.dispute(id)
                if dispute.openedBy.lowercased() != actor.lowercased() {
                    try global.requireSupervisor(workspace, to: "withdraw someone else's dispute")
                }
                let withdrawn = try workspace.disputes.withdraw(id, by: actor, reason: reason)
                try Console.out("Dispute #\(withdrawn.id) withdrawn; review #\(withdrawn.review) stands.\n")
            }
        }
    }
}

extension DisputeStatus: ExpressibleByArgument {}
