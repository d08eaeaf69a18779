package io.tern.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A user's name and password as etcdctl takes them: {@code NAME:PASSWORD} (split at the first colon,
 * so a password may hold colons and a name may not), or {@code NAME} alone and the password asked for:
 * on the terminal without echo, or as one line of standard input when there is no terminal (a script
 * keeps it out of the process list that way).
 */
public record UserPassword(String name, String password) {

    @Override
    public String toString() {
        return "UserPassword[" + name + "]";
    }

    /**
     * @param what what the value is, for the messages ({@code --user}, {@code NAME})
     * @throws IllegalArgumentException with one line when the name is empty or no password comes
     */
    static UserPassword parse(String value, String what) {
        int colon = value.indexOf(':');
        String name = colon < 0 ? value : value.substring(0, colon);
        if (name.isEmpty()) {
            throw new IllegalArgumentException(what + " has an empty user name: give NAME:PASSWORD");
        }
        return new UserPassword(name, colon < 0 ? ask("Password of " + name + ": ") : value.substring(colon + 1));
    }

    /** The password typed on the terminal, or the first line of standard input when there is none. */
    static String ask(String prompt) {
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("%s", prompt);
            if (typed == null) {
                throw new IllegalArgumentException("no password was typed");
            }
            return new String(typed);
        }
        try {
            // Not closed: it is the process's standard input.
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new IllegalArgumentException("no password: give NAME:PASSWORD, or the password on standard input");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the password from standard input", e);
        }
    }
}
