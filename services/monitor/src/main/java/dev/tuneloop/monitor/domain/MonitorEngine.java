package dev.tuneloop.monitor.domain;

import dev.tuneloop.events.DriftDetected;
import dev.tuneloop.events.Feedback;
import dev.tuneloop.events.ModelHealth;
import dev.tuneloop.events.Prediction;
import dev.tuneloop.events.TimeWindow;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The monitor's windowing: predictions go into tumbling windows per model version and arm (closed
 * by count or time), feedback is joined to its prediction by request id within the horizon (late
 * feedback updates the window it belongs to), and each closed window is tested for drift against
 * the version's reference profile. Plain Java; thread-safe (every method is synchronized).
 *
 * <p>Windows live in memory only: a restart loses the open windows and the join state (see the
 * README).
 */
public final class MonitorEngine {

  private static final int RECENT_DRIFT = 20;

  private final EngineSettings settings;
  private final Map<WindowKey, Window> open = new HashMap<>();
  private final Map<String, Map<String, DriftDetector>> detectors = new HashMap<>();
  private final Map<String, Joined> joins;
  private final Map<String, PendingFeedback> pendingFeedback;
  private final Set<Window> dirty = new LinkedHashSet<>();
  private final Map<String, ModelState> models = new TreeMap<>();

  /** A prediction remembered for the feedback join. */
  private static final class Joined {
    final Window window;
    final String version;
    final String predictedLabel;
    final long predictedAt;
    @Nullable Joined next;
    boolean labelled;

    Joined(Window window, String version, String predictedLabel, long predictedAt) {
      this.window = window;
      this.version = version;
      this.predictedLabel = predictedLabel;
      this.predictedAt = predictedAt;
    }
  }

  private record PendingFeedback(String trueLabel, long receivedAt) {}

  private static final class VersionState {
    long windowsClosed;
    long driftAlarms;
    @Nullable ModelHealth lastHealth;
    @Nullable DriftDetected lastDrift;
  }

  private static final class ModelState {
    final Map<WindowKey, VersionState> versions =
        new TreeMap<>(
            (a, b) ->
                a.version().equals(b.version())
                    ? a.arm().compareTo(b.arm())
                    : compareVersions(a.version(), b.version()));
    final Deque<DriftDetected> recentDrift = new ArrayDeque<>();
  }

