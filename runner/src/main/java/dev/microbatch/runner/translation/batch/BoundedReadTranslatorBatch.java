package dev.microbatch.runner.translation.batch;

import dev.microbatch.runner.execution.source.BoundedSourceRead;
import org.apache.beam.sdk.util.construction.SplittableParDo;

/**
 * A bounded Read: the source is split into about {@code parallelism} bundles on the driver, and
 * each partition reads one of them, and then part of what the others have left.
 */
final class BoundedReadTranslatorBatch<T>
    implements BatchTransformTranslator<SplittableParDo.PrimitiveBoundedRead<T>> {

  @Override
  public void translate(
      SplittableParDo.PrimitiveBoundedRead<T> transform, BatchTranslationContext context) {
    context.setOutput(BoundedSourceRead.read(transform.getSource(), context, context.engine()));
  }
}
