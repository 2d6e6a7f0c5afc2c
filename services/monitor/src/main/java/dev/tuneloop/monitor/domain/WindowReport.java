package dev.tuneloop.monitor.domain;

import dev.tuneloop.events.DriftDetected;
import dev.tuneloop.events.ModelHealth;
import org.jspecify.annotations.Nullable;

/**
 * What the monitor has to say about a window: its health, and a drift alarm when a test drifted.
 *
 * @param health the window's health
 * @param drift the alarm; absent when nothing drifted or this is an update
 * @param update true when this re-reports an already closed window because late feedback arrived
 *     (same window, newer quality figures)
 */
public record WindowReport(ModelHealth health, @Nullable DriftDetected drift, boolean update) {}
