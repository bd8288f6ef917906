package dev.microbatch.runner.execution.sideinput;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.stream.DStream;
import dev.microbatch.runner.execution.StreamingStepEnvironment;
import dev.microbatch.runner.execution.dofn.DoFnExecution;
import dev.microbatch.runner.execution.dofn.StatelessParDo;
import dev.microbatch.runner.execution.windowing.PCollectionWatermark;
import java.util.List;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * A ParDo with side inputs in streaming mode. Every batch reads each side input as it stands after
 * that batch; elements whose side input windows are not ready yet are pushed back and tried again
 * with the next batch, and until then they hold the output watermark (as on Beam's Flink runner).
 */
@Internal
public final class PushbackParDoStream<InputT, OutputT> {
  private final DoFnExecution<InputT, OutputT> execution;
  private final StreamingStepEnvironment context;
  private final int parallelism;
  private final DStream<Object> output;
  private final PCollectionWatermark watermark;
  private Dataset<WindowedValue<InputT>> pushedBack;
  private long pushedBackIn = Long.MIN_VALUE;
  private Instant hold = BoundedWindow.TIMESTAMP_MAX_VALUE;

  public PushbackParDoStream(
      DoFnExecution<InputT, OutputT> execution, StreamingStepEnvironment context) {
    this.execution = execution;
    this.context = context;
    this.parallelism = context.parallelism();
    PCollectionWatermark input = context.watermark(context.input());
    this.output = context.<InputT>stream(context.input()).transform(this::batch);
    this.watermark = PCollectionWatermark.min(List.of(input, this::holdAfter));
  }

  public DStream<Object> output() {
    return output;
  }

  public PCollectionWatermark watermark() {
    return watermark;
  }

  @SuppressWarnings("unchecked")
  private Dataset<Object> batch(Dataset<WindowedValue<InputT>> records, long batchTime) {
    DoFnExecution<InputT, OutputT> ofBatch = context.afterBatch(execution, batchTime);
    Dataset<WindowedValue<InputT>> elements =
        pushedBack == null ? records : records.union(pushedBack);
    Dataset<Object> processed = StatelessParDo.apply(elements, ofBatch).cache();
    // Collected so that what waits does not carry this batch's lineage into the next one.
    List<WindowedValue<InputT>> waiting =
        processed
            .filter(r -> r instanceof PushedBack)
            .map(r -> (WindowedValue<InputT>) ((PushedBack) r).element())
            .collect();
    pushedBack = waiting.isEmpty() ? null : records.context().parallelize(waiting, parallelism);
    hold = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (WindowedValue<InputT> element : waiting) {
      if (element.getTimestamp().isBefore(hold)) {
        hold = element.getTimestamp();
      }
    }
    pushedBackIn = batchTime;
    return processed.filter(r -> !(r instanceof PushedBack));
  }

  private Instant holdAfter(long batchTime) {
    if (batchTime != pushedBackIn) {
      throw new IllegalStateException(
          "Watermark of batch " + batchTime + " asked after batch " + pushedBackIn);
    }
    return hold;
  }
}
