package io.tern.kv;

/** How a range orders its answer; the codes are etcd's. {@link #NONE} is key order, ascending. */
public enum SortOrder {
    NONE(0), ASCEND(1), DESCEND(2);

    private final int code;

    SortOrder(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The order with {@code code}, or {@code null} if there is none. */
    public static SortOrder fromCode(int code) {
        for (SortOrder order : values()) {
            if (order.code == code) {
                return order;
            }
        }
        return null;
    }
}
