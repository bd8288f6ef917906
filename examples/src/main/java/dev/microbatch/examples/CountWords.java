package dev.microbatch.examples;

import java.util.Arrays;
import java.util.regex.Pattern;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The word count itself, as one composite: lines in, (word, count) out. Batch and streaming word
 * counts share it unchanged; only where the lines come from differs.
 */
public class CountWords extends PTransform<PCollection<String>, PCollection<KV<String, Long>>> {
  /** What separates words: anything but letters and apostrophes. Compiled once, not per line. */
  private static final Pattern SEPARATOR = Pattern.compile("[^\\p{L}']+");

  @Override
  public PCollection<KV<String, Long>> expand(PCollection<String> lines) {
    return lines
        .apply(
            "ExtractWords",
            FlatMapElements.into(TypeDescriptors.strings())
                .via((String line) -> Arrays.asList(SEPARATOR.split(line))))
        .apply("DropEmpty", Filter.by((String word) -> !word.isEmpty()))
        .apply("CountPerWord", Count.perElement());
  }
}
