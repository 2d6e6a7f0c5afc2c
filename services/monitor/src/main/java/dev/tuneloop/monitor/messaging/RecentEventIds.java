package dev.tuneloop.monitor.messaging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The last N event ids a consumer handled, to skip redelivered events (bounded, thread-safe). */
final class RecentEventIds {

  private final Map<UUID, Boolean> seen;

  RecentEventIds(int capacity) {
    seen =
        new LinkedHashMap<>(256, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** True the first time {@code id} is offered. */
  synchronized boolean firstTime(UUID id) {
    return seen.put(id, Boolean.TRUE) == null;
  }
}
