package io.modelvitals.forward;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/** The forwarder's metrics in Prometheus' text format on /metrics, served by the JDK's own HTTP server. */
final class ForwarderMetrics implements AutoCloseable {
    private static final String PREFIX = "model_vitals_forwarder_";

    private final HttpServer server;
    private final Forwarder forwarder;

    ForwarderMetrics(String address, int port, Forwarder forwarder) {
        this.forwarder = forwarder;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + address + ":" + port, e);
        }
        server.createContext("/metrics", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = render(forwarder).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    static String render(Forwarder f) {
        StringBuilder out = new StringBuilder();
        String topic = f.config().topic();
        header(
                out,
                "alerts_sent_total",
                "counter",
                "Alerts acknowledged by an Alertmanager instance (re-sends count).");
        for (AlertmanagerInstance i : f.instances()) sample(out, "alerts_sent_total", instance(i), i.sent.get());
        header(
                out,
                "failed_requests_total",
                "counter",
                "Requests to an Alertmanager instance that failed (refused, timed out, non-2xx) and are retried.");
        for (AlertmanagerInstance i : f.instances()) {
            sample(out, "failed_requests_total", instance(i), i.failedRequests.get());
        }
        header(
                out,
                "rejected_requests_total",
                "counter",
                "Requests an Alertmanager instance answered 400/422 (invalid alerts; a request refused as a whole is"
                        + " sent again in halves; see the log).");
        for (AlertmanagerInstance i : f.instances()) {
            sample(out, "rejected_requests_total", instance(i), i.rejectedRequests.get());
        }
        header(
                out,
                "dropped_alerts_total",
                "counter",
                "Alerts an Alertmanager instance refused even when sent alone: dropped, not retried (see the log).");
        for (AlertmanagerInstance i : f.instances()) {
            sample(out, "dropped_alerts_total", instance(i), i.droppedAlerts.get());
        }
        header(out, "alertmanager_up", "gauge", "1 if the last request to the instance succeeded.");
        for (AlertmanagerInstance i : f.instances()) sample(out, "alertmanager_up", instance(i), i.up ? 1 : 0);
        header(out, "firing_alerts", "gauge", "Alerts in the firing set, re-sent every interval.");
        sample(out, "firing_alerts", "", f.firingCount);
        header(out, "invalid_records_total", "counter", "Records of the alerts topic skipped as unusable (logged).");
        sample(out, "invalid_records_total", "", f.invalidRecords.get());
        header(
                out,
                "invalid_resolved_records_total",
                "counter",
                "Unusable records that still said they resolve a firing alert: the alert was resolved (logged).");
        sample(out, "invalid_resolved_records_total", "", f.invalidResolvedRecords.get());
        header(
                out,
                "outdated_records_total",
                "counter",
                "Records older (by event time) than the state already read for their alert: ignored.");
        sample(out, "outdated_records_total", "", f.outdatedRecords.get());
        header(out, "ready", "gauge", "1 once the firing set has been rebuilt from the topic.");
        sample(out, "ready", "", f.ready ? 1 : 0);
        header(
                out,
                "consumer_lag",
                "gauge",
                "Records after the committed offset: not yet read, or read and not yet acknowledged everywhere.");
        for (Map.Entry<Integer, Long> e : byPartition(f.lag).entrySet()) {
            sample(
                    out,
                    "consumer_lag",
                    "topic=\"" + escape(topic) + "\",partition=\"" + e.getKey() + "\"",
                    e.getValue());
        }
        return out.toString();
    }

    private static Map<Integer, Long> byPartition(Map<TopicPartition, Long> lag) {
        Map<Integer, Long> out = new TreeMap<>();
        lag.forEach((tp, v) -> out.put(tp.partition(), v));
        return out;
    }

    // Not "instance": Prometheus sets that label to the scraped target and would rename ours.
    private static String instance(AlertmanagerInstance i) {
        return "alertmanager=\"" + escape(i.name) + "\"";
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ")
                .append(PREFIX)
                .append(name)
                .append(' ')
                .append(help)
                .append('\n');
        out.append("# TYPE ")
                .append(PREFIX)
                .append(name)
                .append(' ')
                .append(type)
                .append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, long value) {
        out.append(PREFIX).append(name);
        if (!labels.isEmpty()) out.append('{').append(labels).append('}');
        out.append(' ').append(value).append('\n');
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
