package dev.tuneloop.evaluator.domain;

import dev.tuneloop.events.ModelEvaluated.Reason;
import dev.tuneloop.ml.metrics.ClassMetrics;
import dev.tuneloop.ml.metrics.ClassificationMetrics;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Renders an {@link EvaluationReport} as one self-contained HTML page (inline CSS, no scripts, no
 * external resources): verdict and reasons, metrics next to the champion's, per-class table,
 * confusion-matrix heat maps, paired tests and regression checks.
 */
public final class HtmlReport {

  private static final String CSS =
      "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222}"
          + "h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}"
          + "table{border-collapse:collapse;margin:.5rem 0}"
          + "th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}"
          + "th{background:#f3f3f3}td.l,th.l{text-align:left}"
          + ".pass{color:#fff;background:#2e7d32;padding:.2rem .6rem;border-radius:4px}"
          + ".fail{color:#fff;background:#c62828;padding:.2rem .6rem;border-radius:4px}"
          + "tr.bad td{background:#fdecea}.muted{color:#777}"
          + ".heat td{width:4rem;text-align:center}";

  private HtmlReport() {}

  /** The page. */
  public static String render(EvaluationReport r) {
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc("Evaluation of " + r.modelName() + " / " + r.jobId()))
        .append("</title><style>")
        .append(CSS)
        .append("</style></head><body>");
    String verdict = r.verdict().name().toLowerCase(Locale.ROOT);
    h.append("<h1>")
        .append(esc(r.modelName()))
        .append(" &mdash; candidate ")
        .append(esc(r.jobId()))
        .append(" <span class=\"")
        .append(verdict)
        .append("\">")
        .append(verdict.toUpperCase(Locale.ROOT))
        .append("</span></h1>");
    h.append("<table>");
    row(h, "candidate", r.candidateUri());
    row(h, "dataset", r.dataset() + " v" + r.datasetVersion());
    row(
        h,
        "champion",
        r.champion() == null
            ? "none"
            : "version " + r.champion().version() + " (" + r.champion().uri() + ")");
    row(h, "evaluation run", r.evaluationRunId());
    row(h, "evaluated at", r.evaluatedAt().toString());
    h.append("</table>");
    if (r.override() != null) {
      h.append("<p><strong>Forced pass</strong> by ")
          .append(esc(r.override().operator()))
          .append(" at ")
          .append(esc(r.override().at().toString()))
          .append(": ")
          .append(esc(r.override().reason()))
          .append("</p>");
    }
    if (r.error() != null) {
      h.append("<p><strong>The evaluation failed:</strong> ").append(esc(r.error())).append("</p>");
    }
    reasons(h, r.reasons());
    ClassificationMetrics own = r.candidate() == null ? null : r.candidate().metrics();
    ClassificationMetrics theirs =
        r.champion() == null || r.champion().metrics() == null ? null : r.champion().metrics();
    if (own != null) {
      overview(h, r, own, theirs);
      perClass(h, own, theirs);
      heatMap(h, "Confusion matrix: candidate", own);
      if (theirs != null) {
        heatMap(h, "Confusion matrix: champion", theirs);
      }
    }
    if (r.champion() != null && r.champion().mcnemar() != null) {
      McNemar.Result m = r.champion().mcnemar();
      PairedBootstrap.Result b = r.champion().bootstrap();
      h.append("<h2>Paired comparison on the same examples</h2><table>");
      row(
          h,
          "McNemar (accuracy)",
          fmt(
              "b=%d candidate-only correct, c=%d champion-only correct, statistic %.4f, p=%.4g (%s)",
              m.candidateOnlyCorrect(),
              m.championOnlyCorrect(),
              m.statistic(),
              m.pValue(),
              m.method().name().toLowerCase(Locale.ROOT)));
      if (b != null) {
        row(
            h,
            "paired bootstrap (macro-F1)",
            fmt(
                "delta %+.4f, %.0f%% interval [%+.4f, %+.4f], p=%.4g, %d resamples, seed %d",
                b.observedDelta(),
                100 * b.confidence(),
                b.lower(),
                b.upper(),
                b.pValue(),
                b.samples(),
                b.seed()));
      }
      h.append("</table>");
    }
    if (!r.regression().isEmpty()) {
      h.append("<h2>Earlier dataset versions</h2><table><tr><th>version</th><th>examples</th>")
          .append("<th>candidate accuracy</th><th>champion accuracy</th>")
          .append("<th>candidate macro-F1</th><th>champion macro-F1</th></tr>");
      for (RegressionCheck c : r.regression()) {
        h.append("<tr><td>v")
            .append(c.datasetVersion())
            .append("</td><td>")
            .append(c.examples())
            .append("</td>")
            .append(cell(c.candidate().accuracy()))
            .append(cell(c.champion().accuracy()))
            .append(cell(c.candidate().macroF1()))
            .append(cell(c.champion().macroF1()))
            .append("</tr>");
      }
      h.append("</table>");
    }
    if (r.smoke() != null) {
      h.append("<h2>Serving smoke test</h2><p>").append(esc(r.smoke().detail())).append("</p>");
    }
    h.append("<p class=\"muted\">tuneloop evaluator, report schema ")
        .append(r.schemaVersion())
        .append("</p></body></html>");
    return h.toString();
  }

  private static void reasons(StringBuilder h, List<Reason> reasons) {
    h.append("<h2>Gates</h2><table><tr><th class=\"l\">gate</th><th class=\"l\">metric</th>")
        .append("<th>threshold</th><th>candidate</th><th>champion</th><th>delta</th>")
        .append("<th>p-value</th><th>outcome</th><th class=\"l\">why</th></tr>");
    for (Reason r : reasons) {
      h.append(r.passed() ? "<tr>" : "<tr class=\"bad\">")
          .append("<td class=\"l\">")
          .append(esc(r.gate()))
          .append("</td><td class=\"l\">")
          .append(esc(r.metric() == null ? "" : r.metric()))
          .append("</td>")
          .append(cell(r.threshold()))
          .append(cell(r.candidateValue()))
          .append(cell(r.championValue()))
          .append(cell(r.delta()))
          .append(cell(r.pValue()))
          .append("<td>")
          .append(r.passed() ? "pass" : "<strong>fail</strong>")
          .append("</td><td class=\"l\">")
          .append(esc(r.message()))
          .append("</td></tr>");
    }
    h.append("</table>");
  }

  private static void overview(
      StringBuilder h,
      EvaluationReport r,
      ClassificationMetrics own,
      @Nullable ClassificationMetrics theirs) {
    h.append("<h2>Test metrics (")
        .append(own.count())
        .append(" examples)</h2><table><tr><th class=\"l\">metric</th><th>candidate</th>")
        .append("<th>champion</th><th>delta</th></tr>");
    String[][] metrics = {
      {"accuracy", "accuracy"},
      {"macro_f1", "macro-F1"},
      {"weighted_f1", "weighted F1"},
      {"log_loss", "log-loss"},
      {"ece", "expected calibration error"}
    };
    for (String[] m : metrics) {
      double a = own.get(m[0]);
      Double b = theirs == null ? null : theirs.get(m[0]);
      h.append("<tr><td class=\"l\">")
          .append(m[1])
          .append("</td>")
          .append(cell(a))
          .append(cell(b))
          .append(cell(b == null ? null : a - b))
          .append("</tr>");
    }
    if (r.candidate() != null) {
      Latency l = r.candidate().latency();
      Latency c = r.champion() == null ? null : r.champion().latency();
      h.append("<tr><td class=\"l\">ms per batch of ")
          .append(l.batchSize())
          .append(" (mean)</td>")
          .append(cell(l.meanMillisPerBatch()))
          .append(cell(c == null ? null : c.meanMillisPerBatch()))
          .append(cell(c == null ? null : l.meanMillisPerBatch() - c.meanMillisPerBatch()))
          .append("</tr><tr><td class=\"l\">ms per batch (p95)</td>")
          .append(cell(l.p95MillisPerBatch()))
          .append(cell(c == null ? null : c.p95MillisPerBatch()))
          .append(cell(c == null ? null : l.p95MillisPerBatch() - c.p95MillisPerBatch()))
          .append("</tr>");
    }
    h.append("</table>");
  }

  private static void perClass(
      StringBuilder h, ClassificationMetrics own, @Nullable ClassificationMetrics theirs) {
    h.append("<h2>Per class</h2><table><tr><th class=\"l\">class</th><th>support</th>")
        .append("<th>precision</th><th>recall</th><th>F1</th>")
        .append("<th>champion precision</th><th>champion recall</th><th>champion F1</th>")
        .append("<th>F1 delta</th></tr>");
    for (int i = 0; i < own.perClass().size(); i++) {
      ClassMetrics c = own.perClass().get(i);
      ClassMetrics o = theirs == null ? null : theirs.perClass().get(i);
      h.append("<tr><td class=\"l\">")
          .append(esc(c.label()))
          .append("</td><td>")
          .append(c.support())
          .append("</td>")
          .append(cell(c.precision()))
          .append(cell(c.recall()))
          .append(cell(c.f1()))
          .append(cell(o == null ? null : o.precision()))
          .append(cell(o == null ? null : o.recall()))
          .append(cell(o == null ? null : o.f1()))
          .append(cell(o == null ? null : c.f1() - o.f1()))
          .append("</tr>");
    }
    h.append("</table>");
  }

  /** Cells shaded by the share of their row (the true class), blue for hits, red for misses. */
  private static void heatMap(StringBuilder h, String title, ClassificationMetrics m) {
    h.append("<h2>")
        .append(esc(title))
        .append("</h2><table class=\"heat\"><tr><th class=\"l\">true \\ predicted</th>");
    for (String label : m.labels()) {
      h.append("<th>").append(esc(label)).append("</th>");
    }
    h.append("</tr>");
    long[][] cm = m.confusionMatrix();
    for (int t = 0; t < cm.length; t++) {
      long total = 0;
      for (long v : cm[t]) {
        total += v;
      }
      h.append("<tr><th class=\"l\">").append(esc(m.labels().get(t))).append("</th>");
      for (int p = 0; p < cm[t].length; p++) {
        double share = total == 0 ? 0 : (double) cm[t][p] / total;
        String rgb = t == p ? "25,118,210" : "198,40,40";
        h.append("<td style=\"background:rgba(")
            .append(rgb)
            .append(',')
            .append(fmt("%.2f", share))
            .append(");color:")
            .append(share > 0.5 ? "#fff" : "#222")
            .append("\" title=\"")
            .append(fmt("%.1f%% of true %s", 100 * share, esc(m.labels().get(t))))
            .append("\">")
            .append(cm[t][p])
            .append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table>");
  }

  private static void row(StringBuilder h, String key, String value) {
    h.append("<tr><th class=\"l\">")
        .append(esc(key))
        .append("</th><td class=\"l\">")
        .append(esc(value))
        .append("</td></tr>");
  }

  private static String cell(@Nullable Double value) {
    return value == null
        ? "<td class=\"muted\">&ndash;</td>"
        : "<td>" + fmt("%.4f", value) + "</td>";
  }

  private static String fmt(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }

  /** Escapes text for HTML element content and attribute values. */
  static String esc(@Nullable String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
