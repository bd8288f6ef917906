package dev.microbatch.runner.translation.streaming;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.runner.execution.source.BoundedInputStream;
import dev.microbatch.runner.execution.source.BoundedSourceRead;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.WindowedValue;

/** A bounded Read in streaming mode: every bundle read in the first batch. */
final class BoundedReadTranslatorStreaming<T>
    implements StreamingTransformTranslator<SplittableParDo.PrimitiveBoundedRead<T>> {

  @Override
  public void translate(
      SplittableParDo.PrimitiveBoundedRead<T> transform, StreamingTranslationContext context) {
    Dataset<WindowedValue<T>> all =
        BoundedSourceRead.read(transform.getSource(), context, context.streaming().engine());
    BoundedInputStream<T> read =
        new BoundedInputStream<>(context.streaming(), context.stepName(), all);
    context.checkpointed(read);
    context.setOutput(read, read::watermarkAfter);
  }
}
