package dev.tuneloop.curation.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.curation.domain.BatchCuration;
import dev.tuneloop.curation.domain.CurationPolicy;
import dev.tuneloop.curation.domain.Curator;
import dev.tuneloop.curation.domain.DatasetIndex;
import dev.tuneloop.curation.domain.LshTable;
import dev.tuneloop.curation.domain.MinHashSettings;
import dev.tuneloop.curation.domain.MinHasher;
import dev.tuneloop.curation.domain.RecordReader;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Curation benchmark (prints numbers; not a test). Modes:
 *
 * <ul>
 *   <li>{@code generate FILE N}: N synthetic records, 10% of them near copies (1-3 words replaced)
 *       of a record among the previous 10,000, as NDJSON;
 *   <li>{@code curate FILE}: the whole curation step (parse, validate, normalize, exact hash,
 *       MinHash, LSH, Jaccard confirmation, splits) over the file: records/s and peak heap;
 *   <li>{@code neardup FILE K}: near-duplicate detection only (shingles, MinHash, LSH query,
 *       Jaccard confirmation, insert) on one thread over the first K records, the scope the
 *       datasketch script measures;
 *   <li>{@code quality FILE N TRUTH}: brute-force truth (all pairs with Jaccard >= 0.8) over the
 *       first N records, written to TRUTH, and the recall/precision of the LSH detection.
 * </ul>
 */
