package io.tern.cli;

import io.tern.kv.Compare;
import io.tern.kv.KvOp;
import io.tern.kv.TxnRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * Reads a transaction in {@code etcdctl txn}'s syntax: compares, a blank line, the operations to run
 * when they all hold, a blank line, the operations to run otherwise (the end of the input ends the
 * last list too, and a blank line after it ends the transaction).
 *
 * <pre>
 * mod("key1") > "0"
 * value("key2") = "v"
 *
 * put key1 "new value"
 * get key2 --prefix
 *
 * del key1
 * </pre>
 *
 * A compare is {@code TARGET("KEY") OP "VALUE"}: TARGET {@code ver}/{@code version}, {@code c}/
 * {@code create}, {@code m}/{@code mod}, {@code val}/{@code value} or {@code lease} (a decimal number
 * but for value), OP {@code =}, {@code !=}, {@code <} or {@code >}; the quoted strings take Go's
 * escapes. An operation is {@code put KEY VALUE}, {@code get KEY [RANGE_END]} or
 * {@code del KEY [RANGE_END]} with the options of {@code tern put}, {@code tern get} and
 * {@code tern del}; an argument may be double-quoted to hold blanks.
 */
final class TxnParser {

    /** A syntax error: its message names the line. */
    static final class SyntaxException extends IllegalArgumentException {
        SyntaxException(int line, String problem) {
            super("line " + line + ": " + problem);
        }
    }

    private TxnParser() {
    }

