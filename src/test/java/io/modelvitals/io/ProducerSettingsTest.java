package io.modelvitals.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once producers of many records (vitals, dead letters) batch: their records are readable only at the
 * checkpoint's commit, so waiting costs no latency. Alerts are few and, at least once (by choice), readable as soon as
 * written: Kafka's defaults. What an operator sets in kafka.properties wins.
 */
class ProducerSettingsTest {

    @Test
    void exactlyOnceProducersBatch() {
        Properties p = KafkaIO.producerSettings(DeliveryGuarantee.EXACTLY_ONCE, true, new Properties());
        assertEquals("100", p.getProperty("linger.ms"));
        assertEquals("262144", p.getProperty("batch.size"));
        assertEquals("600000", p.getProperty("transaction.timeout.ms"));
    }

    @Test
    void exactlyOnceAlertsAreFewAndKeepKafkasBatching() {
        Properties p = KafkaIO.producerSettings(DeliveryGuarantee.EXACTLY_ONCE, false, new Properties());
        assertEquals(null, p.getProperty("linger.ms"));
        assertEquals(null, p.getProperty("batch.size"));
        assertEquals("600000", p.getProperty("transaction.timeout.ms"));
    }

    @Test
    void anAtLeastOnceProducerKeepsKafkasDefaults() {
        assertTrue(KafkaIO.producerSettings(DeliveryGuarantee.AT_LEAST_ONCE, false, new Properties())
                .isEmpty());
    }

    @Test
    void theOperatorsBatchingSettingsWin() {
        Properties client = new Properties();
        client.setProperty("linger.ms", "5");
        client.setProperty("batch.size", "16384");
        Properties p = KafkaIO.producerSettings(DeliveryGuarantee.EXACTLY_ONCE, true, client);
        assertEquals(null, p.getProperty("linger.ms"));
        assertEquals(null, p.getProperty("batch.size"));
        assertEquals("600000", p.getProperty("transaction.timeout.ms"));
    }
}
