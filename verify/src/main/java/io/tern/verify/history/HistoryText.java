package io.tern.verify.history;

import io.tern.client.protocol.ReadMode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A history as text a person reads and writes, one operation per line, in the spirit of the
 * histories of Jepsen and etcd's robustness tests. {@code bin/tern verify} prints a failure's
 * operations in this form, and checker tests write their histories in it:
 *
 * <pre>
 * # a comment; blank lines are skipped
 * [0,10] p1 put x 1 -&gt; ok
 * [2,3] p2 get x -&gt; 1
 * [4,5] p2 get-local x -&gt; nil
 * [6,9] p3 cas x 1 2 -&gt; ok rev 7
 * [6,9] p4 cas x 1 3 -&gt; mismatch 2
 * [11,12] p1 delete x -&gt; ok existed
 * [13,14] p1 delete x -&gt; ok absent
 * [15,?] p2 put x late -&gt; ? TIMEOUT
 * [16,17] p3 put x v -&gt; fail UNAVAILABLE
 * [18,20] p4 batch put a 1, delete b, put c 2 -&gt; ok
 * </pre>
 *
 * <ul>
 * <li>{@code [INVOKED,COMPLETED]}: milliseconds (fractions allowed, down to the nanosecond) on the
 *     clock every client shares; {@code ?} for an operation that never completes (its outcome is
 *     unknown).</li>
 * <li>{@code pN}: the client process.</li>
 * <li>The call: {@code get K} (a linearizable read), {@code get-local K}, {@code put K V},
 *     {@code delete K}, {@code cas K EXPECTED NEW}, or {@code batch} and writes ({@code put K V},
 *     {@code delete K}) separated by commas.</li>
 * <li>After {@code ->}, the outcome: {@code ok} (a write applied; for a delete, {@code ok existed}
 *     or {@code ok absent} when the client kept which); for a get, the value read; for a CAS that
 *     wrote nothing, {@code mismatch CURRENT}; {@code fail REASON} when it certainly did not take
 *     effect; {@code ? REASON} when nobody knows. An optional {@code rev N} follows.</li>
 * <li>{@code nil} is the absent value (a read of an absent key, a CAS that expects the key absent
 *     or deletes it). A key, value or reason that holds anything but letters, digits and
 *     {@code _ . : @ + / -}, or that reads as a word of this form, is written in double quotes with
 *     {@code \"}, {@code \\} and a newline ({@code \n}) escaped.</li>
 * </ul>
 *
 * An operation's id is its position among the operation lines, from 0.
 */
public final class HistoryText {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.:@+/-]+");
    private static final Set<String> WORDS = Set.of("nil", "ok", "fail", "?", "mismatch", "existed", "absent", "rev",
            "->", ",", "if", "then", "guards-failed");
    private static final String ABSENT = "nil";
    private static final String NEVER = "?";

    private HistoryText() {
    }

    /**
     * Reads a history written in this form.
     *
     * @throws IllegalArgumentException naming the line that is not
     */
    public static History parse(String text) {
        List<Operation> operations = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                operations.add(parseLine(line));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " (" + line + "): " + e.getMessage(), e);
            }
        }
        return History.of(operations);
    }

    /** {@code operations}, one per line, times in milliseconds from {@code originNanos}. */
    public static String format(List<Operation> operations, long originNanos) {
        StringBuilder text = new StringBuilder();
        for (Operation operation : operations) {
            text.append(format(operation, originNanos)).append('\n');
        }
        return text.toString();
    }

    /** One operation as one line, times in milliseconds from {@code originNanos}. */
    public static String format(Operation operation, long originNanos) {
        String completed = operation.completeNanos() == Operation.NEVER ? NEVER
                : millis(operation.completeNanos() - originNanos);
        String line = "[" + millis(operation.invokeNanos() - originNanos) + "," + completed + "] p"
                + operation.process() + " " + call(operation.call()) + " -> " + outcome(operation.outcome());
        return operation.revision() == Operation.NO_REVISION ? line : line + " rev " + operation.revision();
    }

    // ---- writing ----

    private static String call(Call call) {
        return switch (call) {
            case Call.Get get -> (get.readMode() == ReadMode.LOCAL ? "get-local " : "get ") + token(get.key());
            case Call.Put put -> "put " + token(put.key()) + " " + token(put.value());
            case Call.Delete delete -> "delete " + token(delete.key());
            case Call.Cas cas -> "cas " + token(cas.key()) + " " + value(cas.expected()) + " " + value(cas.newValue());
            case Call.Batch batch -> "batch " + writes(batch.writes());
            case Call.Txn txn -> "txn if " + String.join(", ", txn.guards().stream()
                    .map(guard -> token(guard.key()) + " " + value(guard.expected())).toList())
                    + " then " + writes(txn.writes());
        };
    }

    private static String writes(List<Call.BatchWrite> writes) {
        return String.join(", ", writes.stream()
                .map(w -> w.value() == null ? "delete " + token(w.key()) : "put " + token(w.key()) + " "
                        + token(w.value())).toList());
    }

    private static String outcome(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Written written -> "ok";
            case Outcome.Deleted deleted -> deleted.existed() ? "ok existed" : "ok absent";
            case Outcome.ValueRead read -> value(read.value());
            case Outcome.CasMismatch mismatch -> "mismatch " + value(mismatch.current());
            case Outcome.GuardsFailed failed -> "guards-failed " + String.join(", ", failed.found().entrySet().stream()
                    .map(found -> token(found.getKey()) + " " + value(found.getValue())).toList());
            case Outcome.Failed failed -> "fail " + token(failed.reason());
            case Outcome.Unknown unknown -> "? " + token(unknown.reason());
        };
    }

    private static String value(String value) {
        return value == null ? ABSENT : token(value);
    }

    private static String token(String text) {
        if (PLAIN.matcher(text).matches() && !WORDS.contains(text)) {
            return text;
        }
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    private static String millis(long nanos) {
        return new BigDecimal(nanos).movePointLeft(6).stripTrailingZeros().toPlainString();
    }

    // ---- reading ----

    private static Operation parseLine(String line) {
        Tokens in = new Tokens(line);
        in.expect("[");
        long invoked = nanos(in.next());
        in.expect(",");
        String completedText = in.next();
        in.expect("]");
        String processText = in.next();
        if (!processText.startsWith("p")) {
            throw new IllegalArgumentException("expected a process such as p1, not " + processText);
        }
        int process = Integer.parseInt(processText.substring(1));
        Call call = parseCall(in);
        in.expect("->");
        Outcome outcome = parseOutcome(in, call);
        long revision = Operation.NO_REVISION;
        if (in.hasNext()) {
            in.expect("rev");
            revision = Long.parseLong(in.next());
        }
        if (in.hasNext()) {
            throw new IllegalArgumentException("unexpected " + in.next() + " at the end");
        }
        if (completedText.equals(NEVER) != (outcome instanceof Outcome.Unknown)) {
            throw new IllegalArgumentException("an operation completes at ? exactly when its outcome is ? (unknown)");
        }
        long completed = completedText.equals(NEVER) ? Operation.NEVER : nanos(completedText);
        return new Operation(process, call, outcome, invoked, completed, revision);
    }

    private static Call parseCall(Tokens in) {
        String verb = in.next();
        return switch (verb) {
            case "get" -> new Call.Get(in.text(), ReadMode.LINEARIZABLE);
            case "get-local" -> new Call.Get(in.text(), ReadMode.LOCAL);
            case "put" -> new Call.Put(in.text(), in.text());
            case "delete" -> new Call.Delete(in.text());
            case "cas" -> new Call.Cas(in.text(), in.value(), in.value());
            case "batch" -> new Call.Batch(parseWrites(in));
            case "txn" -> {
                in.expect("if");
                List<Call.Guard> guards = new ArrayList<>();
                do {
                    guards.add(new Call.Guard(in.text(), in.value()));
                } while (in.skip(","));
                in.expect("then");
                yield new Call.Txn(guards, parseWrites(in));
            }
            default -> throw new IllegalArgumentException("unknown call " + verb
                    + "; known: get, get-local, put, delete, cas, batch, txn");
        };
    }

    private static List<Call.BatchWrite> parseWrites(Tokens in) {
        List<Call.BatchWrite> writes = new ArrayList<>();
        do {
            String write = in.next();
            writes.add(switch (write) {
                case "put" -> Call.BatchWrite.put(in.text(), in.text());
                case "delete" -> Call.BatchWrite.delete(in.text());
                default -> throw new IllegalArgumentException("a batch writes put or delete, not " + write);
            });
        } while (in.skip(","));
        return writes;
    }

    private static Outcome parseOutcome(Tokens in, Call call) {
        if (in.skip("fail")) {
            return new Outcome.Failed(in.text());
        }
        if (in.skip(NEVER)) {
            return new Outcome.Unknown(in.text());
        }
        if (call instanceof Call.Get) {
            return new Outcome.ValueRead(in.value());
        }
        if (in.skip("mismatch")) {
            return new Outcome.CasMismatch(in.value());
        }
        if (in.skip("guards-failed")) {
            java.util.Map<String, String> found = new java.util.HashMap<>();
            do {
                found.put(in.text(), in.value());
            } while (in.skip(","));
            return new Outcome.GuardsFailed(found);
        }
        in.expect("ok");
        if (in.skip("existed")) {
            return new Outcome.Deleted(true);
        }
        if (in.skip("absent")) {
            return new Outcome.Deleted(false);
        }
        return new Outcome.Written();
    }

    private static long nanos(String millis) {
        return new BigDecimal(millis).movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }

    /** The words of one line: brackets, commas and arrows stand alone; quoted text is one word. */
    private static final class Tokens {
        private final List<String> words = new ArrayList<>();
        /** Which words were quoted: those are always text, never a word of the form. */
        private final List<Boolean> quoted = new ArrayList<>();
        private int at;

        Tokens(String line) {
            int i = 0;
            while (i < line.length()) {
                char c = line.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '[' || c == ']' || c == ',') {
                    add(String.valueOf(c), false);
                    i++;
                } else if (c == '"') {
                    StringBuilder word = new StringBuilder();
                    i++;
                    while (i < line.length() && line.charAt(i) != '"') {
                        if (line.charAt(i) == '\\' && i + 1 < line.length()) {
                            i++;
                            word.append(line.charAt(i) == 'n' ? '\n' : line.charAt(i));
                            i++;
                            continue;
                        }
                        word.append(line.charAt(i++));
                    }
                    if (i >= line.length()) {
                        throw new IllegalArgumentException("a quote is not closed");
                    }
                    i++;
                    add(word.toString(), true);
                } else {
                    int start = i;
                    while (i < line.length() && !Character.isWhitespace(line.charAt(i))
                            && "[],\"".indexOf(line.charAt(i)) < 0) {
                        i++;
                    }
                    add(line.substring(start, i), false);
                }
            }
        }

        private void add(String word, boolean isQuoted) {
            words.add(word);
            quoted.add(isQuoted);
        }

        boolean hasNext() {
            return at < words.size();
        }

        String next() {
            if (!hasNext()) {
                throw new IllegalArgumentException("the line ends too early");
            }
            return words.get(at++);
        }

        /** A key, value or reason. */
        String text() {
            return next();
        }

        /** A value that may be {@code nil} (absent). */
        String value() {
            boolean wasQuoted = hasNext() && quoted.get(at);
            String word = next();
            return !wasQuoted && word.equals(ABSENT) ? null : word;
        }

        /** Consumes {@code word} if it comes next (unquoted). */
        boolean skip(String word) {
            if (hasNext() && !quoted.get(at) && words.get(at).equals(word)) {
                at++;
                return true;
            }
            return false;
        }

        void expect(String word) {
            if (!skip(word)) {
                throw new IllegalArgumentException("expected " + word + (hasNext() ? ", not " + words.get(at)
                        : " before the end"));
            }
        }
    }
}
