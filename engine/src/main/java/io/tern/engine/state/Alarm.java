package io.tern.engine.state;

import java.util.Objects;

/**
 * A cluster-wide alarm that a member raised through the replicated log, as etcd's are: every member
 * applies it, snapshots carry it and restarts keep it, until it is cleared (by the member that raised
 * it, or an operator) or its member is removed from the cluster.
 *
 * @param memberId the member the alarm is about
 * @param type     what is wrong
 * @param detail   one line for operators and refused clients, as the member put it when it raised the alarm
 */
public record Alarm(long memberId, Type type, String detail) {

    /** The kinds of alarm. Codes are stored in the log and the state: a code never changes meaning. */
    public enum Type {
        /** The member's data directory has less free space than its reserve: new writes are refused. */
        NOSPACE(1);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** The type with this code, or {@code null} if there is none. */
        public static Type fromCode(int code) {
            for (Type type : values()) {
                if (type.code == code) {
                    return type;
                }
            }
            return null;
        }
    }

    public Alarm {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detail, "detail");
    }
}
