package io.tern.client;

import io.tern.client.net.ProtocolConnection;
import io.tern.client.protocol.MalformedResponseException;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;

/**
 * One try of a {@link Call} on one connection. It remembers whether its request was written: a
 * request whose write failed certainly did not reach the node, so any call may send it again.
 */
final class Attempt implements ProtocolConnection.Exchange {

    private final Call<?> call;
    private final ProtocolConnection connection;
    private volatile long id;
    // Set and read on the connection's event loop only.
    private boolean written;

    Attempt(Call<?> call, ProtocolConnection connection) {
        this.call = call;
        this.connection = connection;
    }

    ProtocolConnection connection() {
        return connection;
    }

    /** Drops this attempt's request from its connection; false if the connection already ended it. */
    boolean forget() {
        return connection.forget(id, this);
    }

    @Override
    public Opcode opcode() {
        return call.opcode();
    }

    @Override
    public Request request(long requestId) {
        id = requestId;
        return call.beginSend() ? call.request(requestId) : null;
    }

    @Override
    public void written() {
        written = true;
    }

    @Override
    public void answered(Response response) {
        call.answered(this, response);
    }

    @Override
    public void notSent(Throwable cause) {
        call.notSent(this, cause);
    }

    @Override
    public void lost(Throwable cause) {
        call.lost(this, written, cause);
    }

    @Override
    public void malformed(MalformedResponseException e) {
        call.malformed(this, e);
    }
}
