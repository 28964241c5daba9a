package io.modelvitals.io;

import io.modelvitals.events.ControlRecord;
import io.modelvitals.events.Origin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/** Rule sets for replay: one JSON rule set per line, applied in order as the job starts. */
public class ControlLinesFormat extends SimpleStreamFormat<ControlRecord> {
    private final String originName;

    public ControlLinesFormat(String originName) {
        this.originName = originName;
    }

    @Override
    public StreamFormat.Reader<ControlRecord> createReader(Configuration config, FSDataInputStream stream) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        return new StreamFormat.Reader<>() {
            long line = 0;

            @Override
            public ControlRecord read() throws IOException {
                String text;
                while ((text = reader.readLine()) != null) {
                    long number = line++;
                    if (!text.isBlank()) return new ControlRecord(text, new Origin(originName, 0, number));
                }
                return null;
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    @Override
    public TypeInformation<ControlRecord> getProducedType() {
        return TypeInformation.of(ControlRecord.class);
    }
}
