package io.tern.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tern.client.TernClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tern status}: asks one endpoint for the membership, then every member for its own status,
 * and prints one row per member, so that one command shows the whole cluster.
 */
@Command(name = "status", showDefaultValues = true,
        description = {"Show every member of the cluster: role, term, leader, commit, applied and snapshot index.",
                "Asks an endpoint for the list of members, then each member for its own status. "
                        + "A member that does not answer is shown as 'unreachable' and makes the "
                        + "command exit 4 after printing the table."})
final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    ClientOptions client;

    @Option(names = "--json", description = "Print a JSON array of the members' status objects instead of a table.")
    boolean json;

    /** One member as the membership lists it, and what it said about itself (or why it said nothing). */
    private record MemberStatus(long id, String address, boolean voter, JsonNode status, Throwable error) {
    }

    @Override
    public Integer call() {
        List<MemberStatus> members;
        try (TernClient tern = client.connect()) {
            JsonNode first = parse(tern.status());
            List<CompletableFuture<MemberStatus>> answers = new ArrayList<>();
            for (JsonNode member : first.path("members")) {
                long id = member.path("id").asLong();
                String address = member.path("address").asText();
                boolean voter = member.path("voter").asBoolean(true);
                answers.add(ask(tern, address).handle((text, error) -> error != null
                        ? new MemberStatus(id, address, voter, null, error)
                        : new MemberStatus(id, address, voter, parse(text), null)));
            }
            if (answers.isEmpty()) {
                // A node started with --join that no leader has added yet knows no members, not even itself.
                answers.add(CompletableFuture.completedFuture(new MemberStatus(first.path("id").asLong(),
                        first.path("address").asText("?"), false, first, null)));
            }
            members = answers.stream().map(CompletableFuture::join)
                    .sorted(Comparator.comparingLong(MemberStatus::id)).toList();
        }
        if (json) {
            printJson(members);
        } else {
            printTable(members);
        }
        List<String> unreachable = members.stream().filter(m -> m.error() != null)
                .map(m -> m.id() + " at " + m.address() + " (" + CliErrors.classify(m.error()).message() + ")")
                .toList();
        if (!unreachable.isEmpty()) {
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().println("tern status: " + unreachable.size() + " of " + members.size()
                    + " members unreachable: " + String.join("; ", unreachable));
            return ExitCodes.UNAVAILABLE;
        }
        return ExitCodes.OK;
    }

    private static CompletableFuture<String> ask(TernClient tern, String address) {
        try {
            return tern.statusAsync(address);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A STATUS answer as JSON; also how {@code tern alarm} reads the alarms from it. */
    static JsonNode parse(String status) {
        try {
            return JSON.readTree(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the server answered STATUS with something other than JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private void printTable(List<MemberStatus> members) {
        TextTable table = new TextTable("ID", "ADDRESS", "ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "SNAPSHOT", "VOTER");
        for (MemberStatus m : members) {
            String voter = m.voter() ? "yes" : "no";
            if (m.status() == null) {
                table.add(Long.toString(m.id()), m.address(), "unreachable", "-", "-", "-", "-", "-", voter);
            } else {
                JsonNode s = m.status();
                table.add(Long.toString(m.id()), m.address(), text(s, "role"), text(s, "term"), text(s, "leaderId"),
                        text(s, "commitIndex"), text(s, "appliedIndex"), text(s, "snapshotIndex"), voter);
            }
        }
        table.print(spec.commandLine().getOut());
    }

    private static String text(JsonNode status, String field) {
        JsonNode value = status.path(field);
        return value.isMissingNode() || value.isNull() ? "-" : value.asText();
    }

    private void printJson(List<MemberStatus> members) {
        ArrayNode array = JSON.createArrayNode();
        for (MemberStatus m : members) {
            ObjectNode node = array.addObject();
            node.put("id", m.id());
            node.put("address", m.address());
            node.put("voter", m.voter());
            node.put("reachable", m.status() != null);
            if (m.status() == null) {
                node.put("error", CliErrors.classify(m.error()).message());
            } else if (m.status() instanceof ObjectNode status) {
                node.setAll(status);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        try {
            out.println(JSON.writeValueAsString(array));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
