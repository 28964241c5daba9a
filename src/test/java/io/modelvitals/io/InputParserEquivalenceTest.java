package io.modelvitals.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelvitals.events.InputRecord;
import io.modelvitals.events.Origin;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The streaming pass gives what the tree gives. Random records of every kind — fields missing, of every JSON type,
 * empty, too long, with control characters, given twice, unknown, in any order, truncated — are parsed with and
 * without it; the results (event or dead letter, field by field) must be equal, and the streaming pass must have
 * accepted a good share of them, so the comparison is not empty.
 */
class InputParserEquivalenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Origin ORIGIN = new Origin("t", 0, 1);
    private static final long SKEW = 86_400_000L;
    private static final String LONG = "x".repeat(InputParser.MAX_STRING_LENGTH + 1);
    private static final String FUTURE = String.valueOf(System.currentTimeMillis() + 10 * SKEW);

    private static final List<String> STRINGS = List.of(
            "\"p1\"",
            "\"cat\"",
            "\"1\"",
            "\"\"",
            "\"a\\u0001b\"",
            "\"" + LONG + "\"",
            "7",
            "1.5",
            "null",
            "{\"x\":1}",
            "[1]",
            "true",
            "\"prediction\"",
            "\"é✓\"");
    private static final List<String> TIMES = List.of(
            "1767225600000",
            "\"2026-01-01T00:00:00Z\"",
            "\"2026-01-01T00:00:00.5Z\"",
            "\"yesterday\"",
            "-5",
            "0",
            "1.5",
            "null",
            "99999999999999999999",
            "\"+1000000000-01-01T00:00:00Z\"",
            FUTURE,
            "\"x\"",
            "{}");
    private static final List<String> NUMBERS = List.of(
            "0.5",
            "1",
            "0",
            "1e400",
            "-1",
            "2",
            "12.5",
            "\"x\"",
            "null",
            "12345678901234567890",
            "1E-3",
            "[0.5]",
            "-0.0");
    private static final List<String> SEGMENTS = List.of(
            "{\"country\":\"US\"}",
            "{\"country\":\"US\",\"device\":\"ios\"}",
            "{\"country\":\"\"}",
            "{\"c\":1}",
            "{\"c\":\"x\\u0000\"}",
            "{}",
            "null",
            "\"US\"",
            "{\"c\":\"a\",\"c\":\"b\"}",
            "{\"" + LONG + "\":\"v\"}",
            "{\"c\":\"" + LONG + "\"}",
            "{\"c\":{\"d\":\"e\"}}",
            "{\"\":\"v\"}");
    private static final List<String> SCORES = List.of(
            "{\"a\":0.7,\"b\":0.3}",
            "{\"a\":\"high\"}",
            "{\"a\":1.5}",
            "{}",
            "null",
            "[]",
            "{\"a\":1e400}",
            "{\"a\":0.2,\"a\":0.9}",
            "{\"\\u0001\":0.5}");
    private static final List<String> UNKNOWN =
            List.of("true", "{\"deep\":[1,{\"a\":null}]}", "\"x\"", "[[[]]]", "null");

    private static Map<String, List<String>> fields(InputParser.Kind kind) {
        switch (kind) {
            case PREDICTION:
                return Map.ofEntries(
                        Map.entry("prediction_id", STRINGS),
                        Map.entry("model", STRINGS),
                        Map.entry("version", STRINGS),
                        Map.entry("ts", TIMES),
                        Map.entry("label", STRINGS),
                        Map.entry("value", NUMBERS),
                        Map.entry("error", STRINGS),
                        Map.entry("score", NUMBERS),
                        Map.entry("scores", SCORES),
                        Map.entry("latency_ms", NUMBERS),
                        Map.entry("segment", SEGMENTS));
            case LABEL:
                return Map.of(
                        "prediction_id", STRINGS, "ts", TIMES, "label", STRINGS, "value", NUMBERS, "segment", SEGMENTS);
            default:
                return Map.of(
                        "event_id",
                        STRINGS,
                        "ts",
                        TIMES,
                        "type",
                        STRINGS,
                        "prediction_id",
                        STRINGS,
                        "model",
                        STRINGS,
                        "version",
                        STRINGS,
                        "value",
                        NUMBERS,
                        "label",
                        STRINGS);
        }
    }

    /** A random record: each field mostly from the first (valid) values of its list, sometimes any, sometimes twice. */
    private static String record(Random random, InputParser.Kind kind) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<String>> f : fields(kind).entrySet()) {
            if (random.nextInt(10) == 0) continue;
            List<String> values = f.getValue();
            boolean valid = random.nextInt(4) != 0;
            parts.add("\"" + f.getKey() + "\":"
                    + (valid
                            ? values.get(random.nextInt(Math.min(3, values.size())))
                            : values.get(random.nextInt(values.size()))));
            if (random.nextInt(40) == 0)
                parts.add("\"" + f.getKey() + "\":" + values.get(random.nextInt(values.size())));
        }
        if (random.nextInt(5) == 0) parts.add("\"extra\":" + UNKNOWN.get(random.nextInt(UNKNOWN.size())));
        Collections.shuffle(parts, random);
        String json = "{" + String.join(",", parts) + "}";
        switch (random.nextInt(40)) {
            case 0:
                return json + " trailing";
            case 1:
                return json.substring(0, random.nextInt(json.length()));
            case 2:
                return "[" + json + "]";
            case 3:
                return json + json;
            default:
                return random.nextBoolean() ? json : " " + json + "\n";
        }
    }

    private static JsonNode parsed(InputParser parser, InputParser.Kind kind, String json) {
        InputRecord r = parser.parse(kind, json.getBytes(StandardCharsets.UTF_8), ORIGIN);
        return JSON.valueToTree(r);
    }

    @ParameterizedTest
    @EnumSource(InputParser.Kind.class)
    void theStreamingPassGivesWhatTheTreeGives(InputParser.Kind kind) {
        InputParser tree = new InputParser(SKEW, 1_048_576, false);
        InputParser both = new InputParser(SKEW, 1_048_576, true);
        StreamingInputParser streaming = new StreamingInputParser(new ObjectMapper().getFactory(), SKEW);
        Random random = new Random(20261123L + kind.ordinal());
        int accepted = 0, total = 20_000;
        for (int i = 0; i < total; i++) {
            String json = record(random, kind);
            JsonNode expected = parsed(tree, kind, json);
            assertEquals(expected, parsed(both, kind, json), json);
            if (streaming.tryParse(kind, json.getBytes(StandardCharsets.UTF_8), ORIGIN) != null) {
                accepted++;
                assertTrue(
                        expected.path("deadLetter").isNull(),
                        "the streaming pass accepted what the tree refuses: " + json);
            }
        }
        assertTrue(accepted > total / 50, "the streaming pass accepted " + accepted + " of " + total);
    }

    /** Records as model servers write them: all taken by the streaming pass, and read as the tree reads them. */
    @ParameterizedTest
    @EnumSource(InputParser.Kind.class)
    void wellFormedRecordsTakeTheStreamingPass(InputParser.Kind kind) {
        InputParser tree = new InputParser(SKEW, 1_048_576, false);
        StreamingInputParser streaming = new StreamingInputParser(new ObjectMapper().getFactory(), SKEW);
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            String id = "\"p" + i + "\"";
            String ts = random.nextBoolean()
                    ? String.valueOf(1_767_225_600_000L + i)
                    : "\"2026-01-01T00:00:0" + (i % 10) + ".25Z\"";
            String output = random.nextBoolean()
                    ? "\"label\":\"" + "abc".charAt(i % 3) + "\""
                    : "\"value\":" + (random.nextGaussian() * 100);
            String json;
            switch (kind) {
                case PREDICTION:
                    json = "{\"prediction_id\":" + id + ",\"model\":\"m" + (i % 4) + "\",\"version\":\"v1\",\"ts\":"
                            + ts + "," + output
                            + ",\"score\":" + random.nextDouble()
                            + ",\"scores\":{\"a\":0.25,\"b\":0.75},\"latency_ms\":" + random.nextInt(500)
                            + ",\"segment\":{\"country\":\"US\",\"device\":\"ios\"},\"request\":{\"features\":[1,2,3]}}";
                    break;
                case LABEL:
                    json = "{\"prediction_id\":" + id + ",\"ts\":" + ts + "," + output + "}";
                    break;
                default:
                    json = "{\"event_id\":\"e" + i + "\",\"prediction_id\":" + id + ",\"type\":\"play\",\"ts\":" + ts
                            + (random.nextBoolean() ? ",\"value\":" + random.nextInt(300) : "") + "}";
            }
            InputRecord fast = streaming.tryParse(kind, json.getBytes(StandardCharsets.UTF_8), ORIGIN);
            assertTrue(fast != null, "not taken by the streaming pass: " + json);
            assertEquals(parsed(tree, kind, json), JSON.valueToTree(fast), json);
        }
    }
}
