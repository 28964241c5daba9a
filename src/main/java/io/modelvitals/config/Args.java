package io.modelvitals.config;

import java.util.HashMap;
import java.util.Map;

/** Command-line flags: {@code --name value} pairs after the command. */
public final class Args {
    private final Map<String, String> values = new HashMap<>();

    public Args(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a + "'");
            String name = a.substring(2);
            int eq = name.indexOf('=');
            if (eq >= 0) values.put(name.substring(0, eq), name.substring(eq + 1));
            else if (i + 1 < args.length && !args[i + 1].startsWith("--")) values.put(name, args[++i]);
            else values.put(name, "true");
        }
    }

    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public String required(String name) {
        String v = values.get(name);
        if (v == null) throw new IllegalArgumentException("--" + name + " is required");
        return v;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }
}
