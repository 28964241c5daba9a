package io.modelvitals.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.modelvitals.events.AttributedEvent;
import io.modelvitals.events.BusinessEvent;
import io.modelvitals.events.InputRecord;
import io.modelvitals.events.Label;
import io.modelvitals.events.Origin;
import io.modelvitals.events.Prediction;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * The fast path of {@link InputParser}: one streaming pass over a record of the expected shape, straight into the
 * event, without building a JSON tree (which took about two thirds of a source thread in the benchmark).
 *
 * <p>It only ever accepts: for anything else — invalid JSON, a root that is not an object, a field of an unexpected
 * type, a field given twice, a failed check — it returns null, and {@link InputParser} reads the record again as a
 * tree, whose checks name the first problem. So the reasons of dead letters are written in one place, and every
 * record this pass accepts gives the same event as the tree (InputParserEquivalenceTest).
 */
final class StreamingInputParser {
    private final JsonFactory factory;
    private final long maxFutureSkewMs;

    StreamingInputParser(JsonFactory factory, long maxFutureSkewMs) {
        this.factory = factory;
        this.maxFutureSkewMs = maxFutureSkewMs;
    }

    /** The fields of all three kinds, as read; a field of another kind is skipped like an unknown one. */
    private static final class Fields {
        String predictionId, model, version, error, label, eventId, type;
        Double value, score, latencyMs;
        long ts;
        boolean hasTs;
        Map<String, Double> scores;
        Map<String, String> segment;
        /** Fields seen so far, one bit each: a second occurrence leaves the record to the tree. */
        int seen;
    }

