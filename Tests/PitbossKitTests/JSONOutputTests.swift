import Foundation
import Testing
@testable import PitbossKit

@Suite("JSONOutput: one style, every key present at every depth")
struct JSONOutputTests {
    struct Inner: Encodable { var note: String?; var at: Date }
    struct Outer: Encodable {
        var name: String
        var count: Int?
        var inner: Inner
        var list: [Inner]
        var map: [String: Int?]
        enum CodingKeys: String, CodingKey { case name, count, inner, list, map }
    }

    @Test("nil optionals are null, nested and in arrays; times are ISO 8601 UTC; keys sorted")
    func everyKey() throws {
        let at = try #require(UTCTimestamp.parse("2026-11-21T22:04:00Z"))
        let text = JSONOutput.string(Outer(name: "a", count: nil, inner: Inner(note: nil, at: at), list: [Inner(note: "x", at: at)], map: ["k": nil]),
                                     pretty: false)
        #expect(text == #"{"count":null,"inner":{"at":"2026-11-21T22:04:00.000Z","note":null},"list":[{"at":"2026-11-21T22:04:00.000Z","note":"x"}],"map":{"k":null},"name":"a"}"#)
    }
}
