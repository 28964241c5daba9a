package io.modelvitals.io;

import io.modelvitals.events.InputRecord;
import io.modelvitals.events.Origin;
import java.io.IOException;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads a JSONL file for replay: one record per line, parsed exactly as from Kafka. A dead letter's
 * origin is the file (as topic), partition 0 and the 0-based line number (as offset). Lines are read
 * as raw bytes, so invalid UTF-8 reaches the dead-letter topic as it was.
 */
public class JsonLinesInputFormat extends SimpleStreamFormat<InputRecord> {
    private final InputParser.Kind kind;
    private final String originName;
    private final long maxFutureSkewMs;
    private final int maxRecordBytes;

    public JsonLinesInputFormat(InputParser.Kind kind, String originName, long maxFutureSkewMs, int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
        this.kind = kind;
        this.originName = originName;
        this.maxFutureSkewMs = maxFutureSkewMs;
    }

    @Override
    public StreamFormat.Reader<InputRecord> createReader(Configuration config, FSDataInputStream stream) {
        InputParser parser = new InputParser(maxFutureSkewMs, maxRecordBytes);
        return new StreamFormat.Reader<>() {
            // Lines are cut from a 64 KiB block read at once: one copy per line. Byte by byte through a
            // BufferedInputStream (synchronized per byte) into a ByteArrayOutputStream, then copied twice, was most of
            // the replay's file reading and an eighth of its allocation (docs/benchmarks.md).
            final byte[] block = new byte[1 << 16];
            int pos, limit;
            boolean eof;
            /** A line that spans blocks, so far. */
            byte[] pending = new byte[256];

            long line = 0;

            @Override
            public InputRecord read() throws IOException {
                while (true) {
                    byte[] bytes = nextLine();
                    if (bytes == null) return null;
                    long number = line++;
                    int length = bytes.length;
                    if (length > 0 && bytes[length - 1] == '\r') bytes = Arrays.copyOf(bytes, --length);
                    if (isBlank(bytes, length)) continue; // blank lines are layout, not records
                    return parser.parse(kind, bytes, new Origin(originName, 0, number));
                }
            }

            /** The next line's bytes without its '\n'; the last line may lack one; null at the end. */
            private byte[] nextLine() throws IOException {
                int pendingLength = 0;
                while (true) {
                    if (pos == limit) {
                        if (eof) return pendingLength == 0 ? null : Arrays.copyOf(pending, pendingLength);
                        int n = stream.read(block, 0, block.length);
                        if (n < 0) eof = true;
                        else {
                            pos = 0;
                            limit = n;
                        }
                        continue;
                    }
                    int start = pos;
                    while (pos < limit && block[pos] != '\n') pos++;
                    int end = pos;
                    if (pos < limit) {
                        pos++; // past the '\n'
                        if (pendingLength == 0) return Arrays.copyOfRange(block, start, end);
                    }
                    int add = end - start;
                    if (pendingLength + add > pending.length)
                        pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + add));
                    System.arraycopy(block, start, pending, pendingLength, add);
                    pendingLength += add;
                    if (end < limit) return Arrays.copyOf(pending, pendingLength);
                }
            }

            @Override
            public void close() throws IOException {
                stream.close();
            }
        };
    }

    private static boolean isBlank(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (!Character.isWhitespace(bytes[i])) return false;
        }
        return true;
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
        return TypeInformation.of(InputRecord.class);
    }
}
