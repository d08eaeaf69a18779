package io.tern.kv;

/** What a sorted range compares; the codes are etcd's. Ties keep key order. */
public enum SortTarget {
    KEY(0), VERSION(1), CREATE(2), MOD(3), VALUE(4);

    private final int code;

    SortTarget(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The target with {@code code}, or {@code null} if there is none. */
    public static SortTarget fromCode(int code) {
        for (SortTarget target : values()) {
            if (target.code == code) {
                return target;
            }
        }
        return null;
    }
}
