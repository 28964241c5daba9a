package io.modelvitals.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {
    @Test
    void secretsComeFromTheEnvironmentAndNeverShowInMessages(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kafka.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "security.protocol=SASL_SSL",
                        "sasl.mechanism=SCRAM-SHA-512",
                        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"${KAFKA_USER}\" password=\"${KAFKA_PASSWORD}\";",
                        "ssl.truststore.location=/etc/kafka/truststore.jks",
                        ""));
        Map<String, String> env = Map.of("KAFKA_USER", "vitals", "KAFKA_PASSWORD", "s3cr$t\\1");
        Map<String, String> props = KafkaClientProperties.load(file, env::get);
        assertEquals("SASL_SSL", props.get("security.protocol"));
        assertEquals(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"vitals\" password=\"s3cr$t\\1\";",
                props.get("sasl.jaas.config"),
                "replacement text is taken literally ($ and \\ included)");
        String described = KafkaClientProperties.describe(props);
        assertTrue(described.contains("sasl.jaas.config"));
        assertFalse(described.contains("s3cr"), "keys only: " + described);

        SpecException missing = assertThrows(
                SpecException.class, () -> KafkaClientProperties.load(file, Map.of("KAFKA_USER", "vitals")::get));
        assertTrue(
                missing.getMessage().contains("sasl.jaas.config uses ${KAFKA_PASSWORD}, which is not set"),
                missing.getMessage());
        assertFalse(missing.getMessage().contains("vitals"), "no value in the message");
    }
}
