package io.tern.cli;

import io.tern.client.NotLeaderException;
import io.tern.client.OutcomeUnknownException;
import io.tern.client.PermissionDeniedException;
import io.tern.client.RequestRefusedException;
import io.tern.client.ServerErrorException;
import io.tern.client.TernException;
import io.tern.client.UnauthenticatedException;
import io.tern.client.UnavailableException;
import io.tern.client.concurrency.SessionExpiredException;
import io.tern.client.protocol.AuthMessages;
import io.tern.client.protocol.ProtocolException;
import io.tern.engine.StorageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one place where a failure becomes a one-line message on stderr and an exit code (see
 * {@link ExitCodes}). Every message starts with the command's full name ({@code tern get: },
 * {@code tern member add: }); {@code --verbose} adds the stack trace.
 */
public final class CliErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {

    /** An exit code and the message that explains it. */
    public record Failure(int exitCode, String message) {
    }

    /** Installs both handlers on {@code commandLine} (they apply to its subcommands too). */
    public static CommandLine install(CommandLine commandLine) {
        CliErrors errors = new CliErrors();
        return commandLine.setParameterExceptionHandler(errors).setExecutionExceptionHandler(errors);
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        // Some of picocli's messages start with "Error: ", which the name already says.
        String text = FlagDefaults.explain(command, oneLine(ex.getMessage()).replaceFirst("^Error: ", ""));
        StringBuilder message = new StringBuilder(name).append(": ").append(text);
        if (ex instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                message.append(" (did you mean ").append(String.join(" or ", suggestions)).append("?)");
            }
        }
        message.append(" (see '").append(name).append(" --help')");
        PrintWriter err = command.getErr();
        err.println(message);
        err.flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        Failure failure = classify(ex);
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + failure.message());
        if (command.getParseResult().hasMatchedOption("--verbose")) {
            ex.printStackTrace(err);
        }
        err.flush();
        return failure.exitCode();
    }

    /** What {@code error} means to the user of the CLI. */
    public static Failure classify(Throwable error) {
        Throwable cause = unwrap(error);
        String detail = oneLine(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        return switch (cause) {
            case TernException tern -> switch (tern) {
                case UnavailableException u -> new Failure(ExitCodes.UNAVAILABLE, "unavailable: " + detail);
                case NotLeaderException n -> new Failure(ExitCodes.UNAVAILABLE, detail);
                case OutcomeUnknownException o ->
                        new Failure(ExitCodes.OUTCOME_UNKNOWN, "timed out, the outcome is unknown: " + detail);
                case UnauthenticatedException u -> new Failure(ExitCodes.DENIED, "unauthenticated: " + detail
                        + (detail.endsWith(AuthMessages.USER_EMPTY) ? " (authentication is on: give --user NAME:PASSWORD)" : ""));
                case PermissionDeniedException p -> new Failure(ExitCodes.DENIED, "permission denied: " + detail);
                case RequestRefusedException r ->
                        new Failure(ExitCodes.REFUSED, "refused (" + r.status() + "): " + detail);
                case ServerErrorException s -> new Failure(ExitCodes.REFUSED, "server error: " + detail);
            };
            case ProtocolException p -> new Failure(ExitCodes.REFUSED, "refused (" + p.status() + "): " + detail);
            case IOException io -> new Failure(ExitCodes.UNAVAILABLE, "cannot connect: " + detail);
            case SessionExpiredException lost -> new Failure(ExitCodes.UNAVAILABLE, "session expired: " + detail);
            case StorageException storage -> new Failure(ExitCodes.REFUSED, detail);
            case IllegalArgumentException bad -> new Failure(ExitCodes.USAGE, detail);
            default -> new Failure(ExitCodes.REFUSED, "internal error: " + cause.getClass().getSimpleName() + ": " + detail);
        };
    }

    private static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException
                || current instanceof UncheckedIOException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** {@code text} with every run of line breaks and surrounding blanks folded to one space. */
    static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
