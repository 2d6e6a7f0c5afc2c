package dev.tuneloop.events;

import java.time.Instant;

/**
 * A half-open time window {@code [start, end)} over which online statistics were computed.
 *
 * @param start first instant of the window (inclusive)
 * @param end end of the window (exclusive); not before {@code start}
 */
public record TimeWindow(Instant start, Instant end) {

  /** Checks that both ends are present and in order. */
  public TimeWindow {
    Require.present(start, "start");
    Require.present(end, "end");
    Require.notBefore(end, start, "end", "start");
  }
}
