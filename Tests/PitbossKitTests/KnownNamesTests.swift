import Foundation
import Testing
@testable import PitbossKit

@Suite("A name a filter gives is checked against what is stored")
struct KnownNamesTests {
    let scratch = Scratch()

    @Test("a name that matches nothing is an error listing the stored names, each shown on one line whatever it holds")
    func storedNamesOnOneLine() throws {
        let database = try PitbossDatabase.inMemory()
        let workspace = Workspace(config: WorkspaceConfig(), database: database)
        _ = try StoreContract.importFiles([StoreContract.corpus(rude: 0, calm: 3, in: scratch)], into: workspace)
        _ = try SampleStore(database: database).sample(SamplePopulation(), SampleRequest(size: .count(3), seed: "k"), by: "qa.lead")
        // Names given by hand (--as, a psql session) are stored as typed, control characters and all.
        try database.writer.write { db in
            try db.execute(sql: "UPDATE queue_items SET assigned_to = CASE id WHEN 1 THEN 'qa.anna' WHEN 2 THEN 'qa.line' || char(10) || 'break' ELSE 'qa.' || char(27) || '[31mred' END")
        }
        try KnownNames.check(["qa.anna"], .reviewer, in: workspace)
        let error = #expect(throws: PitbossError.self) { try KnownNames.check(["nobody-at-all"], .reviewer, in: workspace) }
        let message = try #require(error?.message)
        #expect(message.contains("nobody called 'nobody-at-all'"))
        #expect(message.contains("qa.line^Jbreak") && message.contains("qa.^[[31mred"), "\(message)")
        #expect(!message.contains("\n") && !message.contains("\u{1B}"))
    }
}
