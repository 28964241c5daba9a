package io.modelvitals.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelvitals.events.AttributedEvent;
import io.modelvitals.events.BusinessEvent;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.InputRecord;
import io.modelvitals.events.Label;
import io.modelvitals.events.Origin;
import io.modelvitals.events.Prediction;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Parses and validates the wire contract (docs/wire-contract.md). Never throws on input: anything that
 * is not a valid event becomes a {@link DeadLetter} naming the first problem found and the record's origin.
 */
public final class InputParser {
    /** The three input streams. */
    public enum Kind {
        PREDICTION,
        LABEL,
        BUSINESS_EVENT
    }

    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Ids, names, classes, types and segment keys and values longer than this are rejected: they become keys and labels. */
    public static final int MAX_STRING_LENGTH = 1_000;
    /** How much of an oversized record its dead letter keeps. */
    static final int OVERSIZED_PAYLOAD_BYTES = 1_024;

    /** A ts further than this ahead of the wall clock is rejected (0: no limit). */
    private final long maxFutureSkewMs;

    private final int maxRecordBytes;
    private final StreamingInputParser streaming;

    /** A parser without a limit on future timestamps, for records up to 1 MiB. */
    public InputParser() {
        this(0);
    }

    public InputParser(long maxFutureSkewMs) {
        this(maxFutureSkewMs, 1_048_576);
    }

    /**
     * @param maxFutureSkewMs a record whose ts is more than this ahead of now is dead-lettered: one clock
     *     gone wrong would otherwise push its partition's watermark to the future and make everything
     *     after it late. 0 turns the check off.
     */
    public InputParser(long maxFutureSkewMs, int maxRecordBytes) {
        this(maxFutureSkewMs, maxRecordBytes, true);
    }

    /** @param streaming whether the streaming pass reads well-formed records first (off only to test it against the tree) */
    InputParser(long maxFutureSkewMs, int maxRecordBytes, boolean streaming) {
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.maxRecordBytes = maxRecordBytes;
        this.streaming = streaming ? new StreamingInputParser(mapper.getFactory(), maxFutureSkewMs) : null;
    }

    public InputRecord parse(Kind kind, byte[] bytes, Origin origin) {
        if (bytes == null || bytes.length == 0) {
            return InputRecord.of(new DeadLetter("empty record", origin, null, null));
        }
        if (bytes.length > maxRecordBytes) {
            // Not parsed, and not copied whole into the dead-letter topic either.
            byte[] head = java.util.Arrays.copyOf(bytes, OVERSIZED_PAYLOAD_BYTES);
            return InputRecord.of(new DeadLetter(
                    "record of " + bytes.length + " bytes is larger than job.max_record_bytes (" + maxRecordBytes
                            + "); payload: its first " + OVERSIZED_PAYLOAD_BYTES + " bytes",
                    origin,
                    Base64.getEncoder().encodeToString(head),
                    "base64"));
        }
        // Most records are well-formed: one streaming pass reads them. Anything else is read again as a tree, whose
        // checks below name the first problem (see StreamingInputParser).
        if (streaming != null) {
            InputRecord fast = streaming.tryParse(kind, bytes, origin);
            if (fast != null) return fast;
        }
        JsonNode node;
        try {
            node = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            return deadLetter("not valid JSON: " + e.getOriginalMessage(), bytes, origin);
        } catch (java.io.IOException e) {
            return deadLetter("unreadable record: " + e.getMessage(), bytes, origin);
        }
        if (node == null || !node.isObject()) {
            return deadLetter("not a JSON object", bytes, origin);
        }
        try {
            switch (kind) {
                case PREDICTION:
                    return InputRecord.of(prediction(node, origin));
                case LABEL:
                    return InputRecord.of(label(node, origin));
                default:
                    return InputRecord.of(businessEvent(node, origin));
            }
        } catch (Invalid e) {
            return deadLetter(e.getMessage(), bytes, origin);
        }
    }

