/**
 * Model folders in the object store: base models, fine-tuned artifacts and their local cache, and
 * loading an artifact for inference the way serving does.
 */
package dev.tuneloop.ml.store;
