import Foundation
import Testing
@testable import PitbossKit

@Suite("ISO 8601 instants")
struct UTCTimestampTests {
    @Test("parses Z, offsets and fractions to the same instant")
    func parsesZonesAndFractions() throws {
        let z = try #require(UTCTimestamp.parse("2026-11-21T22:04:00Z"))
        #expect(UTCTimestamp.parse("2026-11-22T01:04:00+03:00") == z)
        #expect(UTCTimestamp.parse("2026-11-21T19:04:00-0300") == z)
        #expect(UTCTimestamp.parse("2026-11-22T01:04:00+03") == z)  // ±hh, as PostgreSQL writes a timestamptz
        #expect(UTCTimestamp.parse("2026-11-21 22:04:00+00") == z)
        #expect(UTCTimestamp.parse("2026-11-21 22:04:00Z") == z)
        #expect(UTCTimestamp.parse("2026-11-21T22:04Z") == z)
        #expect(UTCTimestamp.parse("2026-11-21T22:04:00.250Z") == z.addingTimeInterval(0.25))
    }

    @Test("a time without a zone is local time in the zone it is given, and invalid without one")
    func naiveTimes() throws {
        let istanbul = try #require(TimeZone(identifier: "Europe/Istanbul"))
        #expect(UTCTimestamp.parse("2026-11-22 01:04:00", zoneForNaiveTimes: istanbul) == UTCTimestamp.parse("2026-11-21T22:04:00Z"))
        #expect(UTCTimestamp.parse("2026-11-22 01:04:00") == nil)
    }

    @Test("rejects what is not a real instant", arguments: [
        "", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21", "21/11/2026 22:04",
        "2026-11-21T22:04:00Zjunk", "2026-11-21T22:04:00+3", "yesterday",
    ])
    func rejectsInvalid(text: String) {
        #expect(UTCTimestamp.parse(text) == nil)
    }

    @Test("formats fixed-width UTC with milliseconds, and parses back")
    func formatsAndRoundTrips() throws {
        let date = try #require(UTCTimestamp.parse("2028-02-29T23:59:59.999Z"))
        #expect(UTCTimestamp.format(date) == "2028-02-29T23:59:59.999Z")
        #expect(UTCTimestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(UTCTimestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
        for seconds in stride(from: -86_400.0 * 400, to: 86_400.0 * 20_000, by: 86_400.0 * 37.3) {
            let d = Date(timeIntervalSince1970: seconds.rounded())
            #expect(UTCTimestamp.parse(UTCTimestamp.format(d)) == d)
        }
    }
}