    /** The event, or null when the tree must decide. */
    InputRecord tryParse(InputParser.Kind kind, byte[] bytes, Origin origin) {
        Fields f;
        try {
            f = read(kind, bytes);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (f == null) return null;
        switch (kind) {
            case PREDICTION: {
                Prediction p = prediction(f);
                if (p == null) return null;
                p.origin = origin;
                return InputRecord.of(p);
            }
            case LABEL: {
                Label l = label(f);
                if (l == null) return null;
                l.origin = origin;
                return InputRecord.of(l);
            }
            default: {
                BusinessEvent e = businessEvent(f);
                if (e == null) return null;
                e.origin = origin;
                return InputRecord.of(e);
            }
        }
    }

    private Fields read(InputParser.Kind kind, byte[] bytes) throws IOException {
        try (JsonParser p = factory.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            Fields f = new Fields();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                int bit = bit(kind, name);
                if (bit == 0) {
                    p.skipChildren();
                    continue;
                }
                if ((f.seen & bit) != 0) return null;
                f.seen |= bit;
                if (v == JsonToken.VALUE_NULL) continue; // as absent, like the tree
                switch (name) {
                    case "prediction_id":
                        f.predictionId = string(p, v);
                        break;
                    case "model":
                        f.model = string(p, v);
                        break;
                    case "version":
                        f.version = string(p, v);
                        break;
                    case "error":
                        f.error = string(p, v);
                        break;
                    case "label":
                        f.label = string(p, v);
                        break;
                    case "event_id":
                        f.eventId = string(p, v);
                        break;
                    case "type":
                        f.type = string(p, v);
                        break;
                    case "value":
                        f.value = number(p, v);
                        break;
                    case "score":
                        f.score = number(p, v);
                        break;
                    case "latency_ms":
                        f.latencyMs = number(p, v);
                        break;
                    case "ts":
                        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                            f.ts = p.getLongValue();
                        } else if (v == JsonToken.VALUE_STRING) {
                            try {
                                f.ts = Instant.parse(p.getText()).toEpochMilli();
                            } catch (DateTimeParseException | ArithmeticException e) {
                                return null;
                            }
                        } else {
                            return null;
                        }
                        f.hasTs = true;
                        break;
                    case "scores":
                        if (v != JsonToken.START_OBJECT) return null;
                        f.scores = new HashMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String cls = p.currentName();
                            f.scores.put(cls, number(p, p.nextToken()));
                        }
                        break;
                    case "segment":
                        if (v != JsonToken.START_OBJECT) return null;
                        f.segment = new HashMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            // A key may be empty (only its value is a required string), but not long or with control
                            // characters.
                            String key = p.currentName();
                            if (key.length() > InputParser.MAX_STRING_LENGTH || InputParser.hasControlCharacter(key))
                                return null;
                            f.segment.put(key, string(p, p.nextToken()));
                        }
                        break;
                    default:
                        return null;
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) return null;
            return f;
        }
    }

    /** Which fields each kind reads (the others are skipped, as the tree ignores them). */
    private static int bit(InputParser.Kind kind, String name) {
        switch (name) {
            case "prediction_id":
                return 1;
            case "ts":
                return 1 << 1;
            case "value":
                return 1 << 2;
            case "label":
                return kind != InputParser.Kind.BUSINESS_EVENT ? 1 << 3 : 0;
            case "model":
                return kind != InputParser.Kind.LABEL ? 1 << 4 : 0;
            case "version":
                return kind != InputParser.Kind.LABEL ? 1 << 5 : 0;
            case "error":
                return kind == InputParser.Kind.PREDICTION ? 1 << 6 : 0;
            case "score":
                return kind == InputParser.Kind.PREDICTION ? 1 << 7 : 0;
            case "scores":
                return kind == InputParser.Kind.PREDICTION ? 1 << 8 : 0;
            case "latency_ms":
                return kind == InputParser.Kind.PREDICTION ? 1 << 9 : 0;
            case "segment":
                return kind == InputParser.Kind.PREDICTION ? 1 << 10 : 0;
            case "event_id":
                return kind == InputParser.Kind.BUSINESS_EVENT ? 1 << 11 : 0;
            case "type":
                return kind == InputParser.Kind.BUSINESS_EVENT ? 1 << 12 : 0;
            default:
                return 0;
        }
    }

    /** A string that passes the tree's checks, or an exception (the tree then reports it). */
    private static String string(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING) throw new IllegalStateException();
        String s = p.getText();
        if (s.isEmpty() || s.length() > InputParser.MAX_STRING_LENGTH || InputParser.hasControlCharacter(s))
            throw new IllegalStateException();
        return s;
    }

    /** A finite number, or an exception. */
    private static Double number(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) throw new IllegalStateException();
        double d = p.getDoubleValue();
        if (!Double.isFinite(d)) throw new IllegalStateException();
        return d;
    }

    private boolean validTs(Fields f) {
        return f.hasTs && f.ts >= 0 && !(maxFutureSkewMs > 0 && f.ts > System.currentTimeMillis() + maxFutureSkewMs);
    }

    private Prediction prediction(Fields f) {
        if (f.predictionId == null || f.model == null || f.version == null || !validTs(f)) return null;
        if (f.error == null && (f.label == null) == (f.value == null)) return null;
        if (f.score != null && (f.score < 0 || f.score > 1)) return null;
        if (f.scores != null) for (double s : f.scores.values()) if (s < 0 || s > 1) return null;
        if (f.latencyMs != null && f.latencyMs < 0) return null;
        Prediction p = new Prediction();
        p.predictionId = f.predictionId;
        p.model = f.model;
        p.version = f.version;
        p.ts = f.ts;
        p.error = f.error;
        p.label = f.label;
        p.value = f.value;
        p.score = f.score;
        p.scores = f.scores;
        p.latencyMs = f.latencyMs;
        p.segment = f.segment;
        return p;
    }

    private Label label(Fields f) {
        if (f.predictionId == null || !validTs(f) || (f.label == null) == (f.value == null)) return null;
        Label l = new Label();
        l.predictionId = f.predictionId;
        l.ts = f.ts;
        l.label = f.label;
        l.value = f.value;
        return l;
    }

    private BusinessEvent businessEvent(Fields f) {
        if (f.eventId == null || !validTs(f) || f.type == null || f.type.equals(AttributedEvent.PREDICTION))
            return null;
        if (f.predictionId == null && (f.model == null || f.version == null)) return null;
        BusinessEvent e = new BusinessEvent();
        e.eventId = f.eventId;
        e.ts = f.ts;
        e.type = f.type;
        e.predictionId = f.predictionId;
        e.model = f.model;
        e.version = f.version;
        e.value = f.value;
        return e;
    }
}
