package io.modelvitals.forward;

import io.modelvitals.config.Args;
import io.modelvitals.config.Durations;
import io.modelvitals.config.KafkaClientProperties;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The settings of {@code model-vitals forward} (docs/forwarder.md). */
public record ForwarderConfig(
        String bootstrapServers,
        String topic,
        String groupId,
        Map<String, String> kafkaProperties,
        List<URI> alertmanagers,
        Duration resendInterval,
        String metricsAddress,
        int metricsPort) {

    public static final String DEFAULT_TOPIC = "alerts";
    public static final String DEFAULT_GROUP_ID = "model-vitals-forwarder";
    public static final Duration DEFAULT_RESEND_INTERVAL = Duration.ofMinutes(1);
    public static final int DEFAULT_METRICS_PORT = 9250;

    public ForwarderConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
        alertmanagers = List.copyOf(alertmanagers);
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(
                    "--bootstrap-servers is required (or bootstrap.servers in --kafka-properties)");
        }
        if (alertmanagers.isEmpty()) throw new IllegalArgumentException("--alertmanager needs at least one URL");
        if (resendInterval.isZero() || resendInterval.isNegative()) {
            throw new IllegalArgumentException("--resend-interval must be positive");
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new IllegalArgumentException("--metrics-port must be 0..65535");
        }
    }

    public static ForwarderConfig fromArgs(Args flags) {
        Map<String, String> properties = flags.has("kafka-properties")
                ? KafkaClientProperties.load(Path.of(flags.required("kafka-properties")))
                : Map.of();
        String bootstrap = flags.get("bootstrap-servers", properties.get("bootstrap.servers"));
        int port;
        try {
            port = Integer.parseInt(flags.get("metrics-port", String.valueOf(DEFAULT_METRICS_PORT)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--metrics-port must be a number");
        }
        return new ForwarderConfig(
                bootstrap,
                flags.get("topic", DEFAULT_TOPIC),
                flags.get("group-id", DEFAULT_GROUP_ID),
                properties,
                alertmanagers(flags.required("alertmanager")),
                Durations.parse(flags.get("resend-interval", "1m")),
                flags.get("metrics-address", "0.0.0.0"),
                port);
    }

    /** A comma-separated list of Alertmanager base URLs: every instance of an HA cluster gets every alert. */
    static List<URI> alertmanagers(String list) {
        List<URI> out = new ArrayList<>();
        for (String part : list.split(",")) {
            String text = part.trim();
            if (text.isEmpty()) continue;
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("--alertmanager: " + shown(text) + " is not a URL");
            }
            boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            if (!http || uri.getHost() == null) {
                throw new IllegalArgumentException(
                        "--alertmanager: " + shown(text) + " is not an http(s) URL such as http://alertmanager:9093");
            }
            out.add(uri);
        }
        return out;
    }

    // A URL with user:password in it is not echoed: error messages end up in logs.
    private static String shown(String text) {
        return text.contains("@") ? "an entry (with credentials, not shown)" : "'" + text + "'";
    }
}
