package io.tern.cli;

import io.tern.client.TernClient;
import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code tern role add|delete|get|list|grant-permission|revoke-permission}: etcd's roles, printed as
 * etcdctl prints them. Keys name ranges as {@code get} and {@code del} do ({@link KeyRangeArguments}).
 */
@Command(name = "role", showDefaultValues = true,
        description = {"Add, delete, list and inspect roles, and grant them permissions on keys.",
                "A permission is read, write or readwrite on one key, a range [KEY, END), a prefix (--prefix) or "
                        + "every key from KEY on (--from-key). The role root may do everything. While "
                        + "authentication is on, only a user with the root role may change roles."},
        subcommands = {RoleCommand.Add.class, RoleCommand.Delete.class, RoleCommand.Get.class, RoleCommand.ListRoles.class,
                RoleCommand.GrantPermission.class, RoleCommand.RevokePermission.class})
final class RoleCommand {

    @Mixin
    HelpOption help;

    /** etcdctl's words for the permission types: read, write, readwrite (any case). */
    static final class TypeConverter implements ITypeConverter<Permission.Type> {
        @Override
        public Permission.Type convert(String value) {
            try {
                return Permission.Type.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a permission: read, write or readwrite");
            }
        }
    }

    /** The keys named by KEY, END, --prefix and --from-key, as {@code get} names them; a usage error if they clash. */
    static KeyRange range(CommandSpec spec, String key, String end, boolean prefix, boolean fromKey) {
        try {
            return KeyRangeArguments.range(key, end, prefix, fromKey);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Command(name = "add", showDefaultValues = true, description = {"Add a role, with no permissions.",
            "Prints 'Role NAME created'."})
    static final class Add extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The role.")
        String name;

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.auth().roleAdd(name);
            out.println("Role " + name + " created");
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", showDefaultValues = true,
            description = {"Delete a role; the users who had it lose it at once.", "Prints 'Role NAME deleted'."})
    static final class Delete extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The role.")
        String name;

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.auth().roleDelete(name);
            out.println("Role " + name + " deleted");
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", showDefaultValues = true,
            description = {"Show a role's permissions.",
                    "Prints 'Role NAME', then under 'KV Read:' and 'KV Write:' one line per key or range, as "
                            + "etcdctl does: KEY, [KEY, END), [KEY, <open ended>, with (prefix KEY) for a prefix."})
    static final class Get extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The role.")
        String name;

        @Override
        int run(TernClient tern, PrintWriter out) {
            List<Permission> permissions = tern.auth().roleGet(name);
            out.println("Role " + name);
            out.println("KV Read:");
            permissions.stream().filter(p -> p.type().allows(Permission.Type.READ))
                    .forEach(p -> out.println("\t" + describe(p.range())));
            out.println("KV Write:");
            permissions.stream().filter(p -> p.type().allows(Permission.Type.WRITE))
                    .forEach(p -> out.println("\t" + describe(p.range())));
            return ExitCodes.OK;
        }

        /** A permission's keys as etcdctl prints them: KEY, [KEY, END) (prefix KEY), [KEY, <open ended>. */
        static String describe(KeyRange range) {
            if (range.isSingleKey() || range.isOpenEnded()) {
                return span(range);
            }
            boolean prefix = Arrays.equals(KeyRange.prefixEnd(range.key()), range.rangeEnd());
            return span(range) + (prefix ? " (prefix " + Values.show(range.key()) + ")" : "");
        }
    }

    /** KEY, [KEY, END) or [KEY, <open ended>. */
    static String span(KeyRange range) {
        String key = Values.show(range.key());
        if (range.isSingleKey()) {
            return key;
        }
        return "[" + key + ", " + (range.isOpenEnded() ? "<open ended>" : Values.show(range.rangeEnd()) + ")");
    }

    @Command(name = "list", showDefaultValues = true, description = {"List the roles, one a line, sorted."})
    static final class ListRoles extends ClientCommand {

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.auth().roleList().forEach(out::println);
            return ExitCodes.OK;
        }
    }

    @Command(name = "grant-permission", showDefaultValues = true,
            description = {"Let a role read, write or both on a key or range (replacing its permission on the "
                    + "same range).", "Prints 'Role NAME updated'."})
    static final class GrantPermission extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The role.")
        String name;

        @Parameters(index = "1", paramLabel = "read|write|readwrite", converter = TypeConverter.class,
                description = "What the role may do.")
        Permission.Type type;

        @Parameters(index = "2", paramLabel = "KEY", description = "The key, or the start of the range.")
        String key;

        @Parameters(index = "3", arity = "0..1", paramLabel = "END", description = "The end of the range (exclusive).")
        String end;

        @Option(names = "--prefix", description = "Every key that starts with KEY.")
        boolean prefix;

        @Option(names = "--from-key", description = "Every key from KEY on (in byte order).")
        boolean fromKey;

        private KeyRange range;

        @Override
        void validate() {
            range = range(spec, key, end, prefix, fromKey);
        }

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.auth().roleGrantPermission(name, new Permission(type, range));
            out.println("Role " + name + " updated");
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke-permission", showDefaultValues = true,
            description = {"Take from a role its permission on exactly this key or range, at once.",
                    "Prints 'Permission of key KEY is revoked from role NAME' (or of range [KEY, END))."})
    static final class RevokePermission extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The role.")
        String name;

        @Parameters(index = "1", paramLabel = "KEY", description = "The key, or the start of the range.")
        String key;

        @Parameters(index = "2", arity = "0..1", paramLabel = "END", description = "The end of the range (exclusive).")
        String end;

        @Option(names = "--prefix", description = "Every key that starts with KEY.")
        boolean prefix;

        @Option(names = "--from-key", description = "Every key from KEY on (in byte order).")
        boolean fromKey;

        private KeyRange range;

        @Override
        void validate() {
            range = range(spec, key, end, prefix, fromKey);
        }

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.auth().roleRevokePermission(name, range);
            out.println("Permission of " + (range.isSingleKey() ? "key " : "range ") + span(range)
                    + " is revoked from role " + name);
            return ExitCodes.OK;
        }
    }
}
