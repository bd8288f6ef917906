package dev.microbatch.engine.stream;

import java.io.PrintStream;
import java.util.List;

/** Spark Streaming's print format: a header with the batch time, then the first records. */
final class MicroBatchPrinter {
  private static final String RULE = "-------------------------------------------";

  private MicroBatchPrinter() {}

  static void print(List<?> records, long batchTime, int num, PrintStream out) {
    StringBuilder text = new StringBuilder();
    text.append(RULE)
        .append('\n')
        .append("Time: ")
        .append(batchTime)
        .append(" ms\n")
        .append(RULE)
        .append('\n');
    records.stream().limit(num).forEach(record -> text.append(record).append('\n'));
    if (records.size() > num) {
      text.append("...\n");
    }
    out.println(text);
  }
}
