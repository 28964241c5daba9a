package io.modelvitals.tools.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One self-contained HTML page of a model's story over time: the data inline as JSON, the styles and
 * the charting script inline (plain SVG, no library, no network), so the file opens anywhere.
 */
public final class HtmlReport {
    private HtmlReport() {}

    public static String render(List<String> vitalLines, List<String> alertLines) {
        return render(vitalLines, alertLines, null);
    }

    /** @param ledgerJson replay's ledger.json, shown as a table at the end (null: none) */
    public static String render(List<String> vitalLines, List<String> alertLines, String ledgerJson) {
        String template;
        try (InputStream in = HtmlReport.class.getResourceAsStream("/report/report.html")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return template.replace("{{DATA}}", ReportData.json(ReportData.build(vitalLines, alertLines)))
                .replace("</body>", LedgerSection.html(ledgerJson) + "</body>");
    }
}
