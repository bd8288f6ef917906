package dev.microbatch.runner.translation.streaming;

import dev.microbatch.runner.execution.source.TestStreamInput;
import org.apache.beam.sdk.testing.TestStream;

/** TestStream in streaming mode: its events, one per batch (see {@link TestStreamInput}). */
final class TestStreamTranslatorStreaming<T>
    implements StreamingTransformTranslator<TestStream<T>> {

  @Override
  public void translate(TestStream<T> transform, StreamingTranslationContext context) {
    context.refuseCheckpointing("TestStream");
    TestStreamInput<T> input =
        new TestStreamInput<>(
            context.streaming(), context.stepName(), transform, context.testStreamClock());
    context.setOutput(input, input::watermarkAfter);
  }
}
