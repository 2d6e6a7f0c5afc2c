/**
 * Object storage for tuneloop over any S3-compatible store (MinIO, AWS S3, Ceph RGW...).
 *
 * <p>{@link dev.tuneloop.storage.ObjectStore} is the entry point: it creates the design's {@link
 * dev.tuneloop.storage.Buckets}, streams objects of any size without holding them in memory,
 * records a SHA-256 of every object it writes and checks it on read, offers write-once and
 * content-addressed writes for immutable paths and small JSON documents such as manifests, and
 * retries transient failures with exponential backoff. Quarkus services get it through {@code
 * dev.tuneloop.storage.quarkus}.
 */
package dev.tuneloop.storage;
