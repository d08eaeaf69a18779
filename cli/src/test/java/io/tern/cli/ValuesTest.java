package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ValuesTest {

    private static String show(String text) {
        return Values.show(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void printableUtf8IsShownAsText() {
        assertEquals("hello world", show("hello world"));
        assertEquals("grüße, 東京 🚀", show("grüße, 東京 🚀"));
        assertEquals("", Values.show(new byte[0]));
    }

    @Test
    void invalidUtf8IsShownAsHex() {
        assertEquals("0x00ff10", Values.show(new byte[] {0, (byte) 0xff, 0x10}));
        assertEquals("0xc328", Values.show(new byte[] {(byte) 0xc3, 0x28}), "a broken two-byte sequence");
        assertEquals("0xeda080", Values.show(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}), "a lone surrogate");
    }

    @Test
    void controlCharactersMakeHexSoThatAValueIsOneLine() {
        assertEquals("0x610a62", show("a\nb"));
        assertEquals("0x610962", show("a\tb"));
        assertEquals("0x1b5b326a", show("\u001b[2j"), "a terminal escape");
        assertEquals("0x7f", show("\u007f"));
        assertEquals("0xe280a8", show("\u2028"), "a line separator");
        assertEquals("0x61e280ae62", show("a\u202eb"), "a right-to-left override");
    }

    @Test
    void textStartingWith0xIsShownAsHexSoThatOutputIsUnambiguous() {
        assertEquals("0x30786666", show("0xff"));
        assertEquals("x0ff", show("x0ff"));
    }

    @Test
    void argumentsAreUtf8() {
        assertArrayEquals(new byte[] {'k', (byte) 0xc3, (byte) 0xa9}, Values.utf8("ké"));
    }
}
