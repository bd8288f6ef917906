package dev.microbatch.runner.translation.streaming;

import dev.microbatch.engine.checkpoint.CheckpointedState;
import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.stream.DStream;
import dev.microbatch.engine.stream.StreamingContext;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.execution.StreamingStepEnvironment;
import dev.microbatch.runner.execution.dofn.DoFnExecution;
import dev.microbatch.runner.execution.metrics.PipelineMetrics;
import dev.microbatch.runner.execution.sideinput.SideInputStream;
import dev.microbatch.runner.execution.source.TestStreamClock;
import dev.microbatch.runner.execution.windowing.PCollectionWatermark;
import dev.microbatch.runner.translation.AppliedTransformContext;
import dev.microbatch.runner.translation.RowConformance;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * Streaming translation's state: the stream and the watermark of every translated PCollection.
 * PCollections read by several transforms are cached per batch; those read by none are drained
 * every batch, so each batch computes the whole pipeline.
 */
@Internal
public final class StreamingTranslationContext extends AppliedTransformContext
    implements StreamingStepEnvironment {
  private final StreamingContext streaming;
  private final Map<PValue, DStream<?>> streams = new HashMap<>();
  private final Map<PValue, PCollectionWatermark> watermarks = new LinkedHashMap<>();
  private final Map<TupleTag<?>, SideInputStream> sideInputs = new HashMap<>();
  private final Map<String, CheckpointedState> checkpointed = new LinkedHashMap<>();
  private TestStreamClock testStreamClock;

  StreamingTranslationContext(
      StreamingContext streaming,
      MicroBatchPipelineOptions options,
      PipelineMetrics metrics,
      Map<PValue, Integer> consumers) {
    super(options, metrics, consumers);
    this.streaming = streaming;
  }

  public StreamingContext streaming() {
    return streaming;
  }

  @SuppressWarnings("unchecked")
  @Override
  public <T> DStream<WindowedValue<T>> stream(PValue value) {
    DStream<?> stream = streams.get(value);
    if (stream == null) {
      throw new IllegalStateException("No stream for " + value + " (read by " + stepName() + ")");
    }
    return (DStream<WindowedValue<T>>) stream;
  }

  @Override
  public PCollectionWatermark watermark(PValue value) {
    return watermarks.get(value);
  }

  /**
   * The pipeline's processing time, as state and triggers see it: the batch clock's, or, in a
   * pipeline with a TestStream, the TestStream's own clock (as on Beam's DirectRunner). Read when
   * batches run, so it does not matter which transform is translated first.
   */
  @Override
  public Supplier<Instant> processingTime() {
    return () ->
        testStreamClock != null
            ? testStreamClock.now()
            : new Instant(streaming.clock().currentTimeMillis());
  }

  /**
   * The clock TestStreams advance, made on first use; from then on the pipeline's processing time.
   */
  TestStreamClock testStreamClock() {
    if (testStreamClock == null) {
      testStreamClock = new TestStreamClock();
    }
    return testStreamClock;
  }

  /**
   * The side input of {@code view}, made on first use (by CreatePCollectionView or by a ParDo
   * reading the view, whichever is translated first) from the viewed PCollection.
   */
  SideInputStream sideInput(PCollectionView<?> view) {
    refuseCheckpointing("Side inputs (" + view.getTagInternal().getId() + ")");
    return sideInputs.computeIfAbsent(
        view.getTagInternal(),
        tag ->
            new SideInputStream(
                view, stream(view.getPCollection()), watermark(view.getPCollection()), this));
  }

  /**
   * {@code execution} reading its side inputs as they stand after {@code batchTime}. Asked on the
   * batch thread while that batch is generated.
   */
  @Override
  public <InputT, OutputT> DoFnExecution<InputT, OutputT> afterBatch(
      DoFnExecution<InputT, OutputT> execution, long batchTime) {
    return execution.withSideInputs(view -> sideInput(view).after(batchTime));
  }

  /** With --checkpointDirectory: checkpoints keep {@code state} of the current transform. */
  @Override
  public void checkpointed(CheckpointedState state) {
    if (options().getCheckpointDirectory() != null) {
      checkpointed.put(stepName(), state);
    }
  }

  /**
   * With --checkpointDirectory: fails, naming {@code feature}, which checkpoints cannot keep yet.
   */
  void refuseCheckpointing(String feature) {
    if (options().getCheckpointDirectory() != null) {
      throw new UnsupportedOperationException(
          feature
              + " in streaming mode cannot be checkpointed yet ("
              + stepName()
              + "); run the pipeline without --checkpointDirectory");
    }
  }

  /** The state checkpoints keep, by step name. */
  public Map<String, CheckpointedState> checkpointed() {
    return checkpointed;
  }

  /** The stream and watermark of the only output of the current transform. */
  public void setOutput(
      DStream<? extends WindowedValue<?>> stream, PCollectionWatermark watermark) {
    setOutput(stream, watermark, RowConformance.forDatasetsOf(output()));
  }

  /**
   * Like {@link #setOutput(DStream, PCollectionWatermark)} for an output whose elements are the
   * runner's own, not its PCollection's: a view's side-input panes.
   */
  void setInternalOutput(
      DStream<? extends WindowedValue<?>> stream, PCollectionWatermark watermark) {
    setOutput(stream, watermark, UnaryOperator.identity());
  }

  private void setOutput(
      DStream<? extends WindowedValue<?>> stream,
      PCollectionWatermark watermark,
      UnaryOperator<Dataset<? extends WindowedValue<?>>> conform) {
    PCollection<?> output = output();
    String step = stepName();
    // each batch's dataset is named for the step, for the stages progress reports show
    streams.put(
        output,
        produced(stream.transform((d, time) -> conform.apply(d).named(step)), consumersOf(output)));
    watermarks.put(output, watermark);
  }

  /**
   * Like the batch mode's {@code setOutputs}, batch by batch; every output has {@code watermark}.
   */
  public <U> void setOutputs(
      DStream<U> unit,
      BiFunction<Dataset<U>, TupleTag<?>, Dataset<? extends WindowedValue<?>>> split,
      PCollectionWatermark watermark) {
    int total = outputs().values().stream().mapToInt(this::consumersOf).sum();
    DStream<U> computed = produced(unit, total);
    outputs()
        .forEach(
            (tag, pc) -> {
              UnaryOperator<Dataset<? extends WindowedValue<?>>> conform =
                  RowConformance.forDatasetsOf(pc);
              streams.put(pc, computed.transform((d, time) -> conform.apply(split.apply(d, tag))));
              watermarks.put(pc, watermark);
            });
  }

  private <T> DStream<T> produced(DStream<T> stream, int consumerCount) {
    if (consumerCount == 0) {
      stream.foreachBatch((d, time) -> streaming.engine().runJob(List.of(d), List.of()));
      return stream;
    }
    return consumerCount > 1 ? stream.transform((d, time) -> d.cache()) : stream;
  }

  /** Every PCollection's watermark after {@code batchTime}, by the PCollection's name. */
  Map<String, Instant> watermarksAfter(long batchTime) {
    Map<String, Instant> after = new LinkedHashMap<>();
    watermarks.forEach(
        (value, watermark) -> after.put(value.getName(), watermark.after(batchTime)));
    return after;
  }

  /** True once every PCollection's watermark after {@code batchTime} is the end of time. */
  boolean allWatermarksAtEndOfTime(long batchTime) {
    return watermarks.values().stream()
        .allMatch(w -> !w.after(batchTime).isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE));
  }
}
