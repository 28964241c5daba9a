package io.modelvitals.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.events.InputRecord;
import io.modelvitals.events.Origin;
import io.modelvitals.events.Prediction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InputParserTest {
    private static final Origin ORIGIN = new Origin("predictions", 3, 42);
    private final InputParser parser = new InputParser();

    private InputRecord prediction(String json) {
        return parser.parse(InputParser.Kind.PREDICTION, json.getBytes(StandardCharsets.UTF_8), ORIGIN);
    }

    @Test
    void parsesAFullPrediction() {
        InputRecord r = prediction("{\"prediction_id\":\"p1\",\"model\":\"m\",\"version\":\"v1\",\"ts\":1767225600000,"
                + "\"label\":\"cat\",\"score\":0.7,\"scores\":{\"cat\":0.7,\"dog\":0.3},\"latency_ms\":12.5,"
                + "\"segment\":{\"country\":\"US\"},\"unknown_field\":true}");
        assertNull(r.deadLetter);
        Prediction p = r.prediction;
        assertEquals("p1", p.predictionId);
        assertEquals(1767225600000L, p.ts);
        assertEquals("cat", p.label);
        assertEquals(0.7, p.score);
        assertEquals(Map.of("cat", 0.7, "dog", 0.3), p.scores);
        assertEquals(12.5, p.latencyMs);
        assertEquals(Map.of("country", "US"), p.segment);
        assertEquals(ORIGIN, p.origin);
        assertEquals(1767225600000L, r.eventTime());
    }

    @Test
    void acceptsAnIsoInstantAsTs() {
        InputRecord r = prediction(
                "{\"prediction_id\":\"p1\",\"model\":\"m\",\"version\":\"v1\",\"ts\":\"2026-01-01T00:00:01.500Z\",\"value\":3.5}");
        assertNull(r.deadLetter);
        assertEquals(1767225601500L, r.prediction.ts);
        assertEquals(3.5, r.prediction.value);
    }

    @Test
    void aFailedPredictionNeedsNoOutput() {
        InputRecord r = prediction(
                "{\"prediction_id\":\"p1\",\"model\":\"m\",\"version\":\"v1\",\"ts\":1,\"error\":\"timeout\"}");
        assertNull(r.deadLetter);
        assertEquals("timeout", r.prediction.error);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{not json|not valid JSON",
                "[1,2]|not a JSON object",
                "{\"model\":\"m\",\"version\":\"v\",\"ts\":1,\"label\":\"a\"}|missing required field 'prediction_id'",
                "{\"prediction_id\":\"p\",\"version\":\"v\",\"ts\":1,\"label\":\"a\"}|missing required field 'model'",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"label\":\"a\"}|missing required field 'ts'",
                "{\"prediction_id\":7,\"model\":\"m\",\"version\":\"v\",\"ts\":1,\"label\":\"a\"}|'prediction_id' must be a string",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":\"yesterday\",\"label\":\"a\"}|'ts' is not an ISO-8601 instant",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":-5,\"label\":\"a\"}|'ts' must be epoch milliseconds ≥ 0",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":1.5,\"label\":\"a\"}|'ts' must be epoch milliseconds (integer)",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":1}|exactly one of 'label' (classifier) or 'value' (regressor)",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":1,\"label\":\"a\",\"value\":1}|exactly one of 'label' (classifier) or 'value' (regressor)",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":1,\"value\":1e400}|'value' must be a finite number",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":1,\"label\":\"a\",\"score\":1.2}|'score' must be in [0, 1]",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":1,\"label\":\"a\",\"scores\":{\"a\":\"high\"}}|'scores.a' must be a number",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":1,\"label\":\"a\",\"latency_ms\":-1}|'latency_ms' must be ≥ 0",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":1,\"label\":\"a\",\"segment\":{\"country\":1}}|'segment.country' must be a string",
                "{\"prediction_id\":\"\",\"model\":\"m\",\"version\":\"v\",\"ts\":1,\"label\":\"a\"}|'prediction_id' must not be empty",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":1,\"label\":\"a\"} trailing|not valid JSON",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":1,\"label\":\"a\"}{\"x\":1}|not valid JSON",
                "{\"prediction_id\":\"p\",\"model\":\"m\\u001fv1\",\"version\":\"all\",\"ts\":1,\"label\":\"a\"}|'model' contains a control character",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":1,\"label\":\"a\\nb\"}|'label' contains a control character",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":1,\"label\":\"a\",\"segment\":{\"c\":\"x\\u0000\"}}|'segment.c' contains a control character",
                "{\"prediction_id\":\"p\",\"model\":\"m\",\"version\":\"v\",\"ts\":\"1969-12-31T00:00:00Z\",\"label\":\"a\"}|'ts' must be epoch milliseconds ≥ 0",
            })
    void invalidPredictionsBecomeDeadLettersWithTheirReason(String json, String reason) {
        InputRecord r = prediction(json);
        assertNull(r.prediction);
        assertNotNull(r.deadLetter);
        assertTrue(r.deadLetter.reason.startsWith(reason), r.deadLetter.reason);
        assertEquals(ORIGIN, r.deadLetter.origin);
        assertEquals(json, r.deadLetter.payload);
        assertEquals("utf8", r.deadLetter.payloadEncoding);
        assertEquals(Long.MIN_VALUE, r.eventTime());
    }

    @Test
    void aTimestampTooFarInTheFutureIsRefused() {
        InputParser strict = new InputParser(86_400_000L);
        long inTwoDays = System.currentTimeMillis() + 2 * 86_400_000L;
        String json = "{\"prediction_id\":\"p\",\"ts\":" + inTwoDays + ",\"label\":\"a\"}";
        InputRecord r = strict.parse(InputParser.Kind.LABEL, json.getBytes(StandardCharsets.UTF_8), ORIGIN);
        assertTrue(r.deadLetter.reason.startsWith("'ts' is more than 86400000 ms in the future"), r.deadLetter.reason);
        long inAnHour = System.currentTimeMillis() + 3_600_000L;
        assertNull(strict.parse(
                        InputParser.Kind.LABEL,
                        ("{\"prediction_id\":\"p\",\"ts\":" + inAnHour + ",\"label\":\"a\"}")
                                .getBytes(StandardCharsets.UTF_8),
                        ORIGIN)
                .deadLetter);
        assertNull(
                parser.parse(InputParser.Kind.LABEL, json.getBytes(StandardCharsets.UTF_8), ORIGIN).deadLetter,
                "no limit by default");
    }

    @Test
    void bytesThatAreNotUtf8AreKeptAsBase64() {
        byte[] bytes = {(byte) 0xff, (byte) 0xfe, '{', '}'};
        InputRecord r = parser.parse(InputParser.Kind.LABEL, bytes, ORIGIN);
        assertNotNull(r.deadLetter);
        assertEquals("base64", r.deadLetter.payloadEncoding);
        assertEquals(Base64.getEncoder().encodeToString(bytes), r.deadLetter.payload);
    }

    @Test
    void anEmptyRecordIsADeadLetter() {
        InputRecord r = parser.parse(InputParser.Kind.LABEL, null, ORIGIN);
        assertEquals("empty record", r.deadLetter.reason);
    }

    @Test
    void labelsAndBusinessEvents() {
        InputRecord label = parser.parse(
                InputParser.Kind.LABEL,
                "{\"prediction_id\":\"p1\",\"ts\":5,\"label\":\"cat\"}".getBytes(StandardCharsets.UTF_8),
                ORIGIN);
        assertEquals("cat", label.label.label);
        InputRecord noOutput = parser.parse(
                InputParser.Kind.LABEL, "{\"prediction_id\":\"p1\",\"ts\":5}".getBytes(StandardCharsets.UTF_8), ORIGIN);
        assertEquals("exactly one of 'label' or 'value' is required", noOutput.deadLetter.reason);

        InputRecord play = parser.parse(
                InputParser.Kind.BUSINESS_EVENT,
                "{\"event_id\":\"e1\",\"ts\":5,\"type\":\"play\",\"prediction_id\":\"p1\",\"value\":120}"
                        .getBytes(StandardCharsets.UTF_8),
                ORIGIN);
        assertEquals("play", play.businessEvent.type);
        assertEquals(120.0, play.businessEvent.value);
        InputRecord direct = parser.parse(
                InputParser.Kind.BUSINESS_EVENT,
                "{\"event_id\":\"e2\",\"ts\":5,\"type\":\"purchase\",\"model\":\"m\",\"version\":\"v1\"}"
                        .getBytes(StandardCharsets.UTF_8),
                ORIGIN);
        assertNull(direct.deadLetter);
        InputRecord unattributed = parser.parse(
                InputParser.Kind.BUSINESS_EVENT,
                "{\"event_id\":\"e3\",\"ts\":5,\"type\":\"click\",\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8),
                ORIGIN);
        assertEquals(
                "a business event needs 'prediction_id', or 'model' and 'version'", unattributed.deadLetter.reason);
        InputRecord reserved = parser.parse(
                InputParser.Kind.BUSINESS_EVENT,
                "{\"event_id\":\"e4\",\"ts\":5,\"type\":\"prediction\",\"prediction_id\":\"p1\"}"
                        .getBytes(StandardCharsets.UTF_8),
                ORIGIN);
        assertTrue(reserved.deadLetter.reason.startsWith("'type' prediction is reserved"), reserved.deadLetter.reason);
    }

    @Test
    void oversizedRecordsAndOverlongNamesAreRejected() {
        InputParser small = new InputParser(0, 100);
        byte[] big =
                ("{\"prediction_id\":\"p\",\"pad\":\"" + "x".repeat(2_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        InputRecord oversized = small.parse(InputParser.Kind.PREDICTION, big, ORIGIN);
        assertTrue(
                oversized.deadLetter.reason.startsWith(
                        "record of " + big.length + " bytes is larger than job.max_record_bytes (100)"),
                oversized.deadLetter.reason);
        assertEquals("base64", oversized.deadLetter.payloadEncoding);
        assertEquals(
                1_024,
                java.util.Base64.getDecoder().decode(oversized.deadLetter.payload).length,
                "only the first KiB is kept");

        String longName = "m".repeat(InputParser.MAX_STRING_LENGTH + 1);
        InputRecord tooLong = parser.parse(
                InputParser.Kind.PREDICTION,
                ("{\"prediction_id\":\"p1\",\"model\":\"" + longName
                                + "\",\"version\":\"v1\",\"ts\":5,\"label\":\"cat\"}")
                        .getBytes(StandardCharsets.UTF_8),
                ORIGIN);
        assertEquals("'model' is longer than 1000 characters", tooLong.deadLetter.reason);
        InputRecord longSegment = parser.parse(
                InputParser.Kind.PREDICTION,
                ("{\"prediction_id\":\"p1\",\"model\":\"m\",\"version\":\"v1\","
                                + "\"ts\":5,\"label\":\"cat\",\"segment\":{\"country\":\"" + longName + "\"}}")
                        .getBytes(StandardCharsets.UTF_8),
                ORIGIN);
        assertEquals("'segment.country' is longer than 1000 characters", longSegment.deadLetter.reason);
        String exactly = "m".repeat(InputParser.MAX_STRING_LENGTH);
        InputRecord fits = parser.parse(
                InputParser.Kind.PREDICTION,
                ("{\"prediction_id\":\"p1\",\"model\":\"" + exactly
                                + "\",\"version\":\"v1\",\"ts\":5,\"label\":\"cat\"}")
                        .getBytes(StandardCharsets.UTF_8),
                ORIGIN);
        assertEquals(exactly, fits.prediction.model);
    }
}
