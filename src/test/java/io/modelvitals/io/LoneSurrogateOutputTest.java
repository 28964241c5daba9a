package io.modelvitals.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.Origin;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A string JSON can carry but UTF-8 cannot: written as an escape, read back as itself. */
class LoneSurrogateOutputTest {
    @Test
    void aLoneSurrogateInADeadLetterIsEscapedAndReadsBackTheSame() throws Exception {
        String reason = "duplicate prediction_id '\ud800x\udc00' and a pair \ud83d\ude00 kept";
        DeadLetter d = new DeadLetter(reason, new Origin("predictions", 0, 7), null, null);
        String line = OutputJson.line(OutputJson.deadLetter(d));
        // Both lone halves escaped (lower-case hex, as Jackson writes escapes); the emoji's pair kept as it is.
        assertEquals(
                "{\"reason\":\"duplicate prediction_id '\\ud800x\\udc00' and a pair \ud83d\ude00 kept\","
                        + "\"origin\":{\"topic\":\"predictions\",\"partition\":0,\"offset\":7}}",
                line);
        // Strict UTF-8 encoding no longer fails, and the Kafka bytes are the same text.
        byte[] bytes = StandardCharsets.UTF_8
                .newEncoder()
                .encode(java.nio.CharBuffer.wrap(line))
                .array();
        assertArrayEquals(line.getBytes(StandardCharsets.UTF_8), OutputJson.deadLetterBytes(d));
        assertEquals(
                reason,
                new ObjectMapper()
                        .readTree(OutputJson.deadLetterBytes(d))
                        .path("reason")
                        .asText());
        assertEquals(true, bytes.length > 0);
    }

    @Test
    void textWithoutLoneSurrogatesIsLeftAsItIs() {
        String text = "{\"a\":\"caf\u00e9 \ud83d\ude00\"}";
        assertEquals(text, Utf8.escapeLoneSurrogates(text));
        assertEquals("\\udc00\\ud800", Utf8.escapeLoneSurrogates("\udc00\ud800"), "reversed halves are two lone ones");
        assertEquals("a\\ud83d", Utf8.escapeLoneSurrogates("a\ud83d"), "a high half at the end");
    }
}
