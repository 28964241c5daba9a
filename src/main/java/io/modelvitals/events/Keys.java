package io.modelvitals.events;

/**
 * String keys of the second aggregation phase. Strings hash and compare fast and need no serializer of our own;
 * the parts are joined with the unit separator, which no model name, version or segment contains.
 */
public final class Keys {
    private static final char SEP = '\u001f';

    private Keys() {}

    /** The parts joined with the separator: {@code of(model, version, slice)}, {@code of(model, slice)}… */
    public static String of(String first, String second) {
        return first + SEP + second;
    }

    public static String of(String first, String second, String third) {
        return first + SEP + second + SEP + third;
    }

    public static String of(String first, String second, String third, String fourth) {
        return first + SEP + second + SEP + third + SEP + fourth;
    }

    /** Any number of parts, e.g. an alert's identity. */
    public static String of(String... parts) {
        return String.join(String.valueOf(SEP), parts);
    }

    public static String[] split(String key) {
        return key.split(String.valueOf(SEP), -1);
    }
}
