package io.tern.client.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/** Content equality and readable text for the byte arrays that records hold. */
final class Bytes {

    private static final int SHOWN = 32;

    private Bytes() {
    }

    static boolean equal(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }

    static int hash(byte[] a) {
        return Arrays.hashCode(a);
    }

    /** Hex, cut after a few bytes so that logging a multi-megabyte value stays cheap. */
    static String show(byte[] a) {
        if (a == null) {
            return "null";
        }
        if (a.length <= SHOWN) {
            return "0x" + HexFormat.of().formatHex(a);
        }
        return "0x" + HexFormat.of().formatHex(a, 0, SHOWN) + "...(" + a.length + " bytes)";
    }
}
