package dev.tuneloop.serving.domain;

import dev.tuneloop.events.Prediction;
import org.jspecify.annotations.Nullable;

/**
 * A prediction to publish, with the loop iteration it belongs to.
 *
 * @param prediction the event
 * @param correlationId the correlation id of the deployment state that deployed the answering
 *     version; null starts a new one
 */
public record LoggedPrediction(Prediction prediction, @Nullable String correlationId) {}
