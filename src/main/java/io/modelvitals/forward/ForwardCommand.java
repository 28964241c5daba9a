package io.modelvitals.forward;

import io.modelvitals.config.Args;
import io.modelvitals.config.KafkaClientProperties;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** {@code model-vitals forward}: runs the forwarder until the process is stopped (docs/forwarder.md). */
public final class ForwardCommand {
    private ForwardCommand() {}

    public static void command(Args flags) throws InterruptedException {
        ForwarderConfig config = ForwarderConfig.fromArgs(flags);
        if (!config.kafkaProperties().isEmpty()) {
            // The keys only: values may be secrets.
            System.out.println(
                    "forward: Kafka client properties " + KafkaClientProperties.describe(config.kafkaProperties()));
        }
        Forwarder forwarder = Forwarder.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(forwarder::close, "forward-shutdown"));
        List<String> names = new ArrayList<>();
        for (URI uri : config.alertmanagers()) {
            names.add(AlertmanagerInstance.endpoint(uri).toString());
        }
        System.out.printf(
                "forward: %s on %s (group %s) to %s, firing alerts re-sent every %s%s%n",
                config.topic(),
                config.bootstrapServers(),
                config.groupId(),
                String.join(", ", names),
                Policy.text(config.resendInterval()),
                forwarder.metricsPort() < 0
                        ? ""
                        : ", metrics on http://" + config.metricsAddress() + ":" + forwarder.metricsPort()
                                + "/metrics");
        int status = awaitExit(forwarder);
        // Non-zero, so a supervisor (Kubernetes, compose, systemd) restarts the forwarder: a process that went on
        // serving its metrics without reading would look alive while no alert moves.
        if (status != 0) System.exit(status);
    }

    /** Waits for the forwarder to stop: 0 when it was closed, 1 when it stopped on an error (said on stderr). */
    static int awaitExit(Forwarder forwarder) throws InterruptedException {
        try {
            forwarder.awaitTermination();
            return 0;
        } catch (IllegalStateException e) {
            System.err.println("forward: " + e.getMessage() + "; exiting");
            return 1;
        } finally {
            forwarder.close();
        }
    }
}
