package dev.microbatch.runner.execution.state;

import static dev.microbatch.runner.StreamingScript.SCRIPT;
import static dev.microbatch.runner.StreamingScript.assertCountsPerWindowOfTheScript;
import static dev.microbatch.runner.StreamingScript.streamingPipeline;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.runner.PAsserts;
import dev.microbatch.runner.ScriptedUnboundedSource;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/** A stateful DoFn in streaming mode: its state and timers across batches. */
class StreamingStatefulDoFnTest {

  @Test
  void aStatefulDoFnKeepsItsStateAcrossBatchesAndItsEventTimeTimerFiresAtEachWindowsEnd() {
    Pipeline pipeline = streamingPipeline();
    // two words per batch: every window's words arrive over two or more batches
    PCollection<KV<String, Long>> counts =
        pipeline
            .apply(Read.from(new ScriptedUnboundedSource(SCRIPT, 2)))
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                    .via(w -> KV.of(w, 1L)))
            .apply(ParDo.of(new CountAtWindowEnd()));
    assertCountsPerWindowOfTheScript(counts);

    assertThat(PAsserts.runAndVerify(pipeline).getState(), equalTo(PipelineResult.State.DONE));
    assertThat(EngineThreads.alive(), empty());
  }

  /** Counts each key's elements of a window in state, and outputs the count when it ends. */
  private static final class CountAtWindowEnd extends DoFn<KV<String, Long>, KV<String, Long>> {
    @StateId("count")
    private final StateSpec<ValueState<Long>> countSpec = StateSpecs.value();

    @TimerId("end")
    private final TimerSpec endSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(
        @Element KV<String, Long> element,
        @StateId("count") ValueState<Long> count,
        @TimerId("end") Timer end,
        BoundedWindow window) {
      Long sofar = count.read();
      count.write((sofar == null ? 0 : sofar) + element.getValue());
      end.set(window.maxTimestamp());
    }

    @OnTimer("end")
    public void onEnd(
        @Key String key,
        @StateId("count") ValueState<Long> count,
        OutputReceiver<KV<String, Long>> out) {
      out.output(KV.of(key, count.read()));
    }
  }
}
