package io.tern.server.net;

/** Counts the requests the whole server is working on, so a graceful stop can wait for them. */
final class InFlightRequests {

    private long count;

    synchronized void begin() {
        count++;
    }

    synchronized void end() {
        if (--count == 0) {
            notifyAll();
        }
    }

    /** Waits until nothing is in flight or {@code millis} have passed; true if nothing is. */
    synchronized boolean awaitNone(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (count > 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }
}
