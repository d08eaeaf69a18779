package io.tern.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses the ports test and verify nodes listen on. They are taken below the kernel's ephemeral
 * range (32768 and up on Linux by default): a node restarted after a kill binds its port again, and
 * a port in the ephemeral range may meanwhile have become the source port of some outgoing
 * connection (a proxy's, a client's), which would make the restart fail with "address in use".
 */
public final class ListenPorts {

    static final int LOW = 12_000;
    static final int HIGH = 32_000;
    private static final int ATTEMPTS = 2_000;

    /** Ports handed out in this JVM: two clusters in one test JVM never share one. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private ListenPorts() {
    }

    /** A port in [{@link #LOW}, {@link #HIGH}) that is free on the loopback address right now. */
    public static synchronized int pick() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = random.nextInt(LOW, HIGH);
            if (!HANDED_OUT.contains(port) && isFree(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + LOW + " and " + HIGH + " after " + ATTEMPTS + " tries");
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
