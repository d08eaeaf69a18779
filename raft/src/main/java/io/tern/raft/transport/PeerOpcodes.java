package io.tern.raft.transport;

/**
 * The opcodes of frames between members. The contract reserves 0x70 to 0xFF for this traffic, so a
 * router on the shared port can tell a peer frame from a client request by its first body byte.
 *
 * <p>Codes are wire format: once released, a code never changes meaning.
 */
public final class PeerOpcodes {

    /** The lowest opcode reserved for traffic between members. */
    public static final int FIRST_PEER_OPCODE = 0x70;

    /** One Raft message, one way; requestId 0. */
    public static final int RAFT_MESSAGE = 0x70;

    /** A piece of a streamed snapshot; the receiver answers with {@link #SNAPSHOT_CHUNK_ACK} echoing the requestId. */
    public static final int SNAPSHOT_CHUNK = 0x71;

    /** The answer to one {@link #SNAPSHOT_CHUNK}: whether the receiver accepted it, and why not. */
    public static final int SNAPSHOT_CHUNK_ACK = 0x72;

    /** The first frame on every peer connection: who is calling, and from which cluster. */
    public static final int PEER_HELLO = 0x73;

    private PeerOpcodes() {
    }

    /** Whether {@code opcode} (an unsigned byte) lies in the range reserved for members. */
    public static boolean isPeerOpcode(int opcode) {
        return opcode >= FIRST_PEER_OPCODE && opcode <= 0xFF;
    }
}
