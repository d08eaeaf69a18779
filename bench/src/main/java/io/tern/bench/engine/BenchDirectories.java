package io.tern.bench.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where benchmarks put their files: {@code -Dtern.bench.dir} or {@code bench/target/bench-data}, on the
 * same disk as the project rather than a tmpfs, so fsync numbers mean something.
 */
final class BenchDirectories {
    private BenchDirectories() {
    }

    static Path root() throws IOException {
        Path root = Path.of(System.getProperty("tern.bench.dir", "target/bench-data"));
        Files.createDirectories(root);
        return root;
    }
}
