package io.tern.engine;

import io.tern.engine.log.LogConfig;
import io.tern.engine.state.RocksStateStore;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * Initialises the storage's libraries on a thread of their own: RocksDB's native library and
 * Chronicle's classes took about 0.3 s of a member's start in a JVM just started, time the start
 * can spend parsing its flags instead. Class initialisation runs once, for whichever thread asks
 * first, and a thread that asks while it runs waits for it: this only moves the work earlier.
 */
public final class LibraryWarmUp {

    private LibraryWarmUp() {
    }

    public static void startInBackground() {
        Thread.ofPlatform().name("tern-warm-up").daemon().start(() -> {
            try {
                initialise(RocksStateStore.class);
                initialise(SingleChronicleQueueBuilder.class);
                LogConfig.defaults(FsyncPolicy.ALWAYS); // Chronicle's roll cycles and clock, and the machine's boot
            } catch (Throwable e) {
                // The open that needs the library fails the same way, and says so where it is reported.
            }
        });
    }

    private static void initialise(Class<?> type) throws ClassNotFoundException {
        Class.forName(type.getName(), true, type.getClassLoader());
    }
}
