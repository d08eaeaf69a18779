package io.tern.cli;

import io.tern.client.AuthStatus;
import io.tern.client.TernClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tern auth enable|disable|status}: the switch of authentication, printed as etcdctl prints it. */
@Command(name = "auth", showDefaultValues = true,
        description = {"Turn authentication on or off, or show whether it is on.",
                "Turning it on needs a user root with the role root: 'tern user add root', "
                        + "'tern user grant-role root root'. From then on every request needs --user (or a client "
                        + "certificate naming a user) and is checked against the user's roles."},
        subcommands = {AuthCommand.Enable.class, AuthCommand.Disable.class, AuthCommand.Status.class})
final class AuthCommand {

    @Mixin
    HelpOption help;

    @Command(name = "enable", showDefaultValues = true,
            description = {"Turn authentication on.", "Prints 'Authentication Enabled'."})
    static final class Enable extends ClientCommand {

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.auth().enable();
            out.println("Authentication Enabled");
            return ExitCodes.OK;
        }
    }

    @Command(name = "disable", showDefaultValues = true,
            description = {"Turn authentication off (root only): everyone may do everything again.",
                    "Prints 'Authentication Disabled'."})
    static final class Disable extends ClientCommand {

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.auth().disable();
            out.println("Authentication Disabled");
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", showDefaultValues = true,
            description = {"Show whether authentication is on.",
                    "Prints 'Authentication Status: true|false' and 'AuthRevision: N', the revision of the last "
                            + "change to users, roles or the switch."})
    static final class Status extends ClientCommand {

        @Override
        int run(TernClient tern, PrintWriter out) {
            AuthStatus status = tern.auth().status();
            out.println("Authentication Status: " + status.enabled());
            out.println("AuthRevision: " + status.authRevision());
            return ExitCodes.OK;
        }
    }
}
