package dev.microbatch.runner.translation.streaming;

import dev.microbatch.runner.execution.sideinput.SideInputStream;
import org.apache.beam.sdk.transforms.View;

/**
 * CreatePCollectionView in streaming mode: the viewed PCollection becomes a {@link
 * SideInputStream}, which ParDos reading the view ask for its contents batch by batch. Its output,
 * the side input's panes, is computed every batch even if no ParDo reads the view.
 */
final class CreateViewTranslatorStreaming<ElemT, ViewT>
    implements StreamingTransformTranslator<View.CreatePCollectionView<ElemT, ViewT>> {

  @Override
  public void translate(
      View.CreatePCollectionView<ElemT, ViewT> transform, StreamingTranslationContext context) {
    SideInputStream side = context.sideInput(transform.getView());
    context.setInternalOutput(side.panes(), side.watermark());
  }
}
