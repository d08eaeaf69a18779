package io.tern.raft.transport;

import io.tern.platform.StageTrace;
import io.tern.platform.StageTrace.Stage;
import io.tern.raft.core.Message;

/**
 * The {@link StageTrace} marks of peer messages on a write's way (AppendEntries, their successes, a
 * follower's ProposeRequest), keyed by the other member; heartbeats, votes and the rest mark nothing.
 */
public final class MessageStages {

    public enum Step { SENT, RECEIVED, STEPPED }

    private MessageStages() {
    }

    public static void mark(Message message, Step step) {
        if (!StageTrace.ON) {
            return;
        }
        Stage[] stages = switch (message) {
            case Message.AppendEntries ignored ->
                    new Stage[] {Stage.APPEND_SENT, Stage.APPEND_RECEIVED, Stage.APPEND_STEPPED};
            case Message.AppendEntriesResponse response when response.success() ->
                    new Stage[] {Stage.ACK_SENT, Stage.ACK_RECEIVED, Stage.ACK_STEPPED};
            case Message.ProposeRequest ignored ->
                    new Stage[] {Stage.PROPOSE_SENT, Stage.PROPOSE_RECEIVED, Stage.PROPOSE_STEPPED};
            default -> null;
        };
        if (stages != null) {
            StageTrace.mark(stages[step.ordinal()], step == Step.SENT ? message.to() : message.from());
        }
    }
}
