package io.modelvitals.config;

import java.io.Serializable;

/** Where the job reads and writes. The command line's --bootstrap-servers overrides the spec. */
public class KafkaSpec implements Serializable {
    public String bootstrapServers = "localhost:9092";
    public String groupId = "model-vitals";
    /** earliest, latest or committed (committed offsets, falling back to earliest). */
    public String startFrom = "committed";

    public TopicsSpec topics = new TopicsSpec();
    /**
     * Client settings passed through to every source and sink (security, SASL, SSL…): from run's
     * --kafka-properties file, never from the spec, so no secret sits in the spec.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public java.util.Map<String, String> clientProperties = new java.util.TreeMap<>();

    public KafkaSpec() {}

    /** Topic names. */
    public static class TopicsSpec implements Serializable {
        public String predictions = "predictions";
        public String labels = "labels";
        public String businessEvents = "business-events";
        public String vitals = "vitals";
        public String alerts = "alerts";
        public String deadLetters = "dead-letters";
        /** Rule sets changed at runtime ("" to not read one). */
        public String rules = "model-vitals-rules";

        public TopicsSpec() {}
    }
}