    private Prediction prediction(JsonNode n, Origin origin) {
        Prediction p = new Prediction();
        p.predictionId = requiredString(n, "prediction_id");
        p.model = requiredString(n, "model");
        p.version = requiredString(n, "version");
        p.ts = timestamp(n);
        p.error = optionalString(n, "error");
        p.label = optionalString(n, "label");
        p.value = optionalNumber(n, "value");
        if (p.error == null && (p.label == null) == (p.value == null)) {
            throw new Invalid("exactly one of 'label' (classifier) or 'value' (regressor) is required");
        }
        p.score = optionalNumber(n, "score");
        if (p.score != null && (p.score < 0 || p.score > 1))
            throw new Invalid("'score' must be in [0, 1], was " + p.score);
        JsonNode scores = n.get("scores");
        if (scores != null && !scores.isNull()) {
            if (!scores.isObject()) throw new Invalid("'scores' must be an object of class → probability");
            p.scores = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = scores.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                double v = finite(e.getValue(), "scores." + e.getKey());
                if (v < 0 || v > 1) throw new Invalid("'scores." + e.getKey() + "' must be in [0, 1], was " + v);
                p.scores.put(e.getKey(), v);
            }
        }
        p.latencyMs = optionalNumber(n, "latency_ms");
        if (p.latencyMs != null && p.latencyMs < 0) throw new Invalid("'latency_ms' must be ≥ 0, was " + p.latencyMs);
        JsonNode segment = n.get("segment");
        if (segment != null && !segment.isNull()) {
            if (!segment.isObject()) throw new Invalid("'segment' must be an object of string → string");
            p.segment = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = segment.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) throw new Invalid("'segment." + e.getKey() + "' must be a string");
                if (e.getKey().length() > MAX_STRING_LENGTH
                        || e.getValue().asText().length() > MAX_STRING_LENGTH) {
                    throw new Invalid(
                            "'segment." + (e.getKey().length() > 40 ? e.getKey().substring(0, 40) + "…" : e.getKey())
                                    + "' is longer than " + MAX_STRING_LENGTH + " characters");
                }
                noControlCharacters("segment key", e.getKey());
                noControlCharacters("segment." + e.getKey(), e.getValue().asText());
                p.segment.put(e.getKey(), e.getValue().asText());
            }
        }
        p.origin = origin;
        return p;
    }

    private Label label(JsonNode n, Origin origin) {
        Label l = new Label();
        l.predictionId = requiredString(n, "prediction_id");
        l.ts = timestamp(n);
        l.label = optionalString(n, "label");
        l.value = optionalNumber(n, "value");
        if ((l.label == null) == (l.value == null)) throw new Invalid("exactly one of 'label' or 'value' is required");
        l.origin = origin;
        return l;
    }

    private BusinessEvent businessEvent(JsonNode n, Origin origin) {
        BusinessEvent e = new BusinessEvent();
        e.eventId = requiredString(n, "event_id");
        e.ts = timestamp(n);
        e.type = requiredString(n, "type");
        if (e.type.equals(AttributedEvent.PREDICTION)) {
            throw new Invalid("'type' prediction is reserved: KPIs count the model's own predictions as that type");
        }
        e.predictionId = optionalString(n, "prediction_id");
        e.model = optionalString(n, "model");
        e.version = optionalString(n, "version");
        e.value = optionalNumber(n, "value");
        if (e.predictionId == null && (e.model == null || e.version == null)) {
            throw new Invalid("a business event needs 'prediction_id', or 'model' and 'version'");
        }
        e.origin = origin;
        return e;
    }

    private static String requiredString(JsonNode n, String field) {
        String s = optionalString(n, field);
        if (s == null) throw new Invalid("missing required field '" + field + "'");
        return s;
    }

    private static String optionalString(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new Invalid("'" + field + "' must be a string");
        if (v.asText().isEmpty()) throw new Invalid("'" + field + "' must not be empty");
        if (v.asText().length() > MAX_STRING_LENGTH)
            throw new Invalid("'" + field + "' is longer than " + MAX_STRING_LENGTH + " characters");
        noControlCharacters(field, v.asText());
        return v.asText();
    }

    /** Names and classes become keys and labels downstream: control characters have no business there. */
    private static void noControlCharacters(String field, String s) {
        if (hasControlCharacter(s)) throw new Invalid("'" + field + "' contains a control character");
    }

    /** The check behind {@link #noControlCharacters}, for the streaming pass too. */
    static boolean hasControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isISOControl(s.charAt(i))) return true;
        return false;
    }

    private static Double optionalNumber(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        return finite(v, field);
    }

    private static double finite(JsonNode v, String field) {
        if (!v.isNumber()) throw new Invalid("'" + field + "' must be a number");
        double d = v.doubleValue();
        if (!Double.isFinite(d)) throw new Invalid("'" + field + "' must be a finite number");
        return d;
    }

    private long timestamp(JsonNode n) {
        JsonNode v = n.get("ts");
        if (v == null || v.isNull()) throw new Invalid("missing required field 'ts'");
        long ts;
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) throw new Invalid("'ts' must be epoch milliseconds ≥ 0");
            ts = v.longValue();
        } else if (v.isTextual()) {
            try {
                ts = Instant.parse(v.asText()).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new Invalid("'ts' is not an ISO-8601 instant: '" + v.asText() + "'");
            }
        } else {
            throw new Invalid("'ts' must be epoch milliseconds (integer) or an ISO-8601 instant (string)");
        }
        if (ts < 0) throw new Invalid("'ts' must be epoch milliseconds ≥ 0 (not before 1970)");
        if (maxFutureSkewMs > 0 && ts > System.currentTimeMillis() + maxFutureSkewMs) {
            throw new Invalid(
                    "'ts' is more than " + maxFutureSkewMs + " ms in the future: " + Instant.ofEpochMilli(ts));
        }
        return ts;
    }

    private static InputRecord deadLetter(String reason, byte[] bytes, Origin origin) {
        String text = Utf8.decodeOrNull(bytes);
        return InputRecord.of(
                text != null
                        ? new DeadLetter(reason, origin, text, "utf8")
                        : new DeadLetter(reason, origin, Base64.getEncoder().encodeToString(bytes), "base64"));
    }

    /** A validation failure; its message is the dead letter's reason. */
    private static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }
}
