package io.modelvitals.io;

import io.modelvitals.events.InputRecord;
import io.modelvitals.events.Origin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
        InputStream in = new java.io.BufferedInputStream(stream, 1 << 16);
        return new StreamFormat.Reader<>() {
            long line = 0;

            @Override
            public InputRecord read() throws IOException {
                while (true) {
                    ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
                    int b;
                    while ((b = in.read()) != -1 && b != '\n') buffer.write(b);
                    if (b == -1 && buffer.size() == 0) return null;
                    long number = line++;
                    byte[] bytes = buffer.toByteArray();
                    int length = bytes.length;
                    if (length > 0 && bytes[length - 1] == '\r') length--;
                    if (isBlank(bytes, length)) continue; // blank lines are layout, not records
                    return parser.parse(
                            kind, java.util.Arrays.copyOf(bytes, length), new Origin(originName, 0, number));
                }
            }

            @Override
            public void close() throws IOException {
                in.close();
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
