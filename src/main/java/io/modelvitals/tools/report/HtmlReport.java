package io.modelvitals.tools.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One self-contained HTML page of a model's story over time: the data inline as JSON, the styles, the
 * page's script and the charting library (uPlot, read from its WebJar on the classpath) inline too, so
 * the file opens anywhere, offline.
 */
public final class HtmlReport {
    /** uPlot's files inside its WebJar (org.webjars.npm:uplot, the version in the pom). */
    static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/dist/";

    private HtmlReport() {}

    /** The report without a spec: every vital is faded below {@link ReportData#DEFAULT_MIN_SAMPLES}. */
    public static String render(List<String> vitalLines, List<String> alertLines) {
        return render(vitalLines, alertLines, ReportData.MinSamples.DEFAULT, null);
    }

    /** @param ledgerJson replay's ledger.json, shown as a table at the end (null: none) */
    public static String render(List<String> vitalLines, List<String> alertLines, String ledgerJson) {
        return render(vitalLines, alertLines, ReportData.MinSamples.DEFAULT, ledgerJson);
    }

    public static String render(List<String> vitalLines, List<String> alertLines, ReportData.MinSamples minSamples) {
        return render(vitalLines, alertLines, minSamples, null);
    }

    /** @param ledgerJson replay's ledger.json, shown as a table at the end (null: none) */
    public static String render(
            List<String> vitalLines, List<String> alertLines, ReportData.MinSamples minSamples, String ledgerJson) {
        return resource("/report/report.html")
                .replace("{{UPLOT_CSS}}", resource(UPLOT + "uPlot.min.css"))
                .replace("{{UPLOT_JS}}", script(resource(UPLOT + "uPlot.iife.min.js")))
                .replace("{{DATA}}", ReportData.json(ReportData.build(vitalLines, alertLines, minSamples)))
                .replace("</body>", LedgerSection.html(ledgerJson) + "</body>");
    }

    /** A script inlined as is: it must not hold the text that would end its element early. */
    private static String script(String js) {
        if (js.toLowerCase(java.util.Locale.ROOT).contains("</script"))
            throw new IllegalStateException("the script cannot be inlined: it contains </script");
        return js;
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("not on the classpath: " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
