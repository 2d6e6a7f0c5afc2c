package dev.tuneloop.monitor.domain;

import dev.tuneloop.events.Arm;

/**
 * What a window belongs to: one model version on one rollout arm.
 *
 * @param model the registered model
 * @param version the model version
 * @param arm the arm it served on
 */
public record WindowKey(String model, String version, Arm arm) {}
