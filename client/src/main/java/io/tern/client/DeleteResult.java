package io.tern.client;

/** A DELETE's answer: the revision it created and whether there was a value to remove. */
public record DeleteResult(long revision, boolean existed) {
}
