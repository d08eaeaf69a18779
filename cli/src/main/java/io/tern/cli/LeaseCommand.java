package io.tern.cli;

import io.tern.client.LeaseGrant;
import io.tern.client.LeaseKeepAlive;
import io.tern.client.LeaseNotFoundException;
import io.tern.client.LeaseTimeToLive;
import io.tern.client.TernClient;
import io.tern.client.TernException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code tern lease grant|revoke|keep-alive|ttl|list}: etcd's leases, printed as {@code etcdctl lease}
 * prints them (ids in 16 hex digits).
 */
@Command(name = "lease", showDefaultValues = true,
        description = {"Grant, revoke, keep alive and inspect leases (etcd's).",
                "A key put with a lease is deleted when the lease is revoked, or when nobody keeps it alive "
                        + "for its TTL. Lease IDs are hexadecimal, as etcdctl prints them."},
        subcommands = {LeaseCommand.Grant.class, LeaseCommand.Revoke.class, LeaseCommand.KeepAlive.class,
                LeaseCommand.TimeToLive.class, LeaseCommand.ListLeases.class})
final class LeaseCommand {

    @Mixin
    HelpOption help;

    /** A lease id as etcdctl prints it: 16 hex digits. */
    static String hex(long id) {
        return String.format(Locale.ROOT, "%016x", id);
    }

    /** Parses a lease ID in hex (leading zeros optional), as etcdctl does; it must be positive. */
    static final class IdConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long id;
            try {
                id = Long.parseLong(value, 16);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a lease ID (hexadecimal, as 'lease grant' prints it)");
            }
            if (id <= 0) {
                throw new TypeConversionException("a lease ID must be positive: '" + value + "'");
            }
            return id;
        }
    }

    @Command(name = "grant", showDefaultValues = true,
            description = {"Grant a lease of TTL seconds.",
                    "Prints 'lease ID granted with TTL(Ns)'. A TTL under the cluster's minimum (1.5 election "
                            + "timeouts, 2 s by default) is raised to it."})
    static final class Grant extends ClientCommand {

        @Parameters(index = "0", paramLabel = "TTL", description = "Seconds the lease lives without a keep-alive.")
        long ttl;

        @Option(names = "--id", paramLabel = "ID", converter = IdConverter.class,
                description = "The lease's ID in hex; by default the server picks one.")
        Long id;

        @Override
        int run(TernClient tern, PrintWriter out) {
            LeaseGrant granted = tern.leases().grant(id == null ? 0 : id, ttl);
            out.println("lease " + hex(granted.id()) + " granted with TTL(" + granted.ttlSeconds() + "s)");
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", showDefaultValues = true,
            description = {"Revoke lease ID, deleting every key attached to it.", "Prints 'lease ID revoked'."})
    static final class Revoke extends ClientCommand {

        @Parameters(index = "0", paramLabel = "ID", converter = IdConverter.class, description = "The lease, in hex.")
        long id;

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.leases().revoke(id);
            out.println("lease " + hex(id) + " revoked");
            return ExitCodes.OK;
        }
    }

    @Command(name = "keep-alive", aliases = "keepalive", showDefaultValues = true,
            description = {"Keep lease ID alive until interrupted (Ctrl-C), renewing it every third of its TTL.",
                    "Prints 'lease ID keepalived with TTL(N)' after each renewal, and 'lease ID expired or "
                            + "revoked.' when the lease is gone (exit 0). If no renewal succeeds within the "
                            + "TTL, the lease may have expired: that is an error (exit 4)."})
    static final class KeepAlive extends ClientCommand {

        @Parameters(index = "0", paramLabel = "ID", converter = IdConverter.class, description = "The lease, in hex.")
        long id;

        @Option(names = "--once", description = "Renew it once and exit.")
        boolean once;

        @Override
        int run(TernClient tern, PrintWriter out) {
            if (once) {
                printRenewal(out, tern.leases().keepAliveOnce(id));
                return ExitCodes.OK;
            }
            CompletableFuture<TernException> gone = new CompletableFuture<>();
            try (LeaseKeepAlive ignored = tern.leases().keepAlive(id, new LeaseKeepAlive.Listener() {
                @Override
                public void renewed(long leaseId, long ttlSeconds) {
                    printRenewal(out, ttlSeconds);
                }

                @Override
                public void gone(long leaseId, TernException reason) {
                    gone.complete(reason);
                }
            })) {
                TernException reason = gone.get();
                if (reason instanceof LeaseNotFoundException) {
                    println(out, "lease " + hex(id) + " expired or revoked.");
                    return ExitCodes.OK;
                }
                throw reason;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.OK;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        private void printRenewal(PrintWriter out, long ttlSeconds) {
            println(out, "lease " + hex(id) + " keepalived with TTL(" + ttlSeconds + ")");
        }

        /** Renewals print from the client's threads: one whole line at a time, flushed. */
        private static void println(PrintWriter out, String line) {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }
    }

    @Command(name = "ttl", aliases = "timetolive", showDefaultValues = true,
            description = {"Show how long lease ID has left.",
                    "Prints 'lease ID granted with TTL(Ns), remaining(Ns)', with ', attached keys([K ...])' "
                            + "under --keys, or 'lease ID already expired' when there is no such lease."})
    static final class TimeToLive extends ClientCommand {

        @Parameters(index = "0", paramLabel = "ID", converter = IdConverter.class, description = "The lease, in hex.")
        long id;

        @Option(names = "--keys", description = "Also list the keys attached to it.")
        boolean keys;

        @Override
        int run(TernClient tern, PrintWriter out) {
            LeaseTimeToLive lease = tern.leases().timeToLive(id, keys);
            if (!lease.exists()) {
                out.println("lease " + hex(id) + " already expired");
                return ExitCodes.OK;
            }
            String line = "lease " + hex(id) + " granted with TTL(" + lease.grantedSeconds() + "s), remaining("
                    + lease.remainingSeconds() + "s)";
            if (keys) {
                line += ", attached keys([" + lease.keys().stream().map(Values::show).collect(Collectors.joining(" "))
                        + "])";
            }
            out.println(line);
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", showDefaultValues = true,
            description = {"List every lease.", "Prints 'found N leases', then one ID per line."})
    static final class ListLeases extends ClientCommand {

        @Override
        int run(TernClient tern, PrintWriter out) {
            List<Long> ids = tern.leases().list();
            out.println("found " + ids.size() + " leases");
            ids.forEach(id -> out.println(hex(id)));
            return ExitCodes.OK;
        }
    }
}