  /** An engine with {@code settings}. */
  public MonitorEngine(EngineSettings settings) {
    this.settings = settings;
    int max = settings.maxTrackedRequests();
    this.joins =
        new LinkedHashMap<>(1024, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Joined> eldest) {
            return size() > max;
          }
        };
    this.pendingFeedback =
        new LinkedHashMap<>(256, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, PendingFeedback> eldest) {
            return size() > max;
          }
        };
  }

  /** The settings. */
  public EngineSettings settings() {
    return settings;
  }

  /** Installs the reference profile of a model version; later windows are tested against it. */
  public synchronized void setProfile(String model, String version, ReferenceProfile profile) {
    detectors
        .computeIfAbsent(model, m -> new HashMap<>())
        .put(version, new DriftDetector(profile, settings.drift()));
  }

  /** Whether the profile of a model version is installed. */
  public synchronized boolean hasProfile(String model, String version) {
    return detectors.getOrDefault(model, Map.of()).containsKey(version);
  }

  /** The versions of {@code model} whose profile is installed. */
  public synchronized List<String> profileVersions(String model) {
    return detectors.getOrDefault(model, Map.of()).keySet().stream()
        .sorted(MonitorEngine::compareVersions)
        .toList();
  }

  /**
   * Counts a prediction. A prediction already seen (same request id, version and arm) is ignored.
   *
   * @return the reports of windows this prediction filled (usually none)
   */
  public synchronized List<WindowReport> onPrediction(Prediction p, Instant now) {
    Joined previous = joins.get(p.requestId());
    for (Joined j = previous; j != null; j = j.next) {
      if (j.version.equals(p.modelVersion()) && j.window.key.arm() == p.arm()) {
        return List.of();
      }
    }
    WindowKey key = new WindowKey(p.modelName(), p.modelVersion(), p.arm());
    Window window = open.get(key);
    if (window == null) {
      DriftDetector detector = detector(key.model(), key.version());
      int k = detector == null ? 0 : detector.projectionCount();
      window = new Window(key, now.toEpochMilli(), settings.windowSize(), k);
      open.put(key, window);
    }
    boolean full = window.add(p);
    Joined joined = new Joined(window, p.modelVersion(), p.label(), p.predictedAt().toEpochMilli());
    joined.next = previous;
    joins.put(p.requestId(), joined);
    if (!pendingFeedback.isEmpty()) {
      PendingFeedback early = pendingFeedback.get(p.requestId());
      if (early != null) {
        label(joined, early.trueLabel(), early.receivedAt());
        if (previous == null) {
          pendingFeedback.remove(p.requestId());
        }
      }
    }
    if (!full) {
      return List.of();
    }
    open.remove(key);
    return List.of(close(window, now));
  }

  /**
   * Joins feedback to its prediction(s) (a shadow request has two). Feedback after the horizon, or
   * a second feedback for the same prediction, is ignored; feedback before its prediction waits for
   * it (up to the horizon).
   *
   * @return whether the feedback was counted now
   */
  public synchronized boolean onFeedback(Feedback f) {
    Joined joined = joins.get(f.requestId());
    long receivedAt = f.receivedAt().toEpochMilli();
    if (joined == null) {
      pendingFeedback.put(f.requestId(), new PendingFeedback(f.trueLabel(), receivedAt));
      return false;
    }
    boolean counted = false;
    for (Joined j = joined; j != null; j = j.next) {
      counted |= label(j, f.trueLabel(), receivedAt);
    }
    return counted;
  }

  private boolean label(Joined j, String trueLabel, long receivedAt) {
    if (j.labelled || receivedAt - j.predictedAt > settings.feedbackHorizon().toMillis()) {
      return false;
    }
    j.labelled = true;
    j.window.quality.add(trueLabel, j.predictedLabel);
    if (j.window.closed) {
      dirty.add(j.window);
    }
    return true;
  }

  /**
   * Closes windows whose time is up, re-reports closed windows that received late feedback, and
   * forgets predictions and early feedback older than the horizon.
   */
  public synchronized List<WindowReport> tick(Instant now) {
    List<WindowReport> reports = new ArrayList<>();
    long nowMillis = now.toEpochMilli();
    Iterator<Window> it = open.values().iterator();
    while (it.hasNext()) {
      Window w = it.next();
      if (nowMillis - w.openedAtMillis >= settings.windowDuration().toMillis()) {
        it.remove();
        reports.add(close(w, now));
      }
    }
    for (Window w : dirty) {
      reports.add(update(w, now));
    }
    dirty.clear();
    long horizon = settings.feedbackHorizon().toMillis();
    Iterator<Joined> joined = joins.values().iterator();
    while (joined.hasNext()) {
      Joined j = joined.next();
      // insertion order is arrival order: stop at the first one still inside the horizon
      if (nowMillis - j.predictedAt <= horizon || !j.window.closed) {
        break;
      }
      joined.remove();
    }
    pendingFeedback.values().removeIf(p -> nowMillis - p.receivedAt() > horizon);
    return reports;
  }

  /** Closes every open window now (e.g. at shutdown or in a benchmark). */
  public synchronized List<WindowReport> flush(Instant now) {
    List<WindowReport> reports = new ArrayList<>();
    for (Window w : open.values()) {
      reports.add(close(w, now));
    }
    open.clear();
    return reports;
  }

  /** What is known about {@code model}; empty when it has never been seen. */
  public synchronized Optional<ModelSnapshot> snapshot(String model) {
    ModelState state = models.get(model);
    Map<WindowKey, Window> windows =
        new TreeMap<>(
            (a, b) ->
                a.version().equals(b.version())
                    ? a.arm().compareTo(b.arm())
                    : compareVersions(a.version(), b.version()));
    open.forEach(
        (key, w) -> {
          if (key.model().equals(model)) {
            windows.put(key, w);
          }
        });
    if (state == null && windows.isEmpty()) {
      return Optional.empty();
    }
    Set<WindowKey> keys = new LinkedHashSet<>(windows.keySet());
    if (state != null) {
      keys.addAll(state.versions.keySet());
    }
    List<ModelSnapshot.VersionSnapshot> versions = new ArrayList<>();
    keys.stream()
        .sorted(
            (a, b) ->
                a.version().equals(b.version())
                    ? a.arm().compareTo(b.arm())
                    : compareVersions(a.version(), b.version()))
        .forEach(
            key -> {
              Window w = windows.get(key);
              VersionState v = state == null ? null : state.versions.get(key);
              versions.add(
                  new ModelSnapshot.VersionSnapshot(
                      key.version(),
                      key.arm(),
                      hasProfile(model, key.version()),
                      w == null
                          ? null
                          : new ModelSnapshot.OpenWindow(
                              Instant.ofEpochMilli(w.openedAtMillis),
                              w.count,
                              w.quality.labelled()),
                      v == null ? 0 : v.windowsClosed,
                      v == null ? 0 : v.driftAlarms,
                      v == null ? null : v.lastHealth,
                      v == null ? null : v.lastDrift));
            });
    return Optional.of(
        new ModelSnapshot(
            model, versions, state == null ? List.of() : List.copyOf(state.recentDrift)));
  }

  private @Nullable DriftDetector detector(String model, String version) {
    Map<String, DriftDetector> byVersion = detectors.get(model);
    return byVersion == null ? null : byVersion.get(version);
  }

  private WindowReport close(Window w, Instant now) {
    WindowKey key = w.key;
    DriftDetector detector = detector(key.model(), key.version());
    DriftDetector.Detection detection = DriftDetector.Detection.NONE;
    if (detector != null) {
      long seed = key.hashCode() * 31L + w.minPredictedAt;
      detection = detector.detect(w.sample(), seed);
    }
    TimeWindow span =
        new TimeWindow(
            Instant.ofEpochMilli(w.minPredictedAt), Instant.ofEpochMilli(w.maxPredictedAt + 1));
    ModelHealth health =
        new ModelHealth(
            key.model(),
            key.version(),
            key.arm(),
            span,
            w.count,
            w.quality.labelled(),
            w.quality.accuracy(),
            w.quality.macroF1(),
            clamp(w.confidenceSum / w.count),
            clamp(w.confidenceSum / w.count),
            null,
            w.latencyP99(),
            w.predictedLabelCounts(),
            detection.scores(),
            now);
    DriftDetected drift =
        detection.drifted()
            ? new DriftDetected(
                key.model(),
                key.version(),
                span,
                w.count,
                detection.severity(),
                detection.tests(),
                now)
            : null;
    w.health = health;
    w.release();
    ModelState model = models.computeIfAbsent(key.model(), m -> new ModelState());
    VersionState version = model.versions.computeIfAbsent(key, k -> new VersionState());
    version.windowsClosed++;
    version.lastHealth = health;
    if (drift != null) {
      version.driftAlarms++;
      version.lastDrift = drift;
      model.recentDrift.addFirst(drift);
      while (model.recentDrift.size() > RECENT_DRIFT) {
        model.recentDrift.removeLast();
      }
    }
    return new WindowReport(health, drift, false);
  }

  private WindowReport update(Window w, Instant now) {
    ModelHealth h = w.health;
    ModelHealth updated =
        new ModelHealth(
            h.modelName(),
            h.modelVersion(),
            h.arm(),
            h.window(),
            h.sampleCount(),
            w.quality.labelled(),
            w.quality.accuracy(),
            w.quality.macroF1(),
            h.estimatedAccuracy(),
            h.meanConfidence(),
            h.errorRate(),
            h.latencyP99Millis(),
            h.predictedLabelCounts(),
            h.driftScores(),
            now);
    w.health = updated;
    VersionState version = models.get(h.modelName()).versions.get(w.key);
    if (version != null
        && version.lastHealth != null
        && version.lastHealth.window().equals(h.window())) {
      version.lastHealth = updated;
    }
    return new WindowReport(updated, null, true);
  }

  private static double clamp(double fraction) {
    return Math.max(0, Math.min(1, fraction));
  }

  /** Orders versions numerically when both are numbers (MLflow versions are), else as text. */
  static int compareVersions(String a, String b) {
    try {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    } catch (NumberFormatException e) {
      return a.compareTo(b);
    }
  }
}
