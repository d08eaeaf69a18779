package io.tern.cli;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * How the CLI shows keys and values (contract: "values as UTF-8 text where they are valid text,
 * otherwise as hex").
 *
 * <p>Text means strict UTF-8 without control characters (tab and newline included, so one value is
 * always one line and {@code scan}'s {@code key<TAB>value} lines split unambiguously), line or
 * paragraph separators, or bidirectional overrides (which could make a terminal show something other
 * than the bytes). Anything else is {@code 0x} followed by lower-case hex. Text that itself starts
 * with {@code 0x} is shown as hex too, so that output starting with {@code 0x} is always hex.
 */
public final class Values {

    private static final HexFormat HEX = HexFormat.of();

    private Values() {
    }

    /** The bytes of a key or value given on the command line: its UTF-8 encoding. */
    public static byte[] utf8(String argument) {
        return argument.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code bytes} as text when it is printable UTF-8, else as {@code 0x...} hex. */
    public static String show(byte[] bytes) {
        String text = strictUtf8(bytes);
        if (text != null && !text.startsWith("0x") && printable(text)) {
            return text;
        }
        return "0x" + HEX.formatHex(bytes);
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean printable(String text) {
        return text.codePoints().allMatch(Values::printable);
    }

    private static boolean printable(int codePoint) {
        if (Character.isISOControl(codePoint)) {
            return false;
        }
        int type = Character.getType(codePoint);
        if (type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
            return false;
        }
        return switch (Character.getDirectionality(codePoint)) {
            case Character.DIRECTIONALITY_LEFT_TO_RIGHT_EMBEDDING, Character.DIRECTIONALITY_RIGHT_TO_LEFT_EMBEDDING,
                 Character.DIRECTIONALITY_LEFT_TO_RIGHT_OVERRIDE, Character.DIRECTIONALITY_RIGHT_TO_LEFT_OVERRIDE,
                 Character.DIRECTIONALITY_POP_DIRECTIONAL_FORMAT, Character.DIRECTIONALITY_LEFT_TO_RIGHT_ISOLATE,
                 Character.DIRECTIONALITY_RIGHT_TO_LEFT_ISOLATE, Character.DIRECTIONALITY_FIRST_STRONG_ISOLATE,
                 Character.DIRECTIONALITY_POP_DIRECTIONAL_ISOLATE -> false;
            default -> true;
        };
    }
}
