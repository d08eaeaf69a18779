package io.tern.engine.log;

import net.openhft.posix.MAdviseFlag;
import net.openhft.posix.Mapping;
import net.openhft.posix.PosixAPI;
import net.openhft.posix.ProcMaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Tells the kernel that the log's memory-mapped cycle files are not read ahead ({@code MADV_RANDOM}).
 * Chronicle writes them through the mapping, so each new page is first a page fault; where the page
 * cache keeps files in large folios (ext4 since Linux 6.16), a fault in a mapping written front to back
 * reads ahead into ever larger folios, and a folio is dirtied, and written back by the next fsync,
 * whole. Each group-commit sync then wrote about 600 kB for 5 kB of records (one member at 23 k
 * writes/s wrote 914 MB/s to the disk). Without read-ahead a fault maps one page, and a sync writes
 * the pages written.
 *
 * <p>Advice is best effort: where it cannot be given (no {@code /proc/self/maps}, no native access)
 * the log works as before, and says so once.
 */
final class MappingAdvisor {

    private static final Logger log = LoggerFactory.getLogger(MappingAdvisor.class);

    private volatile boolean unavailable;

    /**
     * Advises every current mapping of {@code file} in this process.
     *
     * @return how many mappings were advised (0 where advice is unavailable)
     */
    int adviseMappingsOf(Path file) {
        if (unavailable) {
            return 0;
        }
        try {
            String path = file.toRealPath().toString(); // how the kernel names the mapping, links resolved
            List<Mapping> mappings = ProcMaps.forSelf().findAll(mapping -> path.equals(mapping.path()));
            PosixAPI posix = PosixAPI.posix();
            int advised = 0;
            for (Mapping mapping : mappings) {
                // A mapping may be gone by now (Chronicle releases chunks): then madvise fails, harmlessly.
                if (posix.madvise(mapping.addr(), mapping.length(), MAdviseFlag.MADV_RANDOM) == 0) {
                    advised++;
                }
            }
            return advised;
        } catch (NoSuchFileException gone) {
            return 0; // deleted meanwhile (log compaction): nothing of it is mapped any more
        } catch (IOException | RuntimeException | LinkageError e) {
            unavailable = true;
            log.info("cannot advise the kernel on the log's mapped files ({}): each sync may write more than it"
                    + " must", e.toString());
            return 0;
        }
    }
}
