import Foundation

/// What `pitboss sample` prints: the plan (so that anyone can check and re-derive it) and the chosen conversations.
public enum SampleReport {
    public static func verification(_ v: SampleStore.Verification, json: Bool = false, style: OutputStyle) -> String {
        let missing = Set(v.stored).subtracting(v.rederived).sorted()
        let extra = Set(v.rederived).subtracting(v.stored).sorted()
        if json {
            struct Output: Encodable {
                var sample: Int64
                var matches: Bool
                var population: Int
                var populationNow: Int
                var stored: [String]
                var rederived: [String]
                var storedNotRedrawn: [String]
                var redrawnNotStored: [String]
                enum CodingKeys: String, CodingKey {
                    case sample, matches, population, stored, rederived
                    case populationNow = "population_now", storedNotRedrawn = "stored_not_redrawn", redrawnNotStored = "redrawn_not_stored"
                }
            }
            return JSONOutput.string(Output(sample: v.sampleID, matches: v.matches, population: v.plan.population, populationNow: v.populationNow,
                                            stored: v.stored, rederived: v.rederived, storedNotRedrawn: missing, redrawnNotStored: extra))
        }
        var out = "Sample #\(v.sampleID) (seed \(TerminalSafe.line(v.plan.seed)), by \(v.plan.method.rawValue), population \(v.plan.population)): \(v.stored.count) drawn\n"
        if v.matches {
            return out + style.paint("Re-derived: the same \(v.stored.count) conversations.", .green, .bold) + "\n"
        }
        if v.populationNow != v.plan.population {
            out += "\(v.plan.population - v.populationNow) conversation(s) of its population have been deleted since, so the draw can differ.\n"
        }
        out += style.paint("Re-derived sample differs", .red, .bold) + ": stored but not re-drawn: \(TerminalSafe.line(missing.joined(separator: ", "))); re-drawn but not stored: \(TerminalSafe.line(extra.joined(separator: ", ")))\n"
        return out
    }

    /// Times on a screen in the workspace's zone (`zone`); the plan in JSON keeps them as stored, ISO 8601 UTC.
    public static func render(_ outcome: SampleStore.Outcome, dryRun: Bool, format: OutputFormat, style: OutputStyle,
                              zone: TimeZone = ShiftSchedule.standard.timeZone) -> String {
        let plan = outcome.draw.plan
        switch format {
        case .json:
            struct Chosen: Encodable { var conversation: String; var agent: String; var stratum: String }
            struct Output: Encodable {
                var sample: Int64?
                var dryRun: Bool
                var queued: Int
                var plan: SamplePlan
                var chosen: [Chosen]
                enum CodingKeys: String, CodingKey { case sample, dryRun = "dry_run", queued, plan, chosen }
            }
            let output = Output(sample: outcome.sampleID, dryRun: dryRun, queued: outcome.queued, plan: plan,
                                chosen: outcome.draw.chosen.map { Chosen(conversation: $0.unit.id, agent: $0.unit.agent, stratum: $0.stratum) })
            return JSONOutput.string(output)
        case .csv:
            var table = Table(headers: ["conversation", "agent", "channel", "language", "stratum"])
            table.rows = outcome.draw.chosen.map { [$0.unit.id, $0.unit.agent, $0.unit.channel, $0.unit.language, $0.stratum] }
            return table.csv()
        case .table:
            var out = style.paint("Population", .bold) + ": \(plan.population) conversation\(plan.population == 1 ? "" : "s") ("
                + TerminalSafe.line(plan.filters.sorted { $0.key < $1.key }.map { "\($0.key): \(UTCTimestamp.parse($0.value).map { LocalTime.format($0, in: zone) } ?? $0.value)" }
                    .joined(separator: "; ")) + ")\n"
            switch plan.method {
            case .confidence:
                if let s = plan.statistical { out += style.paint("Size", .bold) + ": " + s.explanation + "\n" }
            case .perAgent:
                out += style.paint("Size", .bold) + ": \(plan.requested ?? 0) per agent (times the agent's boost), at most what each has\n"
            case .size:
                out += style.paint("Size", .bold) + ": \(plan.requested ?? 0) requested" + ((plan.requested ?? 0) > plan.population ? ", the whole population taken" : "") + "\n"
            }
            if let stratify = plan.stratify {
                out += style.paint("Strata", .bold) + ": by \(stratify.rawValue), " + (plan.method == .perAgent ? "fixed per agent" : "proportional (largest remainder)") + "\n"
                var table = Table(headers: [stratify.rawValue, "population", "boost", "allocated", "drawn"], numericColumns: [1, 2, 3, 4])
                table.rows = plan.strata.map { [$0.name, String($0.population), ReviewView.weight($0.boost), String($0.allocated), String($0.drawn)] }
                out += table.render(style: style)
            }
            if !plan.boosts.isEmpty && plan.stratify != .agent {
                out += "Boosts: " + TerminalSafe.line(plan.boosts.sorted { $0.key < $1.key }.map { "\($0.key)×\(ReviewView.weight($0.value))" }.joined(separator: ", ")) + "\n"
            }
            if plan.toppedUp > 0 { out += "Topped up: \(plan.toppedUp) more so that every agent is seen at least \(plan.minPerAgent) time\(plan.minPerAgent == 1 ? "" : "s")\n" }
            out += style.paint("Seed", .bold) + ": \(TerminalSafe.line(plan.seed))  (the same seed on the same population draws the same sample)\n"
            out += "Population hash: \(plan.populationHash)\n"
            if dryRun || outcome.sampleID == nil {
                out += style.paint("Drawn", .bold) + ": \(plan.size) conversation\(plan.size == 1 ? "" : "s") (dry run: nothing queued)\n"
                for (unit, stratum) in outcome.draw.chosen { out += "  " + TerminalSafe.line("\(unit.id)  \(unit.agent)" + (stratum == "all" || stratum == unit.agent ? "" : "  \(stratum)")) + "\n" }
            } else {
                out += style.paint("Sample #\(outcome.sampleID.map(String.init) ?? "?")", .bold, .green) + ": \(plan.size) drawn, \(outcome.queued) queued with reason sample\n"
            }
            return out
        }
    }
}
