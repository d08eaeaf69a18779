package io.tern.verify.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The operations of one run, in the order they were recorded. Many client threads may record at
 * once. An operation's position in the history ({@code #N} in reports) is also its line, counted
 * from zero, in the JSON-lines file, so a saved failure can be re-checked and read side by side.
 */
public final class History {

    // Operations without a type field (Written) have no properties; Jackson must not refuse them.
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final List<Operation> operations = new ArrayList<>();

    public History() {
    }

    private History(Collection<Operation> operations) {
        this.operations.addAll(operations);
    }

    public static History of(Collection<Operation> operations) {
        return new History(operations);
    }

    public static History of(Operation... operations) {
        return new History(List.of(operations));
    }

    /** Appends one finished (or given-up) operation; safe to call from any thread. */
    public synchronized void record(Operation operation) {
        operations.add(Objects.requireNonNull(operation, "operation"));
    }

    /** A copy of the operations recorded so far. */
    public synchronized List<Operation> operations() {
        return List.copyOf(operations);
    }

    public synchronized int size() {
        return operations.size();
    }

    /** Writes one JSON object per line. */
    public void writeJsonLines(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Operation operation : operations()) {
                out.write(JSON.writeValueAsString(operation));
                out.newLine();
            }
        }
    }

    /** Reads a file written by {@link #writeJsonLines}; blank lines are skipped. */
    public static History readJsonLines(Path file) throws IOException {
        List<Operation> read = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    read.add(JSON.readValue(line, Operation.class));
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    throw new IOException(file + " line " + lineNumber + ": not an operation: " + e.getMessage(), e);
                }
            }
        }
        return new History(read);
    }

    /** One operation as a JSON line, for logs. */
    public static String toJson(Operation operation) {
        try {
            return JSON.writeValueAsString(operation);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
