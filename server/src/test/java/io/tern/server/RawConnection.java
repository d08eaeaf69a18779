package io.tern.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.client.protocol.FrameWriter;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.ResponseCodec;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A blocking test connection that speaks the wire protocol byte for byte, so tests can send what a
 * well-behaved client never would (bad bodies, huge length prefixes, half frames).
 */
final class RawConnection implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** Concurrent: a test may send from one thread while it reads answers on another. */
    private final Map<Long, Opcode> sent = new ConcurrentHashMap<>();

    RawConnection(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    Socket socket() {
        return socket;
    }

    /** Sends {@code request} as one frame; its answer is decoded by {@link #receive()}. */
    void send(Request request) throws IOException {
        ByteBuf frame = Unpooled.buffer();
        FrameWriter.writeRequest(request, frame);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        sent.put(request.requestId(), request.answerOpcode());
        out.write(bytes);
        out.flush();
    }

    /** Sends a frame with exactly {@code body}, its length prefix computed. */
    void sendBody(byte[] body) throws IOException {
        ByteBuf frame = Unpooled.buffer().writeInt(body.length).writeBytes(body);
        sendBytes(frame);
    }

    void sendBytes(ByteBuf bytes) throws IOException {
        byte[] raw = new byte[bytes.readableBytes()];
        bytes.readBytes(raw);
        out.write(raw);
        out.flush();
    }

    Response call(Request request) throws IOException {
        send(request);
        return receive();
    }

    /** The next answer, decoded against the opcode of the request it names (none for id 0 errors). */
    Response receive() throws IOException {
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        Opcode opcode = sent.remove(ResponseCodec.peekRequestId(buf));
        return ResponseCodec.decode(buf, opcode);
    }

    /** The next answer, decoded as one to {@code opcode}: for a stream's frames, which share a requestId. */
    Response receiveAnswerTo(Opcode opcode) throws IOException {
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        return ResponseCodec.decode(Unpooled.wrappedBuffer(body), opcode);
    }

    /** Whether the server closed the connection: reads until end of stream or {@code millis} of silence. */
    boolean closedByServer(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            while (in.read() >= 0) {
                // skip answers still in the pipe
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
