package io.modelvitals.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelvitals.alerting.AlertLifecycleFunction;
import io.modelvitals.events.AlertRecord;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.VitalRecord;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** The JSON shapes of the output topics (docs/wire-contract.md). One shared, thread-safe mapper. */
public final class OutputJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OutputJson() {}

    public static ObjectNode vital(VitalRecord v) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("model", v.model);
        o.put("version", v.version);
        o.put("segment", v.segment);
        o.put("vital", v.vital);
        if (v.cls != null) o.put("class", v.cls);
        if (v.predictedCls != null) o.put("predicted_class", v.predictedCls);
        if (v.reference != null) o.put("reference", v.reference);
        o.put("value", v.value);
        if (v.numerator != null) o.put("numerator", v.numerator);
        o.put("n", v.n);
        o.put("window_start", v.windowStart);
        o.put("window_end", v.windowEnd);
        if (v.ciLower != null) {
            o.put("ci_lower", v.ciLower);
            o.put("ci_upper", v.ciUpper);
        }
        if (v.pValue != null) o.put("p_value", v.pValue);
        if (v.met != null) o.put("met", v.met);
        // Absent is label time, as before the field existed: the wire stays as it was for every existing vital.
        if (VitalRecord.PREDICTION_TIMELINE.equals(v.timeline)) o.put("timeline", v.timeline);
        return o;
    }

    /** An Alertmanager alert (labels, annotations, startsAt, endsAt) plus status, fingerprint and window. */
    public static ObjectNode alert(AlertRecord a) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("status", a.status);
        ObjectNode labels = o.putObject("labels");
        AlertLifecycleFunction.labels(a).forEach(labels::put);
        ObjectNode annotations = o.putObject("annotations");
        annotations.put("summary", a.summary);
        annotations.put("description", a.description);
        annotations.put("value", String.valueOf(a.value));
        annotations.put("threshold", String.valueOf(a.threshold));
        if (a.annotations != null) {
            new java.util.TreeMap<>(a.annotations).forEach((k, v) -> {
                if (!annotations.has(k)) annotations.put(k, v);
            });
        }
        o.put("startsAt", Instant.ofEpochMilli(a.startsAt).toString());
        if (a.endsAt != null) o.put("endsAt", Instant.ofEpochMilli(a.endsAt).toString());
        o.put("fingerprint", a.fingerprint);
        if (a.generatorUrl != null) o.put("generatorURL", a.generatorUrl);
        o.put("window_start", a.windowStart);
        o.put("window_end", a.windowEnd);
        return o;
    }

    public static ObjectNode deadLetter(DeadLetter d) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("reason", d.reason);
        ObjectNode origin = o.putObject("origin");
        if (d.origin != null) {
            origin.put("topic", d.origin.topic);
            origin.put("partition", d.origin.partition);
            origin.put("offset", d.origin.offset);
        }
        if (d.payload != null) {
            o.put("payload", d.payload);
            o.put("payload_encoding", d.payloadEncoding);
        }
        return o;
    }

    /** A join result that came too late for its window, described for the dead-letter topic. */
    public static String describe(JoinResult r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("kind", r.kind);
        o.put("prediction_id", r.predictionId);
        o.put("model", r.model);
        o.put("version", r.version);
        o.put("ts", r.ts);
        return o.toString();
    }

    /** A prediction that came too late for its output window, described for the dead-letter topic. */
    public static String describe(io.modelvitals.events.OutputSample s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("kind", "prediction");
        o.put("prediction_id", s.predictionId);
        o.put("model", s.model);
        o.put("version", s.version);
        o.put("ts", s.ts);
        return o.toString();
    }

    /** An attributed business event that came too late for its KPI window, described for the dead-letter topic. */
    public static String describe(io.modelvitals.events.AttributedEvent e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("kind", e.type);
        o.put("event_id", e.eventId);
        o.put("model", e.model);
        o.put("version", e.version);
        o.put("ts", e.ts);
        return o.toString();
    }

    /**
     * {@link #vital} as UTF-8 bytes, written straight to a generator: the one output that scales with the number of
     * windows (a sliding window multiplies it), so it skips the tree. Byte for byte the same (OutputJsonTest).
     */
    public static byte[] vitalBytes(VitalRecord v) {
        // Through a String, as the tree is written: Jackson's UTF-8 generator would escape characters outside the
        // BMP (an emoji in a segment) instead of encoding them.
        java.io.StringWriter text = new java.io.StringWriter(256);
        try (com.fasterxml.jackson.core.JsonGenerator g = MAPPER.getFactory().createGenerator(text)) {
            g.writeStartObject();
            g.writeStringField("model", v.model);
            g.writeStringField("version", v.version);
            g.writeStringField("segment", v.segment);
            g.writeStringField("vital", v.vital);
            if (v.cls != null) g.writeStringField("class", v.cls);
            if (v.predictedCls != null) g.writeStringField("predicted_class", v.predictedCls);
            if (v.reference != null) g.writeStringField("reference", v.reference);
            g.writeNumberField("value", v.value);
            if (v.numerator != null) g.writeNumberField("numerator", v.numerator);
            g.writeNumberField("n", v.n);
            g.writeNumberField("window_start", v.windowStart);
            g.writeNumberField("window_end", v.windowEnd);
            if (v.ciLower != null) {
                g.writeNumberField("ci_lower", v.ciLower);
                if (v.ciUpper != null) g.writeNumberField("ci_upper", v.ciUpper);
                else g.writeNullField("ci_upper");
            }
            if (v.pValue != null) g.writeNumberField("p_value", v.pValue);
            if (v.met != null) g.writeBooleanField("met", v.met);
            if (VitalRecord.PREDICTION_TIMELINE.equals(v.timeline)) g.writeStringField("timeline", v.timeline);
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
        return Utf8.escapeLoneSurrogates(text.toString()).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] alertBytes(AlertRecord a) {
        return bytes(alert(a));
    }

    public static byte[] deadLetterBytes(DeadLetter d) {
        return bytes(deadLetter(d));
    }

    public static String line(ObjectNode node) {
        try {
            return Utf8.escapeLoneSurrogates(MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(ObjectNode node) {
        return line(node).getBytes(StandardCharsets.UTF_8);
    }

    /** Kafka value of a vital record. */
    public static final class VitalValue implements SerializationSchema<VitalRecord> {
        @Override
        public byte[] serialize(VitalRecord v) {
            return vitalBytes(v);
        }
    }

    /** Kafka key of a vital record: model/version, so a version's vitals stay in order in one partition. */
    public static final class VitalKey implements SerializationSchema<VitalRecord> {
        @Override
        public byte[] serialize(VitalRecord v) {
            return (v.model + "/" + v.version).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Kafka value of an alert. */
    public static final class AlertValue implements SerializationSchema<AlertRecord> {
        @Override
        public byte[] serialize(AlertRecord a) {
            return alertBytes(a);
        }
    }

    /** Kafka key of an alert: its fingerprint, so every change of one alert lands in one partition, in order. */
    public static final class AlertKey implements SerializationSchema<AlertRecord> {
        @Override
        public byte[] serialize(AlertRecord a) {
            return a.fingerprint.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Kafka value of a dead letter. */
    public static final class DeadLetterValue implements SerializationSchema<DeadLetter> {
        @Override
        public byte[] serialize(DeadLetter d) {
            return deadLetterBytes(d);
        }
    }
}
