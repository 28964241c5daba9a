package io.modelvitals.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.modelvitals.events.VitalRecord;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vitals' Kafka value, written straight to a generator, is byte for byte the JSON of {@link OutputJson#vital}. */
class OutputJsonTest {
    private static final double[] NUMBERS = {
        0.0,
        -0.0,
        1.0,
        0.1 + 0.2,
        1e-300,
        1.7976931348623157e308,
        -42.5,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        123456789.0,
        0.9999999999999999
    };
    private static final String[] STRINGS = {
        null, "m", "country=US", "é ✓ \"quoted\" \\ back", "\u001f", "", "m😀", "country=🇺🇸", "lone \uD800 surrogate"
    };

    @Test
    void streamingBytesEqualTheTreesJson() {
        Random random = new Random(3);
        for (int i = 0; i < 5_000; i++) {
            VitalRecord v = new VitalRecord();
            v.model = STRINGS[random.nextInt(STRINGS.length)];
            v.version = STRINGS[random.nextInt(STRINGS.length)];
            v.segment = STRINGS[random.nextInt(STRINGS.length)];
            v.vital = STRINGS[random.nextInt(STRINGS.length)];
            v.cls = STRINGS[random.nextInt(STRINGS.length)];
            v.predictedCls = STRINGS[random.nextInt(STRINGS.length)];
            v.reference = STRINGS[random.nextInt(STRINGS.length)];
            v.value = NUMBERS[random.nextInt(NUMBERS.length)];
            v.n = random.nextLong();
            v.windowStart = random.nextInt();
            v.windowEnd = random.nextLong();
            if (random.nextBoolean()) v.numerator = NUMBERS[random.nextInt(NUMBERS.length)];
            if (random.nextBoolean()) v.pValue = NUMBERS[random.nextInt(NUMBERS.length)];
            if (random.nextBoolean()) v.met = random.nextBoolean();
            if (random.nextBoolean()) {
                v.ciLower = NUMBERS[random.nextInt(NUMBERS.length)];
                if (random.nextInt(10) > 0) v.ciUpper = NUMBERS[random.nextInt(NUMBERS.length)];
            }
            // The tree path's Kafka value: its JSON text as UTF-8 (a lone surrogate becomes '?').
            byte[] expected = OutputJson.line(OutputJson.vital(v)).getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(expected, OutputJson.vitalBytes(v), OutputJson.line(OutputJson.vital(v)));
        }
    }
}
