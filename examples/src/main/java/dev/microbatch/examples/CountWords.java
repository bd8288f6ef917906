package dev.microbatch.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.FlatMapElements;
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

  /**
   * The words of {@code line}, as this word count splits it: for clients that split on their own.
   */
  public static List<String> wordsOf(String line) {
    List<String> words = new ArrayList<>();
    for (String word : SEPARATOR.split(line)) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return words;
  }

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
