package dev.tuneloop.ml.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the process' peak resident set size (Linux {@code VmHWM}), native memory included. */
final class PeakMemory {

  private PeakMemory() {}

  /** Peak RSS in MiB, or -1 where /proc is not available. */
  static double peakRssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
