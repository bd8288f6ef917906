package dev.microbatch.runner.translation.streaming;

import dev.microbatch.engine.stream.DStream;
import dev.microbatch.runner.execution.dofn.DoFnExecution;
import dev.microbatch.runner.execution.dofn.OutputBuffer;
import dev.microbatch.runner.execution.dofn.StatelessParDo;
import dev.microbatch.runner.execution.sideinput.KeyedSideInputs;
import dev.microbatch.runner.execution.sideinput.PushbackParDoStream;
import dev.microbatch.runner.execution.state.KeyState;
import dev.microbatch.runner.execution.state.KeyedStreamStep;
import dev.microbatch.runner.execution.state.StatefulBundle;
import dev.microbatch.runner.execution.windowing.PCollectionWatermark;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * ParDo in streaming mode: each batch's partitions run as bundles, exactly as in batch mode, and
 * the output watermark is the input's. A stateful ParDo keeps each key's state and timers from
 * batch to batch, and its timers hold its output watermark; a ParDo with side inputs holds back
 * what waits for them (see {@link PushbackParDoStream}, and {@link KeyedSideInputs} when stateful).
 */
final class ParDoTranslatorStreaming<InputT, OutputT>
    implements StreamingTransformTranslator<ParDo.MultiOutput<InputT, OutputT>> {

  @Override
  public void translate(
      ParDo.MultiOutput<InputT, OutputT> transform, StreamingTranslationContext context) {
    DoFnExecution<InputT, OutputT> execution = new DoFnExecution<>(transform, context);
    DoFnSignature signature = DoFnSignatures.getSignature(transform.getFn().getClass());
    boolean stateful = signature.usesState() || signature.usesTimers();
    DStream<Object> output;
    PCollectionWatermark watermark;
    if (stateful) {
      KeyedStreamStep<?, ?, Object> step = statefulStep(execution, context);
      output = step.output();
      watermark = step.watermark();
    } else if (execution.hasSideInputs()) {
      PushbackParDoStream<InputT, OutputT> pushback = new PushbackParDoStream<>(execution, context);
      output = pushback.output();
      watermark = pushback.watermark();
    } else {
      output =
          context.<InputT>stream(context.input())
              .transform((d, time) -> StatelessParDo.apply(d, execution));
      watermark = context.watermark(context.input());
    }
    setOutputs(context, output, execution.isMultiOutput(), watermark);
  }

  /** The outputs of a ParDo-like step: tagged records if it has several, else its only one. */
  static void setOutputs(
      StreamingTranslationContext context,
      DStream<Object> output,
      boolean multiOutput,
      PCollectionWatermark watermark) {
    if (multiOutput) {
      context.setOutputs(output, OutputBuffer::output, watermark);
    } else {
      context.setOutput(output.transform((d, time) -> OutputBuffer.asWindowedValues(d)), watermark);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static KeyedStreamStep<?, ?, Object> statefulStep(
      DoFnExecution<?, ?> execution, StreamingTranslationContext context) {
    DoFnExecution<KV<Object, Object>, Object> keyed = (DoFnExecution) execution;
    return KeyedStreamStep.<Object, Object, Object>of(
        (PCollection) context.input(),
        context,
        KeyedSideInputs.bundles(
            keyed, context, (ofBatch, time, task) -> new StatefulBundle<>(ofBatch, task)),
        KeyState::earliestHoldOrTimerOutput);
  }
}
