package dev.tuneloop.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Production-like traffic against serving: batches of texts with a routing key per simulated user,
 * and, for a share of the answers, the true label as feedback (as a labelling team would send it).
 * Runs on its own thread until stopped; the texts can be swapped while it runs (to inject a shift).
 */
public final class Traffic implements AutoCloseable {

  /** Answers seen per arm and version, and how many were right. */
  public record Tally(long answered, long correct) {}

  private final ServiceClient client;
  private final String model;
  private final int batchSize;
  private final double feedbackShare;
  private final long pauseMillis;
  private final AtomicReference<List<LabelledRecord>> texts = new AtomicReference<>(List.of());
  private final Map<String, long[]> tallies = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<String> lastFailure = new AtomicReference<>("");
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param batchSize texts per request
   * @param feedbackShare share of answers whose true label is sent back, in [0, 1]
   * @param pauseMillis pause between requests
   */
  public Traffic(
      ServiceClient client, String model, int batchSize, double feedbackShare, long pauseMillis) {
    this.client = client;
    this.model = model;
    this.batchSize = batchSize;
    this.feedbackShare = feedbackShare;
    this.pauseMillis = pauseMillis;
    this.thread = new Thread(this::run, "tuneloop-traffic");
    this.thread.setDaemon(true);
  }

  /** Starts sending {@code records} (cycling through them). */
  public Traffic start(List<LabelledRecord> records) {
    texts.set(List.copyOf(records));
    thread.start();
    return this;
  }

  /** Switches to other texts, e.g. to inject a shift. */
  public void switchTo(List<LabelledRecord> records) {
    texts.set(List.copyOf(records));
  }

  private void run() {
    Random random = new Random(7);
    int position = 0;
    while (running) {
      List<LabelledRecord> pool = texts.get();
      if (pool.isEmpty()) {
        sleep(pauseMillis);
        continue;
      }
      List<LabelledRecord> batch = new ArrayList<>(batchSize);
      List<String> bodies = new ArrayList<>(batchSize);
      List<String> keys = new ArrayList<>(batchSize);
      for (int i = 0; i < batchSize; i++) {
        LabelledRecord record = pool.get(Math.floorMod(position++, pool.size()));
        batch.add(record);
        bodies.add(record.text());
        keys.add("user-" + random.nextInt(10_000));
      }
      try {
        List<ServiceClient.Answer> answers = client.predict(model, bodies, keys);
        requests.incrementAndGet();
        for (int i = 0; i < answers.size(); i++) {
          ServiceClient.Answer answer = answers.get(i);
          boolean right = answer.label().equals(batch.get(i).label());
          long[] tally =
              tallies.computeIfAbsent(answer.arm() + " v" + answer.version(), k -> new long[2]);
          synchronized (tally) {
            tally[0]++;
            tally[1] += right ? 1 : 0;
          }
          if (random.nextDouble() < feedbackShare) {
            client.feedback(model, answer.requestId(), batch.get(i).label());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        failures.incrementAndGet();
        lastFailure.set(e.getMessage());
        sleep(1000); // e.g. 503 until a model is loaded
      }
      sleep(pauseMillis);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Answers and correct answers per "arm vVersion". */
  public Map<String, Tally> tallies() {
    Map<String, Tally> out = new java.util.TreeMap<>();
    tallies.forEach(
        (key, tally) -> {
          synchronized (tally) {
            out.put(key, new Tally(tally[0], tally[1]));
          }
        });
    return out;
  }

  /** Requests answered. */
  public long requests() {
    return requests.get();
  }

  /** Requests that failed, and the last failure. */
  public String failures() {
    return failures.get() + (failures.get() > 0 ? " (last: " + lastFailure.get() + ")" : "");
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
