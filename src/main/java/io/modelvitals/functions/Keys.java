package io.modelvitals.functions;

/**
 * String keys of the second aggregation phase. Strings hash and compare fast and need no serializer of our own;
 * the parts are joined with the unit separator, which no model name, version or segment contains.
 */
public final class Keys {
    private static final char SEP = '\u001f';

    private Keys() {}

    public static String[] split(String key) {
        return key.split(String.valueOf(SEP), -1);
    }
}
