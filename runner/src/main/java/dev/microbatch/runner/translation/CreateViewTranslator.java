package dev.microbatch.runner.translation;

import org.apache.beam.sdk.transforms.View;

/**
 * CreatePCollectionView: nothing runs here. Readers of the view get its contents through {@link
 * TranslationContext#sideInput}, a broadcast of the viewed PCollection.
 */
final class CreateViewTranslator<ElemT, ViewT>
    implements TransformTranslator<View.CreatePCollectionView<ElemT, ViewT>> {

  @Override
  public void translate(
      View.CreatePCollectionView<ElemT, ViewT> transform, TranslationContext context) {
    context.alias(context.output(), context.input());
  }
}
