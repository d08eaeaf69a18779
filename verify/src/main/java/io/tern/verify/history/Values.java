package io.tern.verify.history;

/** How a value, which may be absent, is shown to a person. */
public final class Values {

    /** The text shown for an absent key. */
    public static final String ABSENT = "<absent>";

    private Values() {
    }

    public static String show(String value) {
        return value == null ? ABSENT : value;
    }
}
