import Crypto
import Foundation

extension Conversation {
    /// SHA-256 over what the conversation says, not where it was read from: the same conversation
    /// re-exported with CRLF line ends or from another folder hashes the same.
    public var contentHash: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + turns.reduce(0) { $0 + $1.text.utf8.count + 48 })
        func field(_ value: String?) {
            guard let value else { bytes.append(0x00); return }
            // Length-prefixed, so no choice of separator can make two different records collide.
            let utf8 = value.utf8
            withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: utf8)
        }
        func number(_ value: Double?) { field(value.map { String($0) }) }
        field("pitboss-conversation-v1")
        field(externalID)
        field(channel.rawValue)
        field(language)
        field(agentID)
        field(shiftID)
        number(startedAt.timeIntervalSince1970)
        field(customerID)
        field(isVIP ? "1" : "0")
        field(tags.joined(separator: "\u{1F}"))
        for turn in turns {
            field(turn.role.rawValue)
            field(turn.speaker)
            field(turn.agentID)
            number(turn.at?.timeIntervalSince1970)
            number(turn.start)
            number(turn.end)
            field(turn.text)
        }
        let digest = SHA256.hash(data: bytes)
        let hexDigits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 64) { out in
            for (i, byte) in digest.enumerated() {
                out[2 * i] = hexDigits[Int(byte >> 4)]
                out[2 * i + 1] = hexDigits[Int(byte & 0x0F)]
            }
            return 64
        }
    }
}
