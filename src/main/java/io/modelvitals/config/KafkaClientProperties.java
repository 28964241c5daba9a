package io.modelvitals.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka client settings for a real cluster (security.protocol, sasl.*, ssl.*, …) from a properties
 * file, passed through to every source and sink. A value may name environment variables as
 * ${NAME}, so secrets come from the deployment's environment rather than the file. Errors name the
 * key and the variable, never a value.
 */
public final class KafkaClientProperties {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private KafkaClientProperties() {}

    public static Map<String, String> load(Path file) {
        return load(file, System::getenv);
    }

    static Map<String, String> load(Path file, Function<String, String> environment) {
        Properties raw = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            raw.load(in);
        } catch (IOException e) {
            throw new SpecException("cannot read Kafka properties " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new TreeMap<>();
        for (String key : raw.stringPropertyNames()) {
            Matcher m = VARIABLE.matcher(raw.getProperty(key));
            StringBuilder value = new StringBuilder();
            while (m.find()) {
                String v = environment.apply(m.group(1));
                if (v == null)
                    throw new SpecException(
                            file + ": " + key + " uses ${" + m.group(1) + "}, which is not set in the environment");
                m.appendReplacement(value, Matcher.quoteReplacement(v));
            }
            m.appendTail(value);
            out.put(key, value.toString());
        }
        return out;
    }

    /** The keys only, for logs: values may be secrets. */
    public static String describe(Map<String, String> properties) {
        return properties.keySet().toString();
    }
}
