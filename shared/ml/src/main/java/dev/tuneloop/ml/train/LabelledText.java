package dev.tuneloop.ml.train;

/**
 * One training or evaluation example.
 *
 * @param id the record id (line number if the file has none)
 * @param text the text
 * @param label the label name
 */
public record LabelledText(String id, String text, String label) {}
