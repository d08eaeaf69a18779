package io.tern.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tern status}: asks one endpoint for the membership, then every member for its own status,
 * and prints one row per member, so that one command shows the whole cluster.
 */
@Command(name = "status", showDefaultValues = true,
        description = {"Show every member of the cluster: role, term, leader, commit, applied and snapshot index, "
                + "and its health: LAG is how many entries it is behind the leader's log, CONTACT how long ago the "
                + "leader last heard from it (or it from the leader), HEALTH ok or why not (as /health says).",
                "Asks an endpoint for the list of members, then each member for its own status. "
                        + "A member that does not answer is shown as 'unreachable' and makes the "
                        + "command exit 4 after printing the table."})
final class StatusCommand extends ClientCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--json", description = "Print a JSON array of the members' status objects instead of a table.")
    boolean json;

    /** One member as the membership lists it, and what it said about itself (or why it said nothing). */
    private record MemberStatus(long id, String address, boolean voter, ServerStatus status, Throwable error) {
    }

    @Override
    int run(TernClient tern, PrintWriter out) {
        List<MemberStatus> members = askEveryMember(tern);
        if (json) {
            printJson(members, out);
        } else {
            printTable(members, out);
        }
        List<String> unreachable = members.stream().filter(m -> m.error() != null)
                .map(m -> m.id() + " at " + m.address() + " (" + CliErrors.classify(m.error()).message() + ")")
                .toList();
        if (!unreachable.isEmpty()) {
            out.flush();
            spec.commandLine().getErr().println("tern status: " + unreachable.size() + " of " + members.size()
                    + " members unreachable: " + String.join("; ", unreachable));
            return ExitCodes.UNAVAILABLE;
        }
        return ExitCodes.OK;
    }

    /** The members the first endpoint lists, each with what it said about itself or why it said nothing. */
    private static List<MemberStatus> askEveryMember(TernClient tern) {
        ServerStatus first = parse(tern.status());
        List<CompletableFuture<MemberStatus>> answers = new ArrayList<>();
        for (ServerStatus.Member member : first.members()) {
            answers.add(ask(tern, member.address()).handle((text, error) -> error != null
                    ? new MemberStatus(member.id(), member.address(), member.voter(), null, error)
                    : new MemberStatus(member.id(), member.address(), member.voter(), parse(text), null)));
        }
        if (answers.isEmpty()) {
            // A node started with --join that no leader has added yet knows no members, not even itself.
            answers.add(CompletableFuture.completedFuture(new MemberStatus(first.id(),
                    first.address() != null ? first.address() : "?", false, first, null)));
        }
        return answers.stream().map(CompletableFuture::join)
                .sorted(Comparator.comparingLong(MemberStatus::id)).toList();
    }

    private static CompletableFuture<String> ask(TernClient tern, String address) {
        try {
            return tern.statusAsync(address);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A STATUS answer, typed; also how {@code tern alarm} reads the alarms from it. */
    static ServerStatus parse(String status) {
        try {
            return ServerStatus.parse(status);
        } catch (IllegalArgumentException e) {
            // The server's fault, not the user's: not a usage error.
            throw new IllegalStateException("the server answered STATUS with something Tern cannot read: "
                    + e.getMessage(), e);
        }
    }

    private void printTable(List<MemberStatus> members, PrintWriter out) {
        TextTable table = new TextTable("ID", "ADDRESS", "ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "SNAPSHOT",
                "VOTER", "LAG", "CONTACT", "HEALTH"); // HEALTH last: a reason has spaces
        // The leader's view of the others: their lag and last contact, even for one that does not answer us.
        ServerStatus.Health leaderView = members.stream().map(MemberStatus::status)
                .filter(s -> s != null && s.isLeader()).findFirst().map(ServerStatus::health).orElse(null);
        for (MemberStatus m : members) {
            String voter = m.voter() ? "yes" : "no";
            ServerStatus.Health own = m.status() == null ? null : m.status().health();
            boolean leads = m.status() != null && m.status().isLeader();
            Optional<ServerStatus.Follower> seenByLeader = leaderView == null || leads ? Optional.empty()
                    : leaderView.follower(m.id());
            String lag = leads ? "0" : seenByLeader.map(f -> Long.toString(f.lag())).orElse("-");
            long contactMs = leads ? -1 : seenByLeader.map(ServerStatus.Follower::lastContactMs)
                    .filter(ms -> ms >= 0).orElse(own == null ? -1 : own.leaderContactMs());
            String contact = contactMs < 0 ? "-" : contactMs + "ms";
            if (m.status() == null) {
                table.add(Long.toString(m.id()), m.address(), "unreachable", "-", "-", "-", "-", "-", voter, lag, contact,
                        "-");
            } else {
                ServerStatus s = m.status();
                String health = own.healthy() == null ? "?" : own.healthy() ? "ok" : own.reason();
                table.add(Long.toString(m.id()), m.address(), s.role(), Long.toString(s.term()),
                        s.leaderId() == 0 ? "-" : Long.toString(s.leaderId()), Long.toString(s.commitIndex()),
                        Long.toString(s.appliedIndex()), Long.toString(s.snapshotIndex()), voter, lag, contact, health);
            }
        }
        table.print(out);
    }

    private void printJson(List<MemberStatus> members, PrintWriter out) {
        ArrayNode array = JSON.createArrayNode();
        for (MemberStatus m : members) {
            ObjectNode node = array.addObject();
            node.put("id", m.id());
            node.put("address", m.address());
            node.put("voter", m.voter());
            node.put("reachable", m.status() != null);
            if (m.status() == null) {
                node.put("error", CliErrors.classify(m.error()).message());
            } else {
                // The member's own object as it sent it, fields Tern adds later included.
                node.setAll(asObject(m.status().json()));
            }
        }
        try {
            out.println(JSON.writeValueAsString(array));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode asObject(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // ServerStatus.parse already read it as an object
        }
    }
}
