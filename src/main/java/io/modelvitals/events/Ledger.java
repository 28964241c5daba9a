package io.modelvitals.events;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The input ledger: where each input record ended, per input topic (a file, in a replay) and partition, so that
 * "nothing is lost silently" can be checked. Once the job has drained its input,
 *
 * <pre>in = counted + duplicates + deadLetters</pre>
 *
 * for every topic and partition: {@link #IN} is counted where a source's records are routed (every record, broken or
 * not), {@link #COUNTED} and {@link #DUPLICATES} where a valid record ends (the join, the rule evaluator), and
 * {@link #DEAD_LETTERS} at the dead-letter sink, by the dead letter's origin. A record counted by the join that then
 * misses a window because its pane had closed is dead-lettered too, but as {@link #LATE_AFTER_COUNTING}: it counted in
 * every other vital, so it is outside the identity. docs/robustness.md has the format and the figures.
 *
 * <p>Each cell is a Flink counter ({@code <operator>.ledger.topic.<t>.partition.<p>.<cell>}) and an accumulator
 * ({@link #accumulatorName}), summed over operators and subtasks by Flink; replay writes the latter as ledger.json.
 */
public final class Ledger {
    public static final String IN = "in";
    public static final String COUNTED = "counted";
    public static final String DUPLICATES = "duplicates";
    public static final String DEAD_LETTERS = "deadLetters";
    public static final String LATE_AFTER_COUNTING = "lateAfterCounting";
    /** Dead letters that stand for no single input record (a late partial: a pane of many counted records). */
    public static final String NO_ORIGIN = "(no origin)";

    public static final String ACCUMULATOR_PREFIX = "ledger|";

    private static final String[] CELLS = {IN, COUNTED, DUPLICATES, DEAD_LETTERS, LATE_AFTER_COUNTING};

    private final RuntimeContext context;
    private final MetricGroup ledger;
    /** Per topic, per partition, per cell (in {@link #CELLS} order): created on first use and kept. */
    private final Map<String, Map<Integer, Cell[]>> cells = new HashMap<>();
    /** The partition of the last record: a subtask mostly reads one or two, so most lookups stop here. */
    private String lastTopic;

    private int lastPartition;
    private Cell[] last;

    private record Cell(Counter metric, LongCounter accumulator) {}

    public Ledger(RuntimeContext context) {
        this.context = context;
        this.ledger = context.getMetricGroup().addGroup("ledger");
    }

    /** The accumulator of one cell: {@code ledger|<topic>|<partition>|<cell>}. */
    public static String accumulatorName(String topic, int partition, String cell) {
        return ACCUMULATOR_PREFIX + topic + "|" + partition + "|" + cell;
    }

    /**
     * One more record of {@code origin}'s topic and partition in {@code cell} (one of the constants above); no origin
     * counts under {@link #NO_ORIGIN}.
     */
    public void add(String cell, Origin origin) {
        String topic = origin == null || origin.topic == null ? NO_ORIGIN : origin.topic;
        int partition = origin == null ? 0 : origin.partition;
        if (last == null || partition != lastPartition || !topic.equals(lastTopic)) {
            last = cells.computeIfAbsent(topic, t -> new HashMap<>())
                    .computeIfAbsent(partition, p -> new Cell[CELLS.length]);
            lastTopic = topic;
            lastPartition = partition;
        }
        int i = index(cell);
        if (last[i] == null) {
            last[i] = new Cell(
                    ledger.addGroup("topic", topic)
                            .addGroup("partition", String.valueOf(partition))
                            .counter(cell),
                    context.getLongCounter(accumulatorName(topic, partition, cell)));
        }
        last[i].metric().inc();
        last[i].accumulator().add(1L);
    }

    private static int index(String cell) {
        for (int i = 0; i < CELLS.length; i++) if (CELLS[i].equals(cell)) return i;
        throw new IllegalArgumentException("not a ledger cell: " + cell);
    }
}
