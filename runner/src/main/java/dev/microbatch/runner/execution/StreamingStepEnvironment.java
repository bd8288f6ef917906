package dev.microbatch.runner.execution;

import dev.microbatch.engine.checkpoint.CheckpointedState;
import dev.microbatch.engine.stream.DStream;
import dev.microbatch.runner.execution.dofn.DoFnExecution;
import dev.microbatch.runner.execution.windowing.PCollectionWatermark;
import java.util.function.Supplier;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * What a streaming step's execution needs besides: the streams and watermarks of the PCollections
 * it reads, the pipeline's processing time, side inputs as they stand after a batch, and where its
 * state goes into checkpoints.
 */
@Internal
public interface StreamingStepEnvironment extends StepEnvironment {
  <T> DStream<WindowedValue<T>> stream(PValue value);

  PCollectionWatermark watermark(PValue value);

  /** The pipeline's processing time, read when batches run. */
  Supplier<Instant> processingTime();

  /**
   * {@code execution} reading its side inputs as they stand after {@code batchTime}. Asked on the
   * batch thread while that batch is generated.
   */
  <InputT, OutputT> DoFnExecution<InputT, OutputT> afterBatch(
      DoFnExecution<InputT, OutputT> execution, long batchTime);

  /** With --checkpointDirectory: checkpoints keep {@code state} of the step. */
  void checkpointed(CheckpointedState state);
}