public final class CurationBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MinHashSettings SETTINGS = MinHashSettings.DEFAULT;

  private CurationBenchmark() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "generate" -> generate(Path.of(args[1]), Integer.parseInt(args[2]));
      case "curate" -> curate(Path.of(args[1]));
      case "neardup" -> nearDup(Path.of(args[1]), Integer.parseInt(args[2]));
      case "quality" -> quality(Path.of(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  static void generate(Path file, int n) throws IOException {
    SplittableRandom random = new SplittableRandom(2026);
    String[] vocabulary = new String[30_000];
    for (int i = 0; i < vocabulary.length; i++) {
      StringBuilder w = new StringBuilder();
      int length = 2 + random.nextInt(9);
      for (int j = 0; j < length; j++) {
        w.append((char) ('a' + random.nextInt(26)));
      }
      vocabulary[i] = w.toString();
    }
    List<String[]> recent = new ArrayList<>(); // ring of the last 10,000 records: words, label
    int nearCopies = 0;
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      for (int i = 0; i < n; i++) {
        String[] words;
        String label;
        if (i >= 1000 && random.nextInt(10) == 0) {
          String[] source = recent.get(random.nextInt(recent.size()));
          words = source[0].split(" ");
          int edits = 1 + random.nextInt(3);
          for (int e = 0; e < edits; e++) {
            words[random.nextInt(words.length)] = vocabulary[random.nextInt(vocabulary.length)];
          }
          label = source[1];
          nearCopies++;
        } else {
          words = new String[20 + random.nextInt(61)];
          for (int w = 0; w < words.length; w++) {
            words[w] = vocabulary[random.nextInt(vocabulary.length)];
          }
          label = random.nextInt(3) == 0 ? "spam" : "ham";
        }
        String text = String.join(" ", words);
        String[] entry = {text, label};
        if (recent.size() < 10_000) {
          recent.add(entry);
        } else {
          recent.set(i % 10_000, entry);
        }
        out.write(
            "{\"id\":\"r" + i + "\",\"text\":\"" + text + "\",\"label\":\"" + label + "\"}\n");
      }
    }
    System.out.printf(
        Locale.ROOT, "generated %d records (%d near copies) into %s%n", n, nearCopies, file);
  }

  static void curate(Path file) throws Exception {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    AtomicLong sampledPeak = new AtomicLong();
    Thread sampler =
        new Thread(
            () -> {
              Runtime rt = Runtime.getRuntime();
              while (!Thread.currentThread().isInterrupted()) {
                sampledPeak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    sampler.start();
    long start = System.nanoTime();
    BatchCuration result;
    try (InputStream in = Files.newInputStream(file)) {
      // an empty dataset, sized as the service sizes it (the index grows as records are kept)
      DatasetIndex index = new DatasetIndex(new MinHasher(SETTINGS));
      result =
          new Curator(CurationPolicy.DEFAULT)
              .curate(
                  index,
                  RecordReader.open(
                      RecordReader.Format.NDJSON, in, CurationPolicy.DEFAULT.limits()),
                  1);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    sampler.interrupt();
    long poolPeaks = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        poolPeaks += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "curate: %d records in %.1f s = %.0f records/s; accepted %d, rejected %s; peak heap"
            + " sampled %.0f MiB (sum of heap pool peaks %.0f MiB), max heap %.0f MiB, %d cores%n",
        result.received(),
        seconds,
        result.received() / seconds,
        result.accepted(),
        result.rejectedByReason(),
        sampledPeak.get() / 1048576.0,
        poolPeaks / 1048576.0,
        Runtime.getRuntime().maxMemory() / 1048576.0,
        Runtime.getRuntime().availableProcessors());
  }

  static List<String> texts(Path file, int limit) throws IOException {
    List<String> texts = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      for (String line; texts.size() < limit && (line = reader.readLine()) != null; ) {
        JsonNode node = JSON.readTree(line);
        texts.add(node.get("text").asText()); // generated texts are already in normal form
      }
    }
    return texts;
  }

  static void nearDup(Path file, int k) throws IOException {
    MinHasher hasher = new MinHasher(SETTINGS);
    long start = System.nanoTime();
    List<long[]> pairs = detect(hasher, file, k, null);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "neardup (1 thread, read+parse+shingle+minhash+lsh+confirm): %d records in %.1f s = %.0f"
            + " records/s, %d pairs%n",
        k,
        seconds,
        k / seconds,
        pairs.size());
  }

  /** Near-duplicate pairs (earlier, later) found by LSH and confirmed by Jaccard. */
  static List<long[]> detect(MinHasher hasher, Path file, int k, List<String> given)
      throws IOException {
    List<String> texts = given;
    List<long[]> pairs = new ArrayList<>();
    LshTable lsh = new LshTable(SETTINGS.bands(), k);
    List<String> kept = new ArrayList<>();
    try (BufferedReader reader = given == null ? Files.newBufferedReader(file) : null) {
      for (int i = 0; i < k; i++) {
        String text;
        if (given != null) {
          text = texts.get(i);
        } else {
          String line = reader.readLine();
          if (line == null) {
            break;
          }
          text = JSON.readTree(line).get("text").asText();
        }
        long[] shingles = hasher.shingles(text);
        long[] keys = hasher.bandKeys(hasher.signature(shingles));
        final int self = i;
        Set<Integer> seen = new HashSet<>();
        lsh.forEachCandidate(
            keys,
            j -> {
              if (seen.add(j)
                  && MinHasher.jaccard(shingles, hasher.shingles(kept.get(j)))
                      >= SETTINGS.threshold()) {
                pairs.add(new long[] {j, self});
              }
            });
        lsh.add(keys);
        kept.add(text);
      }
    }
    return pairs;
  }

  static void quality(Path file, int n, Path truthFile) throws IOException {
    MinHasher hasher = new MinHasher(SETTINGS);
    List<String> texts = texts(file, n);
    long[][] shingles = new long[n][];
    for (int i = 0; i < n; i++) {
      shingles[i] = hasher.shingles(texts.get(i));
    }
    long start = System.nanoTime();
    List<Set<Integer>> truth = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      truth.add(new HashSet<>());
    }
    // every pair i<j; a pair can only reach 0.8 if the smaller set has >= 0.8 x the larger's size
    IntStream.range(0, n)
        .parallel()
        .forEach(
            j -> {
              Set<Integer> mine = new HashSet<>();
              for (int i = 0; i < j; i++) {
                int a = shingles[i].length;
                int b = shingles[j].length;
                if (Math.min(a, b) < SETTINGS.threshold() * Math.max(a, b)) {
                  continue;
                }
                if (MinHasher.jaccard(shingles[i], shingles[j]) >= SETTINGS.threshold()) {
                  mine.add(i);
                }
              }
              synchronized (truth) {
                truth.get(j).addAll(mine);
              }
            });
    long truePairs = truth.stream().mapToLong(Set::size).sum();
    System.out.printf(
        Locale.ROOT,
        "truth: %d pairs with Jaccard >= %.2f among the first %d records (brute force, %.0f s)%n",
        truePairs,
        SETTINGS.threshold(),
        n,
        (System.nanoTime() - start) / 1e9);
    try (BufferedWriter out = Files.newBufferedWriter(truthFile)) {
      for (int j = 0; j < n; j++) {
        for (int i : truth.get(j)) {
          out.write(i + " " + j + "\n");
        }
      }
    }
    List<long[]> found = detect(hasher, file, n, texts);
    long hits = 0;
    for (long[] p : found) {
      if (truth.get((int) p[1]).contains((int) p[0])) {
        hits++;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "tuneloop MinHash+LSH (%d permutations, %d bands x %d rows, shingle %d, threshold %.2f):"
            + " found %d pairs, recall %.4f, precision %.4f%n",
        SETTINGS.permutations(),
        SETTINGS.bands(),
        SETTINGS.rows(),
        SETTINGS.shingleSize(),
        SETTINGS.threshold(),
        found.size(),
        truePairs == 0 ? 1.0 : (double) hits / truePairs,
        found.isEmpty() ? 1.0 : (double) hits / found.size());
  }
}
