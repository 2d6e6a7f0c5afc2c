package dev.tuneloop.monitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.events.Arm;
import dev.tuneloop.events.DriftDetected;
import dev.tuneloop.events.EventJson;
import dev.tuneloop.events.Feedback;
import dev.tuneloop.events.Prediction;
import dev.tuneloop.monitor.domain.DriftSettings;
import dev.tuneloop.monitor.domain.EngineSettings;
import dev.tuneloop.monitor.domain.MonitorEngine;
import dev.tuneloop.monitor.domain.Profiles;
import dev.tuneloop.monitor.domain.ReferenceProfile;
import dev.tuneloop.monitor.domain.SyntheticTraffic;
import dev.tuneloop.monitor.domain.WindowReport;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Benchmarks of the monitor's windowing and drift code (no Kafka), printing numbers for {@code
 * docs/benchmarks.md}:
 *
 * <ul>
 *   <li>{@code throughput [N]}: predictions per second through {@link MonitorEngine} (windows of
 *       1000, 16 embedding projections, every window tested for drift, 10% feedback), with and
 *       without decoding the event JSON;
 *   <li>{@code shift <spam-assassin.ndjson> [runs]}: a SpamAssassin stream where easy ham is
 *       replaced by hard ham at a known point; how many predictions until {@code drift.detected},
 *       and the false-alarm rate on unshifted traffic.
 * </ul>
 *
 * <p>The shift benchmark does not run a fine-tuned transformer (too slow for thousands of windows
 * on 2 cores): the "model" is a multinomial naive Bayes on words trained on part of the corpus, and
 * the "embedding" a deterministic 256-dimensional hashed bag of words, projected on 16 random unit
 * vectors as the trainer and serving do with the real pooled embedding.
 */
public final class MonitorBenchmark {

  private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");

  private MonitorBenchmark() {}

