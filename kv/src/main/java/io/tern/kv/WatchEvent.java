package io.tern.kv;

import java.util.Objects;

/**
 * One change of one key, as a watch delivers it (etcd's {@code mvccpb.Event}). A delete's {@code kv}
 * carries the key and the delete's revision as {@code modRevision}, with empty value and zero
 * metadata otherwise.
 *
 * @param prevKv the key before the change, when the watch asked for it and the key existed; otherwise
 *     {@code null}
 */
public record WatchEvent(Type type, VersionedKeyValue kv, VersionedKeyValue prevKv) {

    /** The codes are etcd's {@code Event.EventType}. */
    public enum Type {
        PUT(0), DELETE(1);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Type fromCode(int code) {
            return code == 0 ? PUT : code == 1 ? DELETE : null;
        }
    }

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kv, "kv");
    }

    public long revision() {
        return kv.modRevision();
    }
}
