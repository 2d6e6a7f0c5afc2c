/**
 * Quarkus adapters of the object store: typed configuration ({@code tuneloop.storage.*}), the
 * {@link dev.tuneloop.storage.ObjectStore} bean and the {@code object-store} readiness check. The
 * logic lives in {@code dev.tuneloop.storage}; these classes only translate.
 */
package dev.tuneloop.storage.quarkus;
