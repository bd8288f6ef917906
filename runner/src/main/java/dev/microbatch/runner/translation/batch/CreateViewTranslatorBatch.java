package dev.microbatch.runner.translation.batch;

import org.apache.beam.sdk.transforms.View;

/**
 * CreatePCollectionView: nothing runs here. Readers of the view get its contents through {@link
 * BatchTranslationContext#sideInput}, a broadcast of the viewed PCollection.
 */
final class CreateViewTranslatorBatch<ElemT, ViewT>
    implements BatchTransformTranslator<View.CreatePCollectionView<ElemT, ViewT>> {

  @Override
  public void translate(
      View.CreatePCollectionView<ElemT, ViewT> transform, BatchTranslationContext context) {
    context.alias(context.output(), context.input());
  }
}
