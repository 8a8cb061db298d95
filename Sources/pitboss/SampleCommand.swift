import ArgumentParser
import Foundation
import PitbossKit

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw a fair, reproducible random sample of conversations and queue it for review (reason: sample).",
        discussion: """
            Size: --size N, --per-agent N, or --confidence C --margin E (Cochran's formula with the finite-population \
            correction; the computed n and its inputs are printed). The same --seed on the same population draws the same \
            sample on any machine; without one a seed is chosen and printed. The seed and the plan are stored with the sample. \
            By default the population leaves out conversations already in the queue.
            Example: pitboss sample --size 20 --stratify channel --seed audit-2026-11
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only these shifts, e.g. 2026-11-21-night (repeat or comma-separate).") var shift: [String] = []
    @Option(help: ArgumentHelp("Only conversations started at or after this time.", valueName: "time")) var since: String?
    @Option(help: ArgumentHelp("Only conversations started before this time.", valueName: "time")) var until: String?
    @Option(help: "Only these agents (repeat or comma-separate).") var agent: [String] = []
    @Option(help: "Only these channels: chat, email, call, messenger.") var channel: [String] = []
    @Option(help: "Only these languages, e.g. en,ru.") var language: [String] = []
    @Flag(name: .customLong("include-queued"), help: "Also draw conversations already queued for another reason (e.g. flagged).")
    var includeQueued = false

    @Option(help: "Draw this many.") var size: Int?
    @Option(name: .customLong("per-agent"), help: "Draw this many of each agent's conversations.") var perAgent: Int?
    @Option(help: "Confidence level for the statistical size, e.g. 0.95.") var confidence: Double?
    @Option(help: "Margin of error for the statistical size, e.g. 0.05.") var margin: Double?
    @Option(help: "Expected proportion for the statistical size (default 0.5, the most conservative).") var proportion: Double = 0.5

    @Option(help: "Stratify: agent, channel or language (proportional allocation).") var stratify: SampleRequest.Strata?
    @Option(name: .customLong("min-per-agent"), help: "Draw at least this many of every agent's conversations.") var minPerAgent: Int = 0
    @Option(help: ArgumentHelp("Oversample an agent: AGENT=WEIGHT, e.g. en.tom=2 (repeatable).", valueName: "agent=weight"))
    var boost: [String] = []
    @Option(name: .customLong("boost-retraining"),
            help: ArgumentHelp("Oversample agents whose retraining follow-up is open, by this weight (an explicit --boost wins).", valueName: "weight"))
    var boostRetraining: Double?

    @Option(help: "The seed (any text); the same seed and population give the same sample.") var seed: String?
    @Flag(name: .customLong("dry-run"), help: "Print the plan and the chosen ids; queue nothing.") var dryRun = false
    @Option(help: ArgumentHelp("Re-derive stored sample N from its stored population, seed and plan, and compare (exit 1 if it differs).",
                               valueName: "sample")) var verify: Int64?
    @Option(help: "table, json or csv.") var format: OutputFormat = .table

    func validate() throws {
        if let size, size < 1 { throw ValidationError("--size must be at least 1") }
        if let perAgent, perAgent < 1 { throw ValidationError("--per-agent must be at least 1") }
        if minPerAgent < 0 { throw ValidationError("--min-per-agent must be 0 or more") }
        if let boostRetraining, !(boostRetraining > 0 && boostRetraining <= 1_000_000) {
            throw ValidationError("--boost-retraining must be a weight above 0 and at most 1000000, e.g. 3 (got \(boostRetraining))")
        }
        for (flag, value) in [("--confidence", confidence), ("--margin", margin), ("--proportion", proportion)] {
            if let value, !(value > 0 && value < 1) { throw ValidationError("\(flag) must be between 0 and 1, e.g. 0.95 for --confidence, 0.05 for --margin (got \(value))") }
        }
    }

    func run() throws {
        try reportingErrors {
            if let verify {
                let result = try global.openWorkspace(.read, onPostgres: .server).verifySample(verify)
                try Console.out(SampleReport.verification(result, json: format == .json, style: Console.stdoutStyle))
                if !result.matches { throw ExitCode(1) }
                return
            }
            let config = try global.workspaceConfig()
            let population = SamplePopulation(
                shifts: try Arguments.list(shift, "--shift"),
                since: try Arguments.time(since, "--since", zone: config.timeZone),
                until: try Arguments.time(until, "--until", zone: config.timeZone),
                agents: try Arguments.list(agent, "--agent"),
                channels: try Arguments.list(channel, "--channel").map { try Arguments.channel($0) },
                languages: try Arguments.languages(language),
                includeQueued: includeQueued)
            var request = SampleRequest(size: try sizeRule(), stratify: stratify, minPerAgent: minPerAgent, boosts: try boosts(),
                                        seed: seed ?? SampleRequest.randomSeed())
            let workspace = try global.openWorkspace(dryRun ? .read : .write, onPostgres: .server)
            let actor = try global.actor(in: workspace)
            if case .postgres = workspace.backend, !dryRun { try workspace.requireSupervisor(actor, to: "draw a sample into the queue") }
            // A shift, agent or language that matches nothing stored is a typo: said, not sampled from an empty population.
            try KnownNames.check(population.shifts, .shift, in: workspace)
            try KnownNames.check(population.agents, .agent, in: workspace)
            try KnownNames.check(population.languages, .language, in: workspace)
            if let boostRetraining {
                for followUp in try workspace.retraining.inFollowUp(settings: config.outcomes) {
                    request.retrainingBoosts[followUp.assignment.agent] = boostRetraining
                }
            }
            let outcome = try workspace.sampling.sample(population, request, by: actor, dryRun: dryRun, now: Date())
            if boostRetraining != nil {
                let boosted = request.retrainingBoosts.keys.filter { outcome.draw.plan.boosts[$0] != nil }.sorted()
                Console.note(request.retrainingBoosts.isEmpty ? "--boost-retraining: no agent's retraining follow-up is open; nothing was weighed."
                    : boosted.isEmpty ? "--boost-retraining: the agents in follow-up (\(request.retrainingBoosts.keys.sorted().joined(separator: ", "))) have no conversation in the population."
                    : "--boost-retraining: weighed \(boosted.joined(separator: ", ")) (in follow-up).")
            }
            try Console.out(SampleReport.render(outcome, dryRun: dryRun, format: format, style: Console.stdoutStyle, zone: config.timeZone))
        }
    }

    func sizeRule() throws(PitbossError) -> SampleRequest.Size {
        let statistical = confidence != nil || margin != nil
        let given = [size != nil, perAgent != nil, statistical].filter { $0 }.count
        guard given == 1 else {
            throw .usage(given == 0 ? "say how many to draw: --size N, --per-agent N, or --confidence 0.95 --margin 0.05"
                                    : "--size, --per-agent and --confidence/--margin are alternatives; give one")
        }
        if let size { return .count(size) }
        if let perAgent {
            if let stratify, stratify != .agent { throw .usage("--per-agent draws per agent; it cannot be stratified by \(stratify.rawValue)") }
            return .perAgent(perAgent)
        }
        guard let confidence, let margin else { throw .usage("--confidence and --margin go together, e.g. --confidence 0.95 --margin 0.05") }
        return .statistical(confidence: confidence, margin: margin, proportion: proportion)
    }

    func boosts() throws(PitbossError) -> [String: Double] {
        var result: [String: Double] = [:]
        for entry in boost.flatMap({ $0.split(separator: ",") }) {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let weight = Double(parts[1]), weight > 0, weight <= 1_000_000 else {
                throw .usage("--boost: '\(entry)' is not AGENT=WEIGHT with a weight above 0 and at most 1000000, e.g. en.tom=2")
            }
            result[String(parts[0])] = weight
        }
        return result
    }
}

extension SampleRequest.Strata: ExpressibleByArgument {}
