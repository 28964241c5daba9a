package io.modelvitals.tools.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LiveConsoleTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Alerts wait for their window's rows. Three alerts of window 2 arrive while one of window 1 waits, and that one
     * is printed between them: each of the four is printed once, in window order and, within a window, as they came.
     * (The queue was keyed by its own size, so the third alert replaced the second: a FIRING line went missing from
     * the demo's console.)
     */
    @Test
    void everyAlertIsPrintedOnceAfterItsWindowsRows() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveConsole console =
                new LiveConsole(new PrintStream(bytes, true, StandardCharsets.UTF_8), new LiveConsole.Listener() {});
        console.alert(alert("early", 1000));
        console.alert(alert("first", 2000));
        console.vital(vital(1000));
        console.vital(vital(2000));
        console.vital(vital(3000)); // the row of window 1 is out: "early" is due, the window-2 alerts still wait
        console.alert(alert("second", 2000));
        console.alert(alert("third", 2000));
        console.flush();
        List<String> alerts = Arrays.stream(
                        bytes.toString(StandardCharsets.UTF_8).split("\n"))
                .filter(l -> l.startsWith(">>"))
                .map(l -> l.split("\\s+")[2])
                .collect(Collectors.toList());
        assertEquals(List.of("early", "first", "second", "third"), alerts);
    }

    private static JsonNode alert(String name, long windowEnd) throws Exception {
        return MAPPER.readTree("{\"status\":\"firing\",\"window_end\":" + windowEnd + ",\"labels\":{\"alertname\":\""
                + name + "\",\"severity\":\"info\",\"model\":\"m\",\"version\":\"v1\",\"segment\":\"all\"},"
                + "\"annotations\":{\"summary\":\"s\"}}");
    }

    private static JsonNode vital(long windowEnd) throws Exception {
        return MAPPER.readTree("{\"model\":\"m\",\"version\":\"v1\",\"segment\":\"all\",\"vital\":\"accuracy\","
                + "\"window_end\":" + windowEnd + ",\"value\":0.9}");
    }
}
