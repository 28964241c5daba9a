package io.modelvitals.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * One record of the alerts topic as the forwarder needs it (docs/wire-contract.md): the Alertmanager fields, whether
 * it fires, the fingerprint that identifies the alert, and the window that caused it ({@code window_end}, epoch ms,
 * null if the record has none), which orders the records of one fingerprint (Policy.compare). Never modified after
 * parsing, so sender threads share it.
 */
record AlertState(
        String fingerprint,
        boolean firing,
        ObjectNode labels,
        ObjectNode annotations,
        Instant startsAt,
        Instant endsAt,
        String generatorUrl,
        Long windowEnd) {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Parses a record's value; the key stands in for a missing fingerprint. Throws on what Alertmanager can't take. */
    static AlertState parse(String key, byte[] value) {
        JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException("not a JSON object");
        JsonNode status = root.path("status");
        boolean firing;
        if ("firing".equals(status.asText())) firing = true;
        else if ("resolved".equals(status.asText())) firing = false;
        else throw new IllegalArgumentException("status must be \"firing\" or \"resolved\", not " + status);
        ObjectNode labels = strings(root, "labels");
        // Alertmanager identifies an alert by its labels: without any it rejects the alert.
        if (labels.isEmpty()) throw new IllegalArgumentException("labels missing or empty");
        String fingerprint =
                root.hasNonNull("fingerprint") ? root.get("fingerprint").asText() : key;
        if (fingerprint == null || fingerprint.isEmpty()) {
            throw new IllegalArgumentException("no fingerprint, neither in the value nor as the key");
        }
        Instant startsAt = instant(root, "startsAt");
        if (startsAt == null) throw new IllegalArgumentException("startsAt missing");
        JsonNode url = root.get("generatorURL");
        return new AlertState(
                fingerprint,
                firing,
                labels,
                strings(root, "annotations"),
                startsAt,
                instant(root, "endsAt"),
                url == null || url.isNull() ? null : url.asText(),
                windowEnd(root));
    }

    /**
     * What can still be read from a record {@link #parse} rejected, if it says it resolves an alert: its fingerprint
     * (the value's, else the key) and whichever of its times are readable (null when unreadable). Null when the record
     * is not a JSON object with {@code "status":"resolved"} or names no fingerprint: then nothing is known for sure.
     */
    static Unusable unusableResolved(String key, byte[] value) {
        JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (IOException e) {
            return null;
        }
        if (root == null
                || !root.isObject()
                || !"resolved".equals(root.path("status").asText())) return null;
        JsonNode fp = root.get("fingerprint");
        String fingerprint = fp != null && fp.isValueNode() && !fp.asText().isEmpty() ? fp.asText() : key;
        if (fingerprint == null || fingerprint.isEmpty()) return null;
        return new Unusable(fingerprint, readable(() -> windowEnd(root)), readable(() -> instant(root, "endsAt")));
    }

    /** A resolved record that cannot be sent as it is: see {@link #unusableResolved}. */
    record Unusable(String fingerprint, Long windowEnd, Instant endsAt) {}

    /** This firing alert resolved: its own labels, annotations and startsAt, with the time fields given. */
    AlertState resolvedBy(Unusable u) {
        return new AlertState(
                fingerprint, false, labels, annotations, startsAt, u.endsAt(), generatorUrl, u.windowEnd());
    }

    private static <T> T readable(java.util.function.Supplier<T> field) {
        try {
            return field.get();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** window_end as the job writes it, epoch milliseconds; null if absent. */
    private static Long windowEnd(JsonNode root) {
        JsonNode node = root.get("window_end");
        if (node == null || node.isNull()) return null;
        // Strict: a wrong event time would put the record in the wrong place among the fingerprint's records.
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new IllegalArgumentException("window_end must be epoch milliseconds, not " + node);
        }
        return node.asLong();
    }

    /** An object of strings: Alertmanager's label and annotation sets are string to string, so scalars become text. */
    private static ObjectNode strings(JsonNode root, String field) {
        JsonNode node = root.get(field);
        ObjectNode out = MAPPER.createObjectNode();
        if (node == null || node.isNull()) return out;
        if (!node.isObject()) throw new IllegalArgumentException(field + " must be an object");
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getValue().isNull()) continue;
            if (!e.getValue().isValueNode()) {
                throw new IllegalArgumentException(field + "." + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static Instant instant(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) return null;
        try {
            return OffsetDateTime.parse(node.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " is not an RFC 3339 time: " + node);
        }
    }
}
