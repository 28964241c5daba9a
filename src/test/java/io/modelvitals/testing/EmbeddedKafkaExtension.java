package io.modelvitals.testing;

import io.modelvitals.tools.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One real in-process KRaft broker per test class: {@code @RegisterExtension static final EmbeddedKafkaExtension KAFKA}. */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        kafka.close();
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }
}