  /** Entry point: {@code throughput [N]} or {@code shift FILE [runs]}. */
  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "throughput" -> throughput(args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000);
      case "shift" -> shift(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 20);
      default -> {
        System.err.println("usage: MonitorBenchmark throughput [N] | shift FILE [runs]");
        System.exit(2);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // throughput

  private static void throughput(int total) {
    int k = 16;
    int distinct = 200_000;
    SyntheticTraffic traffic = new SyntheticTraffic(1, k);
    ReferenceProfile profile = traffic.profile(10_000);
    Prediction[] predictions = new Prediction[distinct];
    byte[][] encoded = new byte[distinct][];
    for (int i = 0; i < distinct; i++) {
      // 4 versions of 2 models; a slow shift in the second half
      String model = i % 2 == 0 ? "spam" : "intent";
      String version = String.valueOf(1 + (i / 2) % 2);
      predictions[i] =
          traffic.prediction(
              model,
              version,
              version.equals("1") ? Arm.CHAMPION : Arm.CHALLENGER,
              "x",
              T0,
              i > distinct / 2 && i % 7 == 0);
      encoded[i] = EventJson.encode(predictions[i]);
    }
    System.out.printf(
        Locale.ROOT,
        "throughput: %,d predictions, windows of 1000, k=%d projections, 4 model versions, every window"
            + " drift-tested (PSI, JS, 2x KS, projection PSI, MMD 100x100 with 100 permutations),"
            + " feedback for 10%%%n",
        total,
        k);
    for (int mode = 0; mode < 3; mode++) {
      boolean decode = mode == 2;
      MonitorEngine engine = engine(1000);
      for (String m : mode == 0 ? List.<String>of() : List.of("spam", "intent")) {
        engine.setProfile(m, "1", profile);
        engine.setProfile(m, "2", profile);
      }
      long windows = 0;
      long drifted = 0;
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        Prediction template = predictions[i % distinct];
        Prediction p;
        if (decode) {
          // decode the JSON as the consumer does (request ids are in the JSON, so reuse is fine:
          // the id is replaced below to keep the join realistic)
          Prediction d = EventJson.decode(Prediction.class, encoded[i % distinct]);
          p = withId(d, "r" + i);
        } else {
          p = withId(template, "r" + i);
        }
        List<WindowReport> reports = engine.onPrediction(p, T0);
        if (!reports.isEmpty()) {
          windows += reports.size();
          for (WindowReport r : reports) {
            if (r.drift() != null) {
              drifted++;
            }
          }
        }
        if (i % 10 == 0) {
          engine.onFeedback(new Feedback("r" + i, p.modelName(), p.label(), null, T0));
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "  %-24s %,10.0f predictions/s  (%,d windows, %,d with drift, %.1f s)%n",
          mode == 0 ? "windowing only:" : decode ? "with JSON decoding:" : "windowing + drift:",
          total / seconds,
          windows,
          drifted,
          seconds);
    }
  }

  private static Prediction withId(Prediction p, String id) {
    return new Prediction(
        id,
        p.modelName(),
        p.modelVersion(),
        p.arm(),
        p.shadow(),
        p.routingKey(),
        p.label(),
        p.confidence(),
        p.probabilities(),
        p.input(),
        p.latencyMillis(),
        p.predictedAt());
  }

  private static MonitorEngine engine(int windowSize) {
    return new MonitorEngine(
        new EngineSettings(
            windowSize,
            Duration.ofMinutes(5),
            Duration.ofHours(1),
            1_000_000,
            DriftSettings.DEFAULT));
  }

  // ---------------------------------------------------------------------------------------------
  // shift

  private record Mail(String group, String label, String text, List<String> words) {}

  private record Scored(String label, double confidence, int length, double[] projected) {}

  private static void shift(Path file, int runs) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Mail> mails = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode r = json.readTree(line);
        String text = r.get("text").asText();
        String group = r.path("meta").path("group").asText();
        mails.add(
            new Mail(group.replaceAll("-\\d+$", ""), r.get("label").asText(), text, words(text)));
      }
    }
    Map<String, List<Mail>> byGroup = new TreeMap<>();
    mails.forEach(m -> byGroup.computeIfAbsent(m.group(), g -> new ArrayList<>()).add(m));
    System.out.printf(Locale.ROOT, "shift: %s%n", file);
    byGroup.forEach(
        (g, list) -> System.out.printf(Locale.ROOT, "  %-10s %,6d mails%n", g, list.size()));

    // train / held-out split of easy ham and spam (hard ham is never trained on)
    SplittableRandom random = new SplittableRandom(2026);
    List<Mail> train = new ArrayList<>();
    List<Mail> validation = new ArrayList<>();
    List<Mail> heldEasy = new ArrayList<>();
    List<Mail> heldSpam = new ArrayList<>();
    for (Mail m : byGroup.getOrDefault("easy-ham", List.of())) {
      double u = random.nextDouble();
      (u < 0.5 ? train : u < 0.7 ? validation : heldEasy).add(m);
    }
    for (Mail m : byGroup.getOrDefault("spam", List.of())) {
      double u = random.nextDouble();
      (u < 0.5 ? train : u < 0.7 ? validation : heldSpam).add(m);
    }
    List<Mail> hard = byGroup.getOrDefault("hard-ham", List.of());
    if (heldEasy.isEmpty() || heldSpam.isEmpty() || hard.isEmpty()) {
      throw new IllegalArgumentException("the file needs easy-ham, hard-ham and spam groups");
    }
    NaiveBayes model = NaiveBayes.train(train);
    HashedEmbedding embedding = new HashedEmbedding(256, 16, 7);

    // the reference profile as the trainer writes it (training split), and from the validation
    // split
    ReferenceProfile trainProfile = profile(train, model, embedding);
    ReferenceProfile validationProfile = profile(validation, model, embedding);
    double spamShare =
        (double) byGroup.get("spam").size()
            / (byGroup.get("spam").size() + byGroup.get("easy-ham").size());
    System.out.printf(
        Locale.ROOT,
        "  model: naive Bayes on words, trained on %,d mails; held-out accuracy easy ham %.3f, spam %.3f,"
            + " hard ham %.3f%n",
        train.size(),
        accuracy(heldEasy, model),
        accuracy(heldSpam, model),
        accuracy(hard, model));
    System.out.printf(
        Locale.ROOT,
        "  traffic: %.0f%% spam, the rest easy ham (unshifted) or hard ham (shifted)%n",
        spamShare * 100);

    Map<Mail, Scored> cache = new HashMap<>();
    for (List<Mail> group : List.of(heldEasy, heldSpam, hard)) {
      for (Mail m : group) {
        cache.put(m, score(m, model, embedding));
      }
    }

    for (String source : List.of("training split", "validation split")) {
      ReferenceProfile profile = source.startsWith("training") ? trainProfile : validationProfile;
      System.out.printf(Locale.ROOT, "  reference profile from the %s:%n", source);
      for (int windowSize : new int[] {500, 1000}) {
        // delay: unshifted for 5 windows and a bit, then shifted; predictions until the first alarm
        List<Integer> delays = new ArrayList<>();
        int missed = 0;
        int earlyAlarms = 0;
        Map<DriftDetected.Severity, Integer> severities = new TreeMap<>();
        for (int run = 0; run < runs; run++) {
          SplittableRandom r = new SplittableRandom(1000 + run);
          MonitorEngine engine = engine(windowSize);
          engine.setProfile("spam", "1", profile);
          int shiftAt = 5 * windowSize + r.nextInt(windowSize);
          Integer delay = null;
          for (int i = 0; i < shiftAt + 10 * windowSize && delay == null; i++) {
            boolean shifted = i >= shiftAt;
            Mail m = draw(r, spamShare, heldSpam, shifted ? hard : heldEasy);
            for (WindowReport report : engine.onPrediction(prediction(cache.get(m), i), T0)) {
              if (report.drift() != null) {
                if (!shifted) {
                  earlyAlarms++;
                } else {
                  delay = i - shiftAt + 1;
                  severities.merge(report.drift().severity(), 1, Integer::sum);
                }
              }
            }
          }
          if (delay == null) {
            missed++;
          } else {
            delays.add(delay);
          }
        }
        // false alarms: unshifted traffic only
        int windows = 0;
        int alarms = 0;
        int alarmsMedium = 0;
        for (int run = 0; run < runs; run++) {
          SplittableRandom r = new SplittableRandom(5000 + run);
          MonitorEngine engine = engine(windowSize);
          engine.setProfile("spam", "1", profile);
          for (int i = 0; i < 20 * windowSize; i++) {
            Mail m = draw(r, spamShare, heldSpam, heldEasy);
            for (WindowReport report : engine.onPrediction(prediction(cache.get(m), i), T0)) {
              windows++;
              if (report.drift() != null) {
                alarms++;
                if (report.drift().severity().compareTo(DriftDetected.Severity.MEDIUM) >= 0) {
                  alarmsMedium++;
                }
              }
            }
          }
        }
        int[] sorted = delays.stream().mapToInt(Integer::intValue).sorted().toArray();
        System.out.printf(
            Locale.ROOT,
            "    window %,5d: shift detected in %d/%d runs; predictions from the shift to drift.detected:"
                + " median %s, max %s (%.2f windows median); severities %s; alarms before the shift %d%n",
            windowSize,
            runs - missed,
            runs,
            sorted.length == 0 ? "-" : String.format(Locale.ROOT, "%,d", sorted[sorted.length / 2]),
            sorted.length == 0 ? "-" : String.format(Locale.ROOT, "%,d", sorted[sorted.length - 1]),
            sorted.length == 0 ? Double.NaN : (double) sorted[sorted.length / 2] / windowSize,
            severities,
            earlyAlarms);
        System.out.printf(
            Locale.ROOT,
            "    window %,5d: false alarms on unshifted traffic: %d of %,d windows (%.2f%%), %d at medium or"
                + " above (would request training)%n",
            windowSize,
            alarms,
            windows,
            100.0 * alarms / windows,
            alarmsMedium);
      }
      // what drifts: one unshifted and one shifted window in detail
      for (boolean shifted : new boolean[] {false, true}) {
        MonitorEngine engine = engine(1000);
        engine.setProfile("spam", "1", profile);
        SplittableRandom r = new SplittableRandom(99);
        for (int i = 0; i < 1000; i++) {
          Mail m = draw(r, spamShare, heldSpam, shifted ? hard : heldEasy);
          for (WindowReport report : engine.onPrediction(prediction(cache.get(m), i), T0)) {
            System.out.println(
                shifted
                    ? "    one fully shifted window of 1000:"
                    : "    one unshifted window of 1000:");
            for (DriftDetected.DriftTest t :
                report.drift() == null
                    ? List.<DriftDetected.DriftTest>of()
                    : report.drift().tests()) {
              System.out.printf(
                  Locale.ROOT,
                  "      %-15s %-22s statistic %.4f threshold %.4f p %.2g drifted %s%n",
                  t.test(),
                  t.feature(),
                  t.statistic(),
                  t.threshold(),
                  t.pValue(),
                  t.drifted() ? t.severity().name().toLowerCase(Locale.ROOT) : "no");
            }
            if (report.drift() == null) {
              System.out.println("      no drift; statistics " + report.health().driftScores());
            }
          }
        }
      }
    }
  }

  private static ReferenceProfile profile(
      List<Mail> mails, NaiveBayes model, HashedEmbedding embedding) {
    List<String> predicted = new ArrayList<>();
    double[] confidence = new double[mails.size()];
    double[] length = new double[mails.size()];
    double[][] projected = new double[mails.size()][];
    for (int i = 0; i < mails.size(); i++) {
      Scored s = score(mails.get(i), model, embedding);
      predicted.add(s.label());
      confidence[i] = s.confidence();
      length[i] = s.length();
      projected[i] = s.projected();
    }
    return Profiles.of(List.of("ham", "spam"), predicted, confidence, length, projected);
  }

  private static Mail draw(SplittableRandom r, double spamShare, List<Mail> spam, List<Mail> ham) {
    List<Mail> from = r.nextDouble() < spamShare ? spam : ham;
    return from.get(r.nextInt(from.size()));
  }

  private static Prediction prediction(Scored s, int i) {
    List<Double> projections = new ArrayList<>(s.projected().length);
    for (double v : s.projected()) {
      projections.add(v);
    }
    return new Prediction(
        "q" + i,
        "spam",
        "1",
        Arm.CHAMPION,
        false,
        null,
        s.label(),
        s.confidence(),
        null,
        new Prediction.InputProfile(s.length(), null, projections),
        10,
        T0.plusMillis(i * 20L));
  }

  private static Scored score(Mail m, NaiveBayes model, HashedEmbedding embedding) {
    double pSpam = model.spamProbability(m.words());
    String label = pSpam >= 0.5 ? "spam" : "ham";
    return new Scored(
        label, Math.max(pSpam, 1 - pSpam), m.text().length(), embedding.project(m.words()));
  }

  private static double accuracy(List<Mail> mails, NaiveBayes model) {
    long right =
        mails.stream()
            .filter(
                m -> (model.spamProbability(m.words()) >= 0.5 ? "spam" : "ham").equals(m.label()))
            .count();
    return (double) right / mails.size();
  }

  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9$!]+")) {
      if (w.length() >= 2 && w.length() <= 20) {
        out.add(w);
      }
    }
    return out;
  }

  /** Multinomial naive Bayes with Laplace smoothing; probabilities tempered to avoid all-1.0. */
  static final class NaiveBayes {
    private final Map<String, double[]> counts = new HashMap<>();
    private final double[] totals = new double[2];
    private final double[] priors = new double[2];

    static NaiveBayes train(List<Mail> mails) {
      NaiveBayes nb = new NaiveBayes();
      int[] docs = new int[2];
      for (Mail m : mails) {
        int c = m.label().equals("spam") ? 1 : 0;
        docs[c]++;
        for (String w : m.words()) {
          nb.counts.computeIfAbsent(w, x -> new double[2])[c]++;
          nb.totals[c]++;
        }
      }
      nb.priors[0] = Math.log((double) docs[0] / mails.size());
      nb.priors[1] = Math.log((double) docs[1] / mails.size());
      return nb;
    }

    double spamProbability(List<String> words) {
      double[] score = priors.clone();
      int vocabulary = counts.size();
      int used = 0;
      for (String w : words) {
        double[] c = counts.get(w);
        if (c == null) {
          continue;
        }
        for (int k = 0; k < 2; k++) {
          score[k] += Math.log((c[k] + 1) / (totals[k] + vocabulary));
        }
        if (++used >= 200) {
          break;
        }
      }
      // temper: naive Bayes is far too sure of itself; scale the log-odds like a temperature
      double logOdds = (score[1] - score[0]) / 20;
      return 1 / (1 + Math.exp(-logOdds));
    }
  }

  /** A hashed bag of words, L2-normalised, and its projections on k random unit vectors. */
  static final class HashedEmbedding {
    private final int dimension;
    private final double[][] projections;

    HashedEmbedding(int dimension, int k, long seed) {
      this.dimension = dimension;
      SplittableRandom random = new SplittableRandom(seed);
      projections = new double[k][dimension];
      for (double[] p : projections) {
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
          double u = random.nextDouble();
          double v = random.nextDouble();
          p[i] = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
          norm += p[i] * p[i];
        }
        double n = Math.sqrt(norm);
        for (int i = 0; i < dimension; i++) {
          p[i] /= n;
        }
      }
    }

    double[] project(List<String> words) {
      double[] e = new double[dimension];
      for (String w : words) {
        int h = w.hashCode() * 0x9E3779B1;
        e[Math.floorMod(h, dimension)] += (h & 0x10000) == 0 ? 1 : -1;
      }
      double norm = Math.sqrt(Arrays.stream(e).map(x -> x * x).sum());
      double[] out = new double[projections.length];
      for (int j = 0; j < projections.length; j++) {
        double dot = 0;
        for (int i = 0; i < dimension; i++) {
          dot += e[i] * projections[j][i];
        }
        out[j] = norm == 0 ? 0 : dot / norm;
      }
      return out;
    }
  }
}
