package io.tern.engine.log;

import net.openhft.chronicle.wire.Wires;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the documents of one Chronicle cycle file straight from its bytes. Chronicle trusts its
 * own headers (the write position, the index, every document's length), and after a power cut
 * those may point past what reached the disk; this reader trusts nothing, so the log can judge a
 * file before Chronicle maps it.
 *
 * <p>Chronicle frames each document with a 4-byte little-endian header, 4-byte aligned: bit 31 set
 * while the document is being written, bit 30 for metadata, the rest its length. A file starts
 * with a metadata document (the store's header), holds metadata index arrays among the data, ends
 * with an end-of-file marker once rolled, and is zeros after its last document. Data documents are
 * numbered from 0 in each file: that number is the sequence part of a queue index.
 */
final class CycleFileReader implements AutoCloseable {

    /** What {@link #next()} found. */
    enum Step {
        /** A data document: see {@link #sequence()}, {@link #content()} and friends. */
        DATA,
        /** The clean end of the file: an end-of-file marker (see {@link #rolled()}), or zeros to the end. */
        END,
        /** Bytes no intact file holds at {@link #documentPosition()}: see {@link #breakReason()}. */
        BREAK
    }

    private static final int WINDOW_BYTES = 1 << 20;
    private static final int ZERO_CHECK_BYTES = 1 << 20;
    private static final int HEADER_BYTES = Wires.SPB_HEADER_SIZE;

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final long maxDocumentBytes;
    private final boolean pageCacheKept;
    private byte[] window = new byte[WINDOW_BYTES];
    private long windowStart;
    private int windowLength;

    private long nextHeader;
    private long sequence = -1;
    private long documentPosition;
    private int contentOffset;
    private int contentLength;
    private String breakReason;
    private boolean rolled;

    /**
     * @param maxDocumentBytes the longest document a file of this queue can hold: a longer length
     *                         can only be garbage
     * @param pageCacheKept    the file was last written in this boot of the machine: the page cache
     *                         holds all that was written, in the order it was, so zeros where a
     *                         document belongs end the file (only a lost page cache keeps a later page
     *                         and not an earlier one), and the rest of the file, often tens of
     *                         megabytes, need not be read to see that it is zeros
     */
    CycleFileReader(Path file, long maxDocumentBytes, boolean pageCacheKept) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.size = channel.size();
        this.maxDocumentBytes = maxDocumentBytes;
        this.pageCacheKept = pageCacheKept;
    }

    /** Moves to the next data document, or to the end or the first break of the file. */
    Step next() throws IOException {
        while (true) {
            documentPosition = nextHeader;
            if (nextHeader + HEADER_BYTES > size) {
                return nextHeader == 0 ? broken("no Chronicle header") : Step.END;
            }
            int header = intAt(nextHeader);
            if (header == Wires.NOT_INITIALIZED) {
                if (nextHeader == 0) {
                    return broken("no Chronicle header");
                }
                return pageCacheKept || onlyZerosFrom(nextHeader) ? Step.END
                        : broken("zeros where the next document belongs, then data (a write a crash tore)");
            }
            if (header == Wires.END_OF_DATA) {
                if (nextHeader == 0) {
                    return broken("no Chronicle header");
                }
                rolled = true;
                return Step.END;
            }
            if ((header & Wires.NOT_COMPLETE) != 0) {
                return broken("a document whose writing never finished");
            }
            int length = header & Wires.LENGTH_MASK;
            if (length > maxDocumentBytes || nextHeader + HEADER_BYTES + length > size) {
                return broken("a document length of " + length + " bytes that no intact file holds");
            }
            boolean metadata = (header & Wires.META_DATA) != 0;
            if (nextHeader == 0 && !metadata) {
                return broken("no Chronicle header");
            }
            long start = nextHeader + HEADER_BYTES;
            nextHeader = align(start + length);
            if (metadata) {
                if (looksLikeLogRecord(start, length)) {
                    return broken("a log record marked as Chronicle metadata");
                }
                continue;
            }
            load(start, length);
            contentOffset = (int) (start - windowStart);
            contentLength = length;
            sequence++;
            return Step.DATA;
        }
    }

    /** The number of the current data document in this file, from 0. */
    long sequence() {
        return sequence;
    }

    /** Where the current document (its header) starts in the file, or where the break is. */
    long documentPosition() {
        return documentPosition;
    }

    /** Where the current data document ends. */
    long documentEnd() {
        return documentPosition + HEADER_BYTES + contentLength;
    }

    /** The array holding the current data document's content, valid until the next call. */
    byte[] content() {
        return window;
    }

    int contentOffset() {
        return contentOffset;
    }

    int contentLength() {
        return contentLength;
    }

    String breakReason() {
        return breakReason;
    }

    /**
     * Whether the file ended in Chronicle's end-of-file marker, which it writes when it rolls to a
     * later file: a file that later files follow and that ends without it lost its tail.
     */
    boolean rolled() {
        return rolled;
    }

    /**
     * Counts the intact records from {@code position} on (at any aligned place, framing or not)
     * that prove an earlier sync completed (see {@link LogRecord#provesEarlierSyncCompleted}).
     * Such a record is short and checksummed, so garbage cannot pass for one.
     */
    int countSyncProofsFrom(long position) throws IOException {
        int found = 0;
        int documentBytes = HEADER_BYTES + LogRecord.MARKER_BYTES;
        long at = align(position);
        while (at + documentBytes <= size) {
            // A window's worth of candidate places at a time; the last few recur in the next window.
            load(at, (int) Math.min(window.length, size - at));
            int offset = (int) (at - windowStart);
            int last = windowLength - documentBytes;
            for (; offset <= last; offset += 4) {
                if (window[offset] == LogRecord.MARKER_BYTES && window[offset + 1] == 0 && window[offset + 2] == 0
                        && window[offset + 3] == 0) {
                    LogRecord record = LogRecord.decodeOrNull(window, offset + HEADER_BYTES, LogRecord.MARKER_BYTES);
                    if (record != null && LogRecord.provesEarlierSyncCompleted(record)) {
                        found++;
                    }
                }
            }
            at = windowStart + offset;
        }
        return found;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private Step broken(String reason) {
        breakReason = reason;
        return Step.BREAK;
    }

    /** Metadata is Chronicle's binary wire, whose first byte is never one of our record types. */
    private boolean looksLikeLogRecord(long start, int length) throws IOException {
        if (length < LogRecord.MARKER_BYTES) {
            return false;
        }
        load(start, 1);
        byte type = window[(int) (start - windowStart)];
        if (type < LogRecord.ENTRY || type > LogRecord.CLOSE) {
            return false;
        }
        load(start, length);
        return LogRecord.decodeOrNull(window, (int) (start - windowStart), length) != null;
    }

    /**
     * Whether the file holds only zeros from {@code position} on. Read, not mapped: on tmpfs a read
     * fault on a hole of a shared mapping allocates a page, which on a full disk is a SIGBUS, while
     * read(2) of a hole returns zeros without allocating anything.
     */
    private boolean onlyZerosFrom(long position) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(ZERO_CHECK_BYTES).order(ByteOrder.nativeOrder());
        for (long at = position; at < size; ) {
            chunk.clear().limit((int) Math.min(ZERO_CHECK_BYTES, size - at));
            int read = channel.read(chunk, at);
            if (read < 0) {
                return true;
            }
            chunk.flip();
            while (chunk.remaining() >= Long.BYTES) {
                if (chunk.getLong() != 0) {
                    return false;
                }
            }
            while (chunk.hasRemaining()) {
                if (chunk.get() != 0) {
                    return false;
                }
            }
            at += read;
        }
        return true;
    }

    private int intAt(long position) throws IOException {
        load(position, HEADER_BYTES);
        return littleEndianInt(window, (int) (position - windowStart));
    }

    private static int littleEndianInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) | (bytes[offset + 1] & 0xff) << 8 | (bytes[offset + 2] & 0xff) << 16
                | (bytes[offset + 3] & 0xff) << 24;
    }

    /** Makes {@code [position, position + length)}, which lies inside the file, readable in the window. */
    private void load(long position, int length) throws IOException {
        if (position >= windowStart && position + length <= windowStart + windowLength) {
            return;
        }
        if (length > window.length) {
            window = new byte[Math.max(length, window.length * 2)];
        }
        int wanted = (int) Math.min(window.length, size - position);
        ByteBuffer buffer = ByteBuffer.wrap(window, 0, wanted);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        windowStart = position;
        windowLength = buffer.position();
        if (windowLength < length) {
            throw new IOException(file + " ended at byte " + (position + windowLength) + " while being read");
        }
    }

    private static long align(long position) {
        return (position + 3) & ~3L;
    }
}
