package io.tern.client.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Writes the contract's compound field types; integers go straight to {@link ByteBuf}, big-endian. */
final class FieldWriter {

    private FieldWriter() {
    }

    /** {@code bytes := u32 n | n bytes}. */
    static void bytes(ByteBuf out, byte[] value) {
        out.writeInt(value.length);
        out.writeBytes(value);
    }

    /** {@code str}: UTF-8 in a {@code bytes}. */
    static void utf8(ByteBuf out, String value) {
        bytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    static void flag(ByteBuf out, boolean value) {
        out.writeByte(value ? 1 : 0);
    }

    /** A u8 presence flag, then the value only when present: the contract's {@code [bytes x]}. */
    static void optionalBytes(ByteBuf out, byte[] value) {
        flag(out, value != null);
        if (value != null) {
            bytes(out, value);
        }
    }
}
