/// An agent id as the database compares it, byte for byte: the hex of its UTF-8, as SQLite's hex() writes it.
enum AgentKey {
    static func of(_ agent: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(agent.utf8.count * 2)
        for byte in agent.utf8 {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
