package io.tern.engine.state;

import java.util.HexFormat;

/** Renders byte arrays for {@code toString} and messages: short ones in hex, long ones by size. */
final class Bytes {

    private static final int MAX_HEX_BYTES = 32;

    private Bytes() {
    }

    static String describe(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        if (bytes.length <= MAX_HEX_BYTES) {
            return "0x" + HexFormat.of().formatHex(bytes);
        }
        return "<" + bytes.length + " bytes>";
    }
}
