/**
 * MLflow for tuneloop: experiments, runs, params, metrics and tags through {@code
 * org.mlflow:mlflow-client} ({@link dev.tuneloop.tracking.TrackingClient}); registered models,
 * model versions and aliases ({@link dev.tuneloop.tracking.ModelRegistryClient}) and run artifacts
 * ({@link dev.tuneloop.tracking.ArtifactClient}) over MLflow's REST API, which the Java client
 * lacks (its artifact calls start a Python process and are never used here).
 *
 * <p>Start with {@link dev.tuneloop.tracking.MlflowConnection#open(TrackingSettings)}. Every call
 * retries transient failures (connection errors, timeouts, HTTP 429 and 5xx) with exponential
 * backoff and jitter; other failures surface at once as a {@link
 * dev.tuneloop.tracking.MlflowApiException} carrying MLflow's {@code error_code}.
 */
package dev.tuneloop.tracking;
