package io.tern.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A blocking echo server on loopback, one thread per connection, independent of the proxy's Netty
 * code so that it cannot share a bug with it. While {@link #holdReads()} is in force it accepts but
 * reads nothing, so a test can see back-pressure build up.
 */
final class EchoServer implements AutoCloseable {

    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile CountDownLatch readGate = new CountDownLatch(0);

    EchoServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    long bytesReceived() {
        return bytesReceived.get();
    }

    long connections() {
        return connections.get();
    }

    /** Connections accepted from now on read nothing until {@link #releaseReads()}. */
    void holdReads() {
        readGate = new CountDownLatch(1);
    }

    void releaseReads() {
        readGate.countDown();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                sockets.add(socket);
                connections.incrementAndGet();
                CountDownLatch gate = readGate;
                Thread echo = new Thread(() -> echo(socket, gate), "echo-" + socket.getPort());
                echo.setDaemon(true);
                echo.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void echo(Socket socket, CountDownLatch gate) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            gate.await();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                bytesReceived.addAndGet(n);
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // The peer went away: the connection ends.
        } finally {
            sockets.remove(socket);
        }
    }

    @Override
    public void close() throws IOException {
        releaseReads();
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
