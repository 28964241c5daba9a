package io.modelvitals.tools.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The report's input ledger: replay's ledger.json as a static table (no script), one row per input file or topic and
 * partition, so a reader sees at a glance that every record ended somewhere (docs/robustness.md).
 */
final class LedgerSection {
    private static final String[] COLUMNS = {"in", "counted", "duplicates", "dead_letters", "late_after_counting"};

    private LedgerSection() {}

    /** The section's HTML, or "" without a ledger. */
    static String html(String ledgerJson) {
        if (ledgerJson == null || ledgerJson.isBlank()) return "";
        JsonNode ledger;
        try {
            ledger = new ObjectMapper().readTree(ledgerJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder h = new StringBuilder("<section id=\"ledger\"><h2>Input ledger</h2>\n<p>")
                .append(escape(ledger.path("identity").asText()))
                .append(": ")
                .append(ledger.path("holds").asBoolean() ? "holds for every input." : "<strong>does not hold</strong>.")
                .append("</p>\n<table><thead><tr><th>input</th><th>partition</th>");
        for (String c : COLUMNS) h.append("<th>").append(c.replace('_', ' ')).append("</th>");
        h.append("<th>holds</th></tr></thead><tbody>\n");
        for (JsonNode row : ledger.path("inputs")) {
            h.append("<tr><td>")
                    .append(escape(row.path("topic").asText()))
                    .append("</td><td>")
                    .append(row.path("partition").asInt());
            for (String c : COLUMNS)
                h.append("</td><td>").append(String.format("%,d", row.path(c).asLong()));
            h.append("</td><td>")
                    .append(row.path("holds").asBoolean() ? "yes" : "NO")
                    .append("</td></tr>\n");
        }
        return h.append("</tbody></table></section>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
