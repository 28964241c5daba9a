package io.modelvitals.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelvitals.events.Ledger;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The input ledger as JSON (replay's ledger.json; format in docs/robustness.md): one row per input topic (a file, in a
 * replay) and partition with its cells, whether {@code in = counted + duplicates + dead_letters} holds for it, and the
 * dead letters that stand for no single input.
 */
public final class LedgerJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] CELLS = {
        Ledger.IN, Ledger.COUNTED, Ledger.DUPLICATES, Ledger.DEAD_LETTERS, Ledger.LATE_AFTER_COUNTING
    };
    private static final String[] FIELDS = {"in", "counted", "duplicates", "dead_letters", "late_after_counting"};

    private LedgerJson() {}

    /** From a job's accumulators ({@link Ledger#accumulatorName}); other accumulators are ignored. */
    public static ObjectNode of(Map<String, Object> accumulators) {
        // topic → partition → cell → count, sorted so that the file is the same on every run
        Map<String, Map<Integer, Map<String, Long>>> cells = new TreeMap<>();
        for (Map.Entry<String, Object> e : accumulators.entrySet()) {
            if (!e.getKey().startsWith(Ledger.ACCUMULATOR_PREFIX)) continue;
            String rest = e.getKey().substring(Ledger.ACCUMULATOR_PREFIX.length());
            int cellAt = rest.lastIndexOf('|');
            int partitionAt = rest.lastIndexOf('|', cellAt - 1);
            String topic = rest.substring(0, partitionAt);
            int partition = Integer.parseInt(rest.substring(partitionAt + 1, cellAt));
            cells.computeIfAbsent(topic, t -> new TreeMap<>())
                    .computeIfAbsent(partition, p -> new TreeMap<>())
                    .merge(rest.substring(cellAt + 1), ((Number) e.getValue()).longValue(), Long::sum);
        }
        ObjectNode ledger = MAPPER.createObjectNode();
        ledger.put("identity", "in = counted + duplicates + dead_letters, per topic and partition");
        ArrayNode inputs = ledger.putArray("inputs");
        boolean holds = true;
        ObjectNode withoutOrigin = MAPPER.createObjectNode();
        for (var topic : cells.entrySet()) {
            for (var partition : topic.getValue().entrySet()) {
                Map<String, Long> c = partition.getValue();
                if (topic.getKey().equals(Ledger.NO_ORIGIN)) {
                    for (int i = 1; i < CELLS.length; i++) withoutOrigin.put(FIELDS[i], c.getOrDefault(CELLS[i], 0L));
                    continue;
                }
                ObjectNode row = inputs.addObject();
                row.put("topic", topic.getKey());
                row.put("partition", partition.getKey());
                for (int i = 0; i < CELLS.length; i++) row.put(FIELDS[i], c.getOrDefault(CELLS[i], 0L));
                boolean rowHolds = c.getOrDefault(Ledger.IN, 0L)
                        == c.getOrDefault(Ledger.COUNTED, 0L)
                                + c.getOrDefault(Ledger.DUPLICATES, 0L)
                                + c.getOrDefault(Ledger.DEAD_LETTERS, 0L);
                row.put("holds", rowHolds);
                holds &= rowHolds;
            }
        }
        ledger.put("holds", holds);
        // Late partials: panes of many records, each already counted; and anything else without an origin.
        ledger.set("without_origin", withoutOrigin);
        return ledger;
    }

    public static String text(ObjectNode ledger) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(ledger) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
