package io.modelvitals.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.modelvitals.events.InputRecord;
import io.modelvitals.events.Origin;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.local.LocalDataInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cutting a JSONL file into records: line numbers, CR LF, blank lines, lines longer than a read block, no final LF. */
class JsonLinesInputFormatTest {

    private static List<InputRecord> read(Path file) throws Exception {
        StreamFormat.Reader<InputRecord> reader = new JsonLinesInputFormat(
                        InputParser.Kind.LABEL, "labels.jsonl", 0, 1 << 20)
                .createReader(new Configuration(), new LocalDataInputStream(file.toFile()));
        List<InputRecord> out = new ArrayList<>();
        for (InputRecord r; (r = reader.read()) != null; ) out.add(r);
        reader.close();
        return out;
    }

    @Test
    void everyLineIsARecordNumberedFromZero(@TempDir Path dir) throws Exception {
        // A valid label padded past the 64 KiB read block (JSON allows the whitespace) and a second one past two.
        String padded = "{\"prediction_id\":\"p3\"," + " ".repeat(70_000) + "\"ts\":3,\"label\":\"c\"}";
        String twoBlocks = "{\"prediction_id\":\"p5\"," + "\t".repeat(140_000) + "\"ts\":5,\"label\":\"e\"}";
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(
                ("{\"prediction_id\":\"p0\",\"ts\":0,\"label\":\"a\"}\r\n" // 0: CR LF
                                + "\n" // 1: empty
                                + "   \t\n" // 2: blank
                                + padded + "\n" // 3
                                + "not json\n" // 4: a dead letter
                                + twoBlocks + "\n" // 5
                                + "{\"prediction_id\":\"p6\",\"ts\":6,\"label\":\"f\"}") // 6: no final LF
                        .getBytes(StandardCharsets.UTF_8));
        Path path = dir.resolve("labels.jsonl");
        Files.write(path, file.toByteArray());

        List<InputRecord> records = read(path);

        assertEquals(5, records.size(), "lines 1 and 2 are layout");
        String[] ids = {"p0", "p3", null, "p5", "p6"};
        long[] lines = {0, 3, 4, 5, 6};
        for (int i = 0; i < records.size(); i++) {
            InputRecord r = records.get(i);
            if (ids[i] == null) {
                assertNotNull(r.deadLetter);
                assertEquals(new Origin("labels.jsonl", 0, lines[i]), r.deadLetter.origin);
            } else {
                assertNull(r.deadLetter, ids[i]);
                assertEquals(ids[i], r.label.predictionId);
                assertEquals(lines[i], r.label.ts, "each label's ts is its line number");
                assertEquals(new Origin("labels.jsonl", 0, lines[i]), r.label.origin);
            }
        }
    }

    @Test
    void anEmptyFileHasNoRecordsAndAFinalNewlineAddsNone(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("empty.jsonl");
        Files.write(empty, new byte[0]);
        assertEquals(0, read(empty).size());
        Path one = dir.resolve("one.jsonl");
        Files.writeString(one, "{\"prediction_id\":\"p0\",\"ts\":0,\"label\":\"a\"}\n");
        assertEquals(1, read(one).size());
    }
}
