package io.tern.cli;

import io.tern.client.TernClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tern user add|delete|get|list|passwd|grant-role|revoke-role}: etcd's users, printed as etcdctl prints them. */
@Command(name = "user", showDefaultValues = true,
        description = {"Add, delete, list and inspect users, set their passwords and grant them roles.",
                "While authentication is on, only a user with the root role may (--user root:PASSWORD)."},
        subcommands = {UserCommand.Add.class, UserCommand.Delete.class, UserCommand.Get.class, UserCommand.ListUsers.class,
                UserCommand.Passwd.class, UserCommand.GrantRole.class, UserCommand.RevokeRole.class})
final class UserCommand {

    @Mixin
    HelpOption help;

    @Command(name = "add", showDefaultValues = true,
            description = {"Add a user.", "Without :PASSWORD (or --new-user-password) the password is asked for, "
                    + "or read as one line of standard input. Prints 'User NAME created'."})
    static final class Add extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME[:PASSWORD]", description = "The user, and its password.")
        String user;

        @Option(names = "--new-user-password", paramLabel = "PASSWORD",
                description = "The password, when NAME has none (a NAME with a colon in it then stays whole).")
        String newUserPassword;

        @Option(names = "--no-password", description = "The user has no password: only a client certificate "
                + "whose common name is NAME can act as it (--client-cert-auth).")
        boolean noPassword;

        private UserPassword credentials;

        @Override
        void validate() {
            if (noPassword && newUserPassword != null) {
                throw new ParameterException(spec.commandLine(), "--no-password and --new-user-password exclude each other");
            }
            if (noPassword || newUserPassword != null) {
                credentials = new UserPassword(user, noPassword ? "" : newUserPassword);
            } else {
                credentials = UserPassword.parse(user, "NAME");
            }
            if (credentials.name().isEmpty()) {
                throw new ParameterException(spec.commandLine(), "the user name is empty");
            }
        }

        @Override
        int run(TernClient tern, PrintWriter out) {
            if (noPassword) {
                tern.auth().userAddWithoutPassword(credentials.name());
            } else {
                tern.auth().userAdd(credentials.name(), credentials.password());
            }
            out.println("User " + credentials.name() + " created");
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", showDefaultValues = true,
            description = {"Delete a user; its tokens stop working at once.", "Prints 'User NAME deleted'."})
    static final class Delete extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The user.")
        String name;

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.auth().userDelete(name);
            out.println("User " + name + " deleted");
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", showDefaultValues = true,
            description = {"Show a user's roles.", "Prints 'User: NAME' and 'Roles: ROLE...'."})
    static final class Get extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The user.")
        String name;

        @Override
        int run(TernClient tern, PrintWriter out) {
            List<String> roles = tern.auth().userGet(name);
            out.println("User: " + name);
            out.println("Roles: " + String.join(" ", roles));
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", showDefaultValues = true, description = {"List the users, one a line, sorted."})
    static final class ListUsers extends ClientCommand {

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.auth().userList().forEach(out::println);
            return ExitCodes.OK;
        }
    }

    @Command(name = "passwd", showDefaultValues = true,
            description = {"Set a user's password; its tokens stop working at once.",
                    "Without :PASSWORD the password is asked for, or read as one line of standard input. "
                            + "Prints 'Password updated'."})
    static final class Passwd extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME[:PASSWORD]", description = "The user, and its new password.")
        String user;

        private UserPassword credentials;

        @Override
        void validate() {
            credentials = UserPassword.parse(user, "NAME");
        }

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.auth().userChangePassword(credentials.name(), credentials.password());
            out.println("Password updated");
            return ExitCodes.OK;
        }
    }

    @Command(name = "grant-role", showDefaultValues = true,
            description = {"Give a user a role.", "Prints 'Role ROLE is granted to user NAME'."})
    static final class GrantRole extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The user.")
        String name;

        @Parameters(index = "1", paramLabel = "ROLE", description = "The role (root: everything).")
        String role;

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.auth().userGrantRole(name, role);
            out.println("Role " + role + " is granted to user " + name);
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke-role", showDefaultValues = true,
            description = {"Take a role from a user, at once.", "Prints 'Role ROLE is revoked from user NAME'."})
    static final class RevokeRole extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The user.")
        String name;

        @Parameters(index = "1", paramLabel = "ROLE", description = "The role.")
        String role;

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.auth().userRevokeRole(name, role);
            out.println("Role " + role + " is revoked from user " + name);
            return ExitCodes.OK;
        }
    }
}
