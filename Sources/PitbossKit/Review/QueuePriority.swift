import Foundation

/// How urgent a flagged conversation is for review: its worst severity first, then a critical finding,
/// the player's VIP flag, and its age (an older conversation is closer to its review deadline).
public enum QueuePriority {
    public static func of(worst: Severity, hasCritical: Bool, vip: Bool, startedAt: Date, now: Date) -> Int {
        let base = switch worst {
        case .critical: 400
        case .major: 300
        case .minor: 200
        case .info: 100
        }
        let days = max(0, min(14, Int(now.timeIntervalSince(startedAt) / 86_400)))
        return base + (hasCritical ? 50 : 0) + (vip ? 40 : 0) + days * 2
    }

    /// The severity a flagged item's priority stands for — 1 info, 2 minor, 3 major, 4 critical — without its age and
    /// VIP bonuses (at most 68 points, never a whole class).
    public static func severityClass(_ priority: Int) -> Int { priority / 100 }

    /// A sampled conversation ranks between flagged minor and major findings: the random sample is the unbiased
    /// view of an agent and must not starve behind every minor flag.
    public static func sample(vip: Bool, startedAt: Date, now: Date) -> Int {
        let days = max(0, min(14, Int(now.timeIntervalSince(startedAt) / 86_400)))
        return 250 + (vip ? 40 : 0) + days * 2
    }
}