    /** The transaction {@code lines} spell; line numbers in errors count from 1. */
    static TxnRequest parse(List<String> lines) {
        List<Compare> compares = new ArrayList<>();
        List<KvOp> success = new ArrayList<>();
        List<KvOp> failure = new ArrayList<>();
        int section = 0;
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                section = Math.min(section + 1, 3);
                continue;
            }
            switch (section) {
                case 0 -> compares.add(compare(number, line));
                case 1 -> success.add(op(number, line));
                case 2 -> failure.add(op(number, line));
                default -> throw new SyntaxException(number, "text after the blank line that ends the failure "
                        + "operations (a transaction is compares, success and failure, each ended by a blank line)");
            }
        }
        return new TxnRequest(compares, success, failure);
    }

    static Compare compare(int number, String line) {
        int open = line.indexOf('(');
        if (open < 0) {
            throw new SyntaxException(number, "malformed comparison: " + line
                    + " (expected TARGET(\"KEY\") OP \"VALUE\")");
        }
        String target = line.substring(0, open).strip();
        Cursor cursor = new Cursor(number, line, open + 1);
        byte[] key = Values.utf8(cursor.quoted("the key"));
        cursor.expect(')');
        String op = cursor.operator();
        String value = cursor.quoted("the value");
        cursor.end();
        Compare.Result result = switch (op) {
            case "=", "==" -> Compare.Result.EQUAL;
            case "!=" -> Compare.Result.NOT_EQUAL;
            case "<" -> Compare.Result.LESS;
            case ">" -> Compare.Result.GREATER;
            default -> throw new SyntaxException(number, "unknown comparison " + op + " (=, !=, < or >)");
        };
        return switch (target) {
            case "ver", "version" -> Compare.version(key, result, number(number, target, value));
            case "c", "create" -> Compare.createRevision(key, result, number(number, target, value));
            case "m", "mod" -> Compare.modRevision(key, result, number(number, target, value));
            case "val", "value" -> Compare.value(key, result, Values.utf8(value));
            case "lease" -> Compare.lease(key, result, number(number, target, value));
            default -> throw new SyntaxException(number, "unknown compare target " + target
                    + " (version, create, mod, value or lease)");
        };
    }

    static KvOp op(int number, String line) {
        List<String> words = words(number, line);
        String verb = words.getFirst();
        String[] args = words.subList(1, words.size()).toArray(String[]::new);
        try {
            return switch (verb) {
                case "put" -> {
                    PutOp put = parse(new PutOp(), args);
                    yield put.flags.toRequest(put.key, put.value);
                }
                case "get", "range" -> {
                    GetOp get = parse(new GetOp(), args);
                    yield get.flags.toRequest(get.key, get.end);
                }
                case "del", "delete" -> {
                    DelOp del = parse(new DelOp(), args);
                    yield del.flags.toRequest(del.key, del.end);
                }
                default -> throw new SyntaxException(number, "unknown operation " + verb + " (put, get or del)");
            };
        } catch (ParameterException e) {
            throw new SyntaxException(number, verb + ": " + CliErrors.oneLine(e.getMessage()));
        } catch (SyntaxException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SyntaxException(number, verb + ": " + e.getMessage());
        }
    }

    private static <T> T parse(T op, String[] args) {
        new CommandLine(op).parseArgs(args);
        return op;
    }

    @Command(name = "put")
    static final class PutOp {
        @Mixin
        PutFlags flags;

        @Parameters(index = "0")
        String key;

        @Parameters(index = "1", arity = "0..1")
        String value;
    }

    @Command(name = "get")
    static final class GetOp {
        @Mixin
        RangeFlags flags;

        @Parameters(index = "0")
        String key;

        @Parameters(index = "1", arity = "0..1")
        String end;
    }

    @Command(name = "del")
    static final class DelOp {
        @Mixin
        DelFlags flags;

        @Parameters(index = "0")
        String key;

        @Parameters(index = "1", arity = "0..1")
        String end;
    }

    private static long number(int line, String target, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new SyntaxException(line, target + " compares against a number, not \"" + value + "\"");
        }
    }

    /** The words of an operation line: split at blanks, a double-quoted word taking Go's escapes. */
    static List<String> words(int number, String line) {
        List<String> words = new ArrayList<>();
        Cursor cursor = new Cursor(number, line, 0);
        while (cursor.skipBlanks()) {
            words.add(cursor.peek() == '"' ? cursor.quoted("an argument") : cursor.bare());
        }
        return words;
    }

    /** Reads one line left to right. */
    private static final class Cursor {
        private final int number;
        private final String line;
        private int at;

        Cursor(int number, String line, int at) {
            this.number = number;
            this.line = line;
            this.at = at;
        }

        /** Skips blanks; whether anything follows. */
        boolean skipBlanks() {
            while (at < line.length() && Character.isWhitespace(line.charAt(at))) {
                at++;
            }
            return at < line.length();
        }

        char peek() {
            return line.charAt(at);
        }

        void expect(char c) {
            skipBlanks();
            if (at >= line.length() || line.charAt(at) != c) {
                throw error("expected '" + c + "'");
            }
            at++;
        }

        void end() {
            if (skipBlanks()) {
                throw error("unexpected text after the comparison");
            }
        }

        String operator() {
            skipBlanks();
            int start = at;
            while (at < line.length() && "=!<>".indexOf(line.charAt(at)) >= 0) {
                at++;
            }
            if (start == at) {
                throw error("expected a comparison (=, !=, < or >)");
            }
            return line.substring(start, at);
        }

        String bare() {
            int start = at;
            while (at < line.length() && !Character.isWhitespace(line.charAt(at))) {
                at++;
            }
            return line.substring(start, at);
        }

        /** A double-quoted string with Go's escapes: \" \\ \n \t \r \xNN (ASCII). */
        String quoted(String what) {
            skipBlanks();
            if (at >= line.length() || line.charAt(at) != '"') {
                throw error("expected " + what + " in double quotes");
            }
            at++;
            StringBuilder text = new StringBuilder();
            while (at < line.length()) {
                char c = line.charAt(at++);
                if (c == '"') {
                    return text.toString();
                }
                if (c != '\\') {
                    text.append(c);
                    continue;
                }
                if (at >= line.length()) {
                    break;
                }
                char escaped = line.charAt(at++);
                switch (escaped) {
                    case '"', '\\', '\'' -> text.append(escaped);
                    case 'n' -> text.append('\n');
                    case 't' -> text.append('\t');
                    case 'r' -> text.append('\r');
                    case 'x' -> {
                        if (at + 2 > line.length()) {
                            throw error("\\x needs two hex digits");
                        }
                        int code;
                        try {
                            code = Integer.parseInt(line.substring(at, at + 2), 16);
                        } catch (NumberFormatException e) {
                            throw error("\\x needs two hex digits");
                        }
                        if (code > 0x7f) {
                            // Keys and values are the UTF-8 of the text, so a lone byte above 0x7f has no spelling.
                            throw error("\\x above 7f is not supported: write the character itself");
                        }
                        text.append((char) code);
                        at += 2;
                    }
                    default -> throw error("unknown escape \\" + escaped);
                }
            }
            throw error(what + " has no closing double quote");
        }

        private SyntaxException error(String problem) {
            return new SyntaxException(number, problem + " at column " + (at + 1) + ": " + line);
        }
    }
}
