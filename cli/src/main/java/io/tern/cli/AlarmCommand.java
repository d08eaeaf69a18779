package io.tern.cli;

import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tern alarm list|disarm}: the alarms raised through the log, as etcdctl's {@code alarm}. */
@Command(name = "alarm", showDefaultValues = true,
        description = {"List the cluster's alarms, or clear them.",
                "A member whose data directory has less free space than its --disk-reserve-bytes raises a "
                        + "NOSPACE alarm, and while any alarm is raised every member refuses new writes "
                        + "(NO_SPACE). The member clears its alarm itself once it has room again; removing "
                        + "the member clears it too."},
        subcommands = {AlarmCommand.ListAlarms.class, AlarmCommand.Disarm.class})
final class AlarmCommand {

    @Mixin
    HelpOption help;

    private static List<ServerStatus.Alarm> raised(TernClient tern) {
        return StatusCommand.parse(tern.status()).alarms();
    }

    @Command(name = "list", showDefaultValues = true,
            description = {"Print the alarms in force, one per line: 'MEMBER<TAB>ALARM<TAB>DETAIL'.",
                    "Prints nothing when no alarm is raised."})
    static final class ListAlarms extends ClientCommand {

        @Override
        int run(TernClient tern, PrintWriter out) {
            for (ServerStatus.Alarm alarm : raised(tern)) {
                out.println(alarm.memberId() + "\t" + alarm.alarm() + "\t" + alarm.detail());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "disarm", showDefaultValues = true,
            description = {"Clear member ID's NOSPACE alarm, or every alarm in force when no ID is given.",
                    "Prints 'OK member=ID alarm=NOSPACE revision=N' for each alarm cleared. A member whose "
                            + "disk is still below its reserve raises its alarm again within a second; make "
                            + "room first, or remove the member if it is gone for good."})
    static final class Disarm extends ClientCommand {

        @Parameters(index = "0", arity = "0..1", paramLabel = "ID",
                description = "The member whose alarm to clear; all alarms if omitted.")
        Long id;

        @Override
        void validate() {
            if (id != null) {
                MemberCommand.checkId(spec, id);
            }
        }

        @Override
        int run(TernClient tern, PrintWriter out) {
            List<Long> members = id != null ? List.of(id)
                    : raised(tern).stream().map(ServerStatus.Alarm::memberId).distinct().toList();
            for (long member : members) {
                long revision = tern.alarmDisarm(member);
                out.println("OK member=" + member + " alarm=NOSPACE revision=" + revision);
            }
            return ExitCodes.OK;
        }
    }
}
