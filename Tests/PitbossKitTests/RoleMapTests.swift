import Testing
@testable import PitbossKit

@Suite("Speaker roles")
struct RoleMapTests {
    @Test("labels map by name, then by a leading role word, then by role word, then by the wildcard")
    func resolutionOrder() throws {
        let map = RoleMap(["spk_0": .agent, "Anna": .agent, "*": .customer])
        #expect(map.resolve("spk_0")! == (.agent, "spk_0"))
        #expect(map.resolve("SPK_0")!.role == .agent)
        #expect(map.resolve("Agent Boris")! == (.agent, "Boris"))
        #expect(map.resolve("CUSTOMER")! == (.customer, nil))
        #expect(map.resolve("Оператор")!.role == .agent)
        #expect(map.resolve("spk_1")! == (.customer, "spk_1"))
    }

    @Test("without a wildcard an unknown label has no role: never a guess")
    func unknownLabel() {
        #expect(RoleMap().resolve("spk_7") == nil)
    }
}
