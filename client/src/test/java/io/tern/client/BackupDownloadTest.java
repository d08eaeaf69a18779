package io.tern.client;

import static io.tern.client.ClientTests.b;
import static io.tern.client.ClientTests.clientOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TernClient#backup}: the pieces of a BACKUP stream, in order, into the output; and how it fails. */
@Timeout(30)
class BackupDownloadTest {

    private FakeServer server;
    private TernClient client;

    @BeforeEach
    void start() {
        server = FakeServer.start();
        client = clientOf(server.endpoint()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void everyPieceIsWrittenInOrderAndTheLastEndsTheCall() {
        server.handler(exchange -> {
            if (exchange.opcode() == Opcode.BACKUP) {
                exchange.reply(new Response.BackupPiece(exchange.id(), 77, 6, b("abc")));
                exchange.reply(new Response.BackupPiece(exchange.id(), 77, 3, b("def")));
                exchange.reply(new Response.BackupPiece(exchange.id(), 77, 0, b("ghi")));
            } else {
                exchange.replyFromStore();
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(77, client.backup(server.endpoint(), out));
        assertArrayEquals(b("abcdefghi"), out.toByteArray());
        client.put(b("k"), b("v")); // the connection serves on
    }

    @Test
    void aFailureAfterSomePiecesFailsTheCall() {
        server.handler(exchange -> {
            if (exchange.opcode() == Opcode.BACKUP) {
                exchange.reply(new Response.BackupPiece(exchange.id(), 77, 6, b("abc")));
                exchange.reply(new Response.Internal(exchange.id(), "reading the backup failed: gone"));
            } else {
                exchange.replyFromStore();
            }
        });
        ServerErrorException failed = assertThrows(ServerErrorException.class,
                () -> client.backup(server.endpoint(), new ByteArrayOutputStream()));
        assertTrue(failed.getMessage().endsWith("reading the backup failed: gone"), failed.getMessage());
    }

    @Test
    void aRefusalIsUnavailableAndAnOutputThatFailsEndsTheCall() {
        server.handler(exchange -> exchange.reply(new Response.Unavailable(exchange.id(), "no leader")));
        assertThrows(UnavailableException.class, () -> client.backup(server.endpoint(), new ByteArrayOutputStream()));

        server.handler(FakeServer.Exchange::replyFromStore);
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        UncheckedIOException failed = assertThrows(UncheckedIOException.class, () -> client.backup(server.endpoint(), full));
        assertEquals("cannot write the backup: No space left on device", failed.getMessage());
    }
}
