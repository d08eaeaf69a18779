package io.tern.kv;

import java.util.Arrays;
import java.util.HexFormat;

/** Content equality and readable text for the byte arrays that records hold, on both sides of the wire. */
public final class Bytes {

    private static final int SHOWN = 32;

    /** The empty array, shared: never written to. */
    public static final byte[] EMPTY = new byte[0];

    private Bytes() {
    }

    public static boolean equal(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }

    public static int hash(byte[] a) {
        return Arrays.hashCode(a);
    }

    /** Hex, cut after a few bytes so that logging a multi-megabyte value stays cheap. */
    public static String show(byte[] a) {
        if (a == null) {
            return "null";
        }
        if (a.length <= SHOWN) {
            return "0x" + HexFormat.of().formatHex(a);
        }
        return "0x" + HexFormat.of().formatHex(a, 0, SHOWN) + "...(" + a.length + " bytes)";
    }
}
