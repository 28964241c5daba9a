package io.modelvitals.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding: bytes that are not valid UTF-8 are reported, not silently replaced. */
final class Utf8 {
    private Utf8() {}

    /** The text, or null when the bytes are not valid UTF-8. */
    static String decodeOrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * JSON text with every lone surrogate written as a JSON escape (backslash, u, four hex digits). JSON can carry one
     * (the escape of U+D800 alone is a valid string) but UTF-8 cannot: a strict encoder fails on it (a replay's output files) and a lenient one
     * writes '?' (Kafka's), losing the id. Escaped, the output is valid UTF-8 and reads back as the same string. Only
     * strings hold such characters, so the escape always lands inside a JSON string.
     */
    static String escapeLoneSurrogates(String json) {
        StringBuilder out = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            boolean lone = Character.isHighSurrogate(c)
                    ? i + 1 >= json.length() || !Character.isLowSurrogate(json.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(json.charAt(i - 1)));
            if (lone && out == null) out = new StringBuilder(json.length() + 8).append(json, 0, i);
            if (out == null) continue;
            if (lone) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out == null ? json : out.toString();
    }
}
