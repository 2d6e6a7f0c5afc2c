package dev.tuneloop.curation.domain;

/**
 * One annotator's label for a record.
 *
 * @param annotator who labelled
 * @param label the label given
 */
public record Annotation(String annotator, String label) {}
